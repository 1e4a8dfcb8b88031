// The gpu.js backend: the kernels of src/tensor/gpu/kernels.ts on WebGPU, WebGL2 or
// WebAssembly, through gpu.js. Weights are uploaded once (prepareLinear, and LayerNorm
// parameters on first use); activations stay on the device from op to op (gpu.js pipeline
// results) and come back to JavaScript only as the SPLADE vectors, or when someone reads a
// tensor's `data`. Everything is float32 ('single' precision, never 'unsigned' packing).
import { SpladeError } from '../../errors.js';
import type { BackendInfo } from '../backend-options.js';
import type {
  Activation,
  AttentionOptions,
  AttentionResult,
  Backend,
  LinearHandle,
  TokenLayout,
} from '../backend.js';
import { Tensor, ShapeError, formatShape } from '../tensor.js';
import { DeviceStorage, DeviceTensor } from './device-tensor.js';
import {
  GPU_MODES,
  GpuUnavailableError,
  availableGpuModes,
  loadGpuJs,
  type DeviceArray,
  type GpuInstance,
  type GpuJs,
  type GpuKernel,
  type GpuMode,
  type KernelSource,
} from './gpu-js.js';
import {
  activateKernel,
  addKernel,
  attentionContextKernel,
  attentionProbsKernel,
  attentionScoresKernel,
  layerNormApplyKernel,
  layerNormStatsKernel,
  linearKernel,
  spladePoolKernel,
  uploadKernel,
} from './kernels.js';

/** A tensor too large for the device's textures or buffers. */
export class GpuLimitError extends SpladeError {}

/** A kernel gpu.js could not run on the requested mode (it would have fallen back). */
export class GpuFallbackError extends SpladeError {}

/** The compiled kernels kept at most (see evictKernels). */
const MAX_KERNELS = 256;
const WEIGHT_UPLOAD = 'weight-upload';

/** What holds one tensor on each mode, for messages. */
const CONTAINER: Record<GpuMode, string> = { webgpu: 'storage buffer', webgl2: 'texture', webasm: 'array' };

const ACTIVATION_CODES: Record<Activation, number> = {
  none: 0, gelu: 1, gelu_tanh: 2, quick_gelu: 3, relu: 4, silu: 5,
};

/** A linear layer's weight ([out, in]) and bias ([1, out]) on the device. */
export class GpuLinear implements LinearHandle {
  constructor(
    readonly name: string,
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly weight: DeviceArray,
    readonly bias: DeviceArray,
  ) {}
}

export interface GpuBackendOptions {
  /** The gpu.js mode; default: the best available (webgpu, then webgl2, then webasm). */
  readonly mode?: GpuMode;
  /**
   * A lower cap than the device's on the values one texture or buffer may hold (to keep a
   * page's GPU memory use down, or to test the refusal).
   */
  readonly maxElements?: number;
  /** What `info.notes` says (why the GPU runs; see BackendInfo). */
  readonly notes?: readonly string[];
}

function isArrayLikeOfNumbers(value: unknown): value is ArrayLike<number> {
  return ArrayBuffer.isView(value);
}

/** gpu.js results as one flat row-major Float32Array (they come as nested rows). */
function flatten(value: unknown, size: number): Float32Array {
  const out = new Float32Array(size);
  let at = 0;
  const walk = (v: unknown): void => {
    if (isArrayLikeOfNumbers(v)) {
      out.set(v as Float32Array, at);
      at += v.length;
    } else if (Array.isArray(v)) {
      for (const item of v) walk(item);
    } else {
      throw new SpladeError(`gpu.js returned an unexpected value (${typeof v}) instead of rows of numbers`);
    }
  };
  walk(value);
  if (at !== size) throw new SpladeError(`gpu.js returned ${at} values where ${size} were expected`);
  return out;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function deleteArray(array: DeviceArray | undefined): void {
  const handle = array as { delete?: () => void } | undefined;
  if (typeof handle?.delete === 'function') handle.delete();
}

export class GpuBackend implements Backend {
  readonly name: string;
  private readonly kernels = new Map<string, GpuKernel>();
  /** LayerNorm parameters and other weights uploaded on first use, by their host array. */
  private readonly weights = new Map<Float32Array, DeviceArray>();
  /** The linear layers' weights and biases, freed by dispose. */
  private readonly linearArrays: DeviceArray[] = [];
  /** Activations of the current forward pass. */
  private arena: DeviceStorage[] = [];
  /** The attention masks of the current forward pass, uploaded once each. */
  private masks = new Map<Uint8Array, DeviceArray>();
  /**
   * The previous forward pass's activations: kept on the device until the next op, so the
   * caller can still read what the forward returned (last hidden state, captures); then
   * those handed out are read back and all are freed. One forward's worth at most.
   */
  private retired: DeviceStorage[] = [];
  private retiredMasks: DeviceArray[] = [];
  private disposed = false;
  /** Nesting depth of `scope` calls: only the outermost releases. */
  private scopeDepth = 0;
  private live = 0;

  private constructor(
    private readonly gpuJs: GpuJs,
    private readonly gpu: GpuInstance,
    readonly mode: GpuMode,
    /** The largest float32 array one texture or buffer can hold here. */
    private readonly maxElements: number,
    private readonly notes: readonly string[],
  ) {
    this.name = `gpu.js ${mode}`;
  }

  get info(): BackendInfo {
    return { backend: 'gpu', kernels: 'gpu.js', threads: 1, gpuMode: this.mode, name: this.name, notes: this.notes };
  }

  /**
   * Device arrays alive now that this backend made (weights, activations, masks): every
   * kernel result counts until it is deleted. Flat across forward passes unless memory leaks
   * (the tests watch it).
   */
  get liveDeviceArrays(): number {
    return this.live;
  }

  /**
   * One forward pass (see Backend.scope): the activations and masks made inside are freed
   * when `fn` settles, those handed out (reshaped views, attention probabilities) read back
   * to host memory first.
   */
  async scope<T>(fn: () => Promise<T>): Promise<T> {
    if (this.scopeDepth > 0) return fn();
    await this.enter();
    this.scopeDepth++;
    try {
      return await fn();
    } finally {
      this.scopeDepth--;
      this.retire();
      if (!this.disposed) await this.releaseRetired();
    }
  }

  /**
   * Loads gpu.js and opens `mode` (default: the best available).
   * @throws GpuUnavailableError when gpu.js is missing or the mode is not available here
   */
  static async create(options: GpuBackendOptions = {}): Promise<GpuBackend> {
    const gpuJs = await loadGpuJs();
    const available = await availableGpuModes(gpuJs);
    if (options.mode !== undefined && !GPU_MODES.includes(options.mode)) {
      throw new GpuUnavailableError(`unknown gpu.js mode '${String(options.mode)}' (use ${GPU_MODES.join(', ')})`);
    }
    const mode = options.mode ?? available[0];
    if (mode === undefined || !available.includes(mode)) {
      const what = mode === undefined ? 'no gpu.js mode is available here' : `gpu.js mode '${mode}' is not available here`;
      throw new GpuUnavailableError(`${what} (available: ${available.length > 0 ? available.join(', ') : 'none'})`);
    }
    const deviceMax = await maxElementsOf(gpuJs, mode);
    const maxElements = Math.min(deviceMax, options.maxElements ?? deviceMax);
    return new GpuBackend(gpuJs, new gpuJs.GPU({ mode }), mode, maxElements, options.notes ?? []);
  }

  /** Frees every kernel and device array; the backend is unusable afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.retire();
    for (const storage of this.retired) {
      // Values handed out stay readable where a synchronous read exists (not on WebGPU).
      if (storage.escaped && !storage.host && storage.array && this.mode !== 'webgpu') storage.read();
      this.deleteArray(storage.array);
      storage.array = undefined;
    }
    for (const mask of this.retiredMasks) this.deleteArray(mask);
    this.retired = [];
    this.retiredMasks = [];
    for (const array of [...this.weights.values(), ...this.linearArrays]) this.deleteArray(array);
    this.weights.clear();
    this.linearArrays.length = 0;
    for (const kernel of this.kernels.values()) kernel.destroy(true);
    this.kernels.clear();
    this.gpu.destroy();
    this.disposed = true;
  }

  /** Ends a forward pass: its activations are freed when the next op starts. */
  private retire(): void {
    this.retired.push(...this.arena);
    this.arena = [];
    this.retiredMasks.push(...this.masks.values());
    this.masks.clear();
  }

  /** Every op starts here: refuses a disposed backend, frees the previous forward pass. */
  private async enter(): Promise<void> {
    if (this.disposed) throw new SpladeError(`${this.name}: the backend was disposed`);
    await this.releaseRetired();
  }

  /** Frees the retired activations and masks, reading back those handed out first. */
  private async releaseRetired(): Promise<void> {
    if (this.retired.length === 0 && this.retiredMasks.length === 0) return;
    const retired = this.retired;
    const masks = this.retiredMasks;
    this.retired = [];
    this.retiredMasks = [];
    for (const storage of retired) {
      if (storage.escaped && !storage.host && storage.array) storage.host = await this.read(storage.array, storage.size);
      this.deleteArray(storage.array);
      storage.array = undefined;
    }
    for (const mask of masks) this.deleteArray(mask);
  }

  // ---- device arrays -------------------------------------------------------------------

  private checkSize(what: string, shape: readonly number[]): void {
    const count = shape.reduce((a, b) => a * b, 1);
    if (count > this.maxElements) {
      throw new GpuLimitError(
        `${what} ${formatShape(shape)} has ${count} values, more than one ${this.mode} ${CONTAINER[this.mode]} holds here (${this.maxElements})`,
      );
    }
  }

  /** A kernel for this op and shape, compiled on first use. */
  private kernel(key: string, source: KernelSource, output: number[], constants: Record<string, number> = {}): GpuKernel {
    const cacheKey = `${key}:${output.join('x')}:${JSON.stringify(constants)}`;
    let kernel = this.kernels.get(cacheKey);
    if (kernel) {
      // Most recently used last, for the eviction below.
      this.kernels.delete(cacheKey);
      this.kernels.set(cacheKey, kernel);
    } else {
      this.evictKernels();
      kernel = this.gpu.createKernel(source, {
        output,
        constants,
        pipeline: true,
        immutable: true,
        precision: 'single',
        tactic: 'precision',
      });
      this.kernels.set(cacheKey, kernel);
    }
    return kernel;
  }

  /**
   * Every sequence length compiles its own kernels (sizes are compile-time constants), so the
   * cache is bounded: past MAX_KERNELS the least recently used compute kernel is destroyed.
   * A forward pass uses about a dozen, so no kernel of the current or the previous pass goes
   * (destroying a GL kernel deletes its last output). Weight upload kernels stay.
   */
  private evictKernels(): void {
    if (this.kernels.size < MAX_KERNELS) return;
    for (const [cacheKey, kernel] of this.kernels) {
      if (cacheKey.startsWith(`${WEIGHT_UPLOAD}:`)) continue;
      kernel.destroy(false);
      this.kernels.delete(cacheKey);
      return;
    }
  }

  /** Deletes a device array this backend made (see liveDeviceArrays). */
  private deleteArray(array: DeviceArray | undefined): void {
    if (array === undefined) return;
    deleteArray(array);
    this.live--;
  }

  /** Runs a kernel; refuses a result gpu.js computed on another backend than `mode`. */
  private async run(kernel: GpuKernel, what: string, ...args: unknown[]): Promise<DeviceArray> {
    const result = kernel(...args);
    const value = isPromise(result) ? await result : result;
    const fallback = kernel.kernel?.fallbackReason;
    if (fallback) {
      deleteArray(value as DeviceArray);
      throw new GpuFallbackError(`${this.name}: gpu.js could not run ${what} on ${this.mode} (${fallback})`);
    }
    this.live++;
    return value as DeviceArray;
  }

  /** Reads a device array back as one flat Float32Array. */
  private async read(array: DeviceArray, size: number): Promise<Float32Array> {
    const handle = array as { toArray?: () => unknown };
    const value = typeof handle.toArray === 'function' ? handle.toArray() : array;
    return flatten(isPromise(value) ? await value : value, size);
  }

  private readSync = (array: DeviceArray, size: number): Float32Array => {
    if (this.mode === 'webgpu') {
      throw new SpladeError(
        'webgpu activations can only be read asynchronously: read captured tensors after the forward pass has finished',
      );
    }
    const handle = array as { toArray?: () => unknown };
    return flatten(typeof handle.toArray === 'function' ? handle.toArray() : array, size);
  };

  /** Wraps a kernel result as an activation of this forward pass. */
  private activation(array: DeviceArray, shape: number[]): DeviceTensor {
    const size = shape.reduce((a, b) => a * b, 1);
    const storage = new DeviceStorage(array, size, (a) => this.readSync(a, size), (a) => this.read(a, size));
    this.arena.push(storage);
    return new DeviceTensor(shape, storage);
  }

  /**
   * Copies host values onto the device as a [rows, cols] array. Weights go through kernels of
   * their own that are never evicted (destroying a GL kernel deletes its last output).
   */
  private async upload(data: Float32Array, rows: number, cols: number, what: string, weight = false): Promise<DeviceArray> {
    this.checkSize(what, [rows, cols]);
    const kernel = this.kernel(weight ? WEIGHT_UPLOAD : 'upload', uploadKernel as KernelSource, matrix(rows, cols));
    return this.run(kernel, `the upload of ${what}`, this.gpuJs.input(data, matrix(rows, cols)));
  }

  /** The device array of an activation [rows, cols]: ours as is, a host tensor uploaded. */
  private async device(x: Tensor, what: string): Promise<DeviceArray> {
    const cols = x.shape[x.shape.length - 1];
    const rows = x.size / cols;
    if (x instanceof DeviceTensor && x.storage.array) return x.storage.array;
    const array = await this.upload(x.data, rows, cols, what);
    this.arena.push(new DeviceStorage(array, x.size, (a) => this.readSync(a, x.size), (a) => this.read(a, x.size)));
    return array;
  }

  /** A weight vector [n] on the device as [1, n], uploaded once. */
  private async weightRow(data: Float32Array, what: string): Promise<DeviceArray> {
    let array = this.weights.get(data);
    if (!array) {
      array = await this.upload(data, 1, data.length, what, true);
      this.weights.set(data, array);
    }
    return array;
  }

  /** The padding mask as a [batch, seq] float array, uploaded once per forward pass. */
  private async mask(tokens: TokenLayout): Promise<DeviceArray> {
    let array = this.masks.get(tokens.mask);
    if (!array) {
      array = await this.upload(Float32Array.from(tokens.mask), tokens.batch, tokens.seq, 'the attention mask');
      this.masks.set(tokens.mask, array);
    }
    return array;
  }

  // ---- the Backend interface -----------------------------------------------------------

  async prepareLinear(name: string, weight: Tensor, bias?: Tensor): Promise<LinearHandle> {
    await this.enter();
    if (weight.shape.length !== 2) throw new ShapeError(`${name}.weight: expected 2 dimensions, got ${formatShape(weight.shape)}`);
    const [outF, inF] = weight.shape;
    if (bias && (bias.shape.length !== 1 || bias.shape[0] !== outF)) {
      throw new ShapeError(`${name}.bias: expected shape [${outF}], got ${formatShape(bias.shape)}`);
    }
    const w = await this.upload(weight.data, outF, inF, `${name}.weight`, true);
    const b = await this.upload(bias?.data ?? new Float32Array(outF), 1, outF, `${name}.bias`, true);
    this.linearArrays.push(w, b);
    return new GpuLinear(name, inF, outF, w, b);
  }

  async linear(x: Tensor, layer: LinearHandle, activation: Activation = 'none'): Promise<Tensor> {
    await this.enter();
    const gpu = asGpuLinear(layer);
    const rows = x.size / gpu.inFeatures;
    this.checkSize(`${gpu.name} output`, [rows, gpu.outFeatures]);
    const kernel = this.kernel('linear', linearKernel as KernelSource, matrix(rows, gpu.outFeatures), { inF: gpu.inFeatures });
    const out = this.activation(await this.run(kernel, gpu.name, await this.device(x, 'linear input'), gpu.weight, gpu.bias), [rows, gpu.outFeatures]);
    return activation === 'none' ? out : this.activate(out, activation);
  }

  async activate(x: Tensor, activation: Activation): Promise<Tensor> {
    await this.enter();
    const cols = x.shape[x.shape.length - 1];
    const rows = x.size / cols;
    const kernel = this.kernel('activate', activateKernel as KernelSource, matrix(rows, cols), { act: ACTIVATION_CODES[activation] });
    const array = await this.run(kernel, `activation ${activation}`, await this.device(x, 'activation input'));
    return this.activation(array, [...x.shape]);
  }

  async add(a: Tensor, b: Tensor): Promise<Tensor> {
    await this.enter();
    const cols = a.shape[a.shape.length - 1];
    const rows = a.size / cols;
    const kernel = this.kernel('add', addKernel as KernelSource, matrix(rows, cols));
    const array = await this.run(kernel, 'add', await this.device(a, 'add input'), await this.device(b, 'add input'));
    return this.activation(array, [...a.shape]);
  }

  async layerNorm(x: Tensor, residual: Tensor | null, gamma: Tensor, beta: Tensor, eps: number): Promise<Tensor> {
    await this.enter();
    const features = x.shape[x.shape.length - 1];
    const rows = x.size / features;
    const xs = await this.device(x, 'LayerNorm input');
    const rs = residual ? await this.device(residual, 'LayerNorm residual') : xs;
    const flag = residual ? 1 : 0;
    const statsKernel = this.kernel('layerNormStats', layerNormStatsKernel as KernelSource, matrix(rows, 2), { features, residual: flag, eps });
    const stats = this.activation(await this.run(statsKernel, 'LayerNorm statistics', xs, rs), [rows, 2]);
    const applyKernel = this.kernel('layerNormApply', layerNormApplyKernel as KernelSource, matrix(rows, features), { residual: flag });
    const array = await this.run(
      applyKernel,
      'LayerNorm',
      xs,
      rs,
      stats.storage.array,
      await this.weightRow(gamma.data, 'LayerNorm weight'),
      await this.weightRow(beta.data, 'LayerNorm bias'),
    );
    return this.activation(array, [...x.shape]);
  }

  async gather(table: Tensor, ids: Int32Array): Promise<Tensor> {
    await this.enter();
    // The tables stay in host memory (the word embeddings are the largest tensor of the
    // model and only a few rows are needed); the picked rows go to the device.
    const features = table.shape[table.shape.length - 1];
    const rows = new Float32Array(ids.length * features);
    for (let i = 0; i < ids.length; i++) rows.set(table.data.subarray(ids[i] * features, (ids[i] + 1) * features), i * features);
    const array = await this.upload(rows, ids.length, features, 'embedding rows');
    return this.activation(array, [ids.length, features]);
  }

  async attention(query: Tensor, key: Tensor, value: Tensor, tokens: TokenLayout, options: AttentionOptions): Promise<AttentionResult> {
    await this.enter();
    const hidden = query.shape[query.shape.length - 1];
    const { batch, seq } = tokens;
    const heads = options.numHeads;
    const headSize = hidden / heads;
    const mask = await this.mask(tokens);
    this.checkSize('attention probabilities', [batch * heads, seq, seq]);
    const scoresKernel = this.kernel('attentionScores', attentionScoresKernel as KernelSource, [seq, seq, batch * heads], {
      seq, heads, headSize, scale: 1 / Math.sqrt(headSize),
    });
    const scores = this.activation(
      await this.run(scoresKernel, 'attention scores', await this.device(query, 'query'), await this.device(key, 'key')),
      [batch, heads, seq, seq],
    );
    const probsKernel = this.kernel('attentionProbs', attentionProbsKernel as KernelSource, [seq, seq, batch * heads], { seq, heads });
    const probs = this.activation(await this.run(probsKernel, 'attention probabilities', scores.storage.array, mask), [batch, heads, seq, seq]);
    const contextKernel = this.kernel('attentionContext', attentionContextKernel as KernelSource, matrix(batch * seq, hidden), { seq, heads, headSize });
    const context = this.activation(
      await this.run(contextKernel, 'attention context', probs.storage.array, await this.device(value, 'value')),
      [batch * seq, hidden],
    );
    if (!options.keepProbs) return { context };
    probs.storage.escaped = true;
    return { context, probs };
  }

  async spladePool(hidden: Tensor, decoder: LinearHandle, tokens: TokenLayout): Promise<Tensor> {
    await this.enter();
    const gpu = asGpuLinear(decoder);
    this.checkSize('SPLADE output', [tokens.batch, gpu.outFeatures]);
    const kernel = this.kernel('spladePool', spladePoolKernel as KernelSource, matrix(tokens.batch, gpu.outFeatures), {
      seq: tokens.seq, hidden: gpu.inFeatures,
    });
    const array = await this.run(kernel, 'SPLADE pooling', await this.device(hidden, 'SPLADE input'), gpu.weight, gpu.bias, await this.mask(tokens));
    const size = tokens.batch * gpu.outFeatures;
    try {
      return new Tensor([tokens.batch, gpu.outFeatures], await this.read(array, size));
    } finally {
      this.deleteArray(array);
      // Outside a scope, the pooling ends the forward pass (freed at the next op).
      if (this.scopeDepth === 0) this.retire();
    }
  }
}

/** gpu.js's output size for a [rows, cols] matrix (see the layout note in kernels.ts). */
function matrix(rows: number, cols: number): number[] {
  return [cols, 1, rows];
}

function asGpuLinear(layer: LinearHandle): GpuLinear {
  if (!(layer instanceof GpuLinear)) {
    throw new TypeError(`${layer.name}: linear layer was prepared by another backend`);
  }
  return layer;
}

/** The most float32 values one texture (GL) or storage buffer (WebGPU) holds. */
async function maxElementsOf(gpuJs: GpuJs, mode: GpuMode): Promise<number> {
  if (mode === 'webgl2') {
    const side = gpuJs.WebGL2Kernel.features?.maxTextureSize ?? 4096;
    return side * side;
  }
  if (mode === 'webgpu') {
    const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<{ limits: Record<string, number> } | null> } } }).navigator;
    const adapter = await nav?.gpu?.requestAdapter();
    if (!adapter) throw new GpuUnavailableError('webgpu: no adapter answered');
    return Math.floor(Math.min(adapter.limits.maxStorageBufferBindingSize, adapter.limits.maxBufferSize) / 4);
  }
  // One WebAssembly memory holds a kernel's arguments and output: stay well inside 2 GiB.
  return 2 ** 28;
}

export { GpuUnavailableError };
