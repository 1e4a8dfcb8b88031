// The WebAssembly SIMD engine: weights packed into panels in a WebAssembly memory at load,
// activations packed per call, the kernel from ../wasm/gemm-module.ts, and the n-panels of
// one multiply split over threads when a thread pool is attached.
import { MAX_THREADS } from './max-threads.js';
import { Arena, sharedMemorySupported } from '../wasm/arena.js';
import { DEFAULT_GEMM_SHAPE, JOB, JOB_BYTES, type GemmShape } from '../wasm/gemm-module.js';
import { compileKernels, kernelModuleInfo, relaxedSimdSupported } from '../wasm/kernel-module.js';
import { panelPieces, type PanelRange } from './panel-pieces.js';
import { SCORE_BLOCK_BYTES, WasmAttention } from './wasm-attention.js';
import { PanelMatrix, roundUp, type GemmJobFields, type ResidentResult, type ResidentRows } from './wasm-operands.js';
import { LAYER_NORM, LAYER_NORM_BYTES } from '../wasm/layer-norm-kernel.js';
import { POOL, POOL_BYTES } from '../wasm/pool-kernel.js';
import { INT8_ABSMAX, INT8_ABSMAX_BYTES, INT8_QUANTIZE, INT8_QUANTIZE_BYTES } from '../wasm/int8-quantize-kernel.js';
import { JOB_KIND, JOB_KIND_MASK, MAX_QUEUED_JOBS, PROTOCOL_WORDS } from '../wasm/worker-protocol.js';
import { finishRow, type GemmEngine, type MatmulArgs, type PackedMatrix } from './gemm.js';

/** Bytes at the bottom of the memory for job records and thread control words. */
export const CONTROL_BYTES = 12288;
export { MAX_THREADS };
/** The job records of a multiply (as many as the queue holds) start after the workers' control words. */
const JOBS_AT = PROTOCOL_WORDS * 4;
if (JOBS_AT + MAX_QUEUED_JOBS * JOB_BYTES > CONTROL_BYTES) throw new Error('wasm gemm: the control block cannot hold a full queue of jobs');

/** Where a multiply's job records go among the queue's MAX_QUEUED_JOBS slots: from `first`, at most `most` of them. */
interface JobSlots {
  readonly first: number;
  readonly most: number;
}
/** A multiply alone in its hand-off: all the slots. */
const ALL_SLOTS: JobSlots = { first: 0, most: MAX_QUEUED_JOBS };

/** An extension record that does a whole multiply (see runExtension): its n-panels and multiply-adds. */
export interface ExtensionMultiply {
  readonly ext: number;
  readonly nPanels: number;
  readonly macs: number;
}

/** Where runExtension's threads pool the result they wrote (see multiplyPooled). */
type ExtensionPool = PoolTarget & { readonly c: number; readonly ldcBytes: number; readonly panelColumns: number };
/** Rows read in place (not packed) have exactly k floats a row: B must have no k padding. */
function checkRowsFit(a: ResidentRows, b: PanelMatrix): void {
  if (a.rows && b.kPad !== b.k) throw new Error('wasm gemm: resident rows need an operand without k padding');
}

/** LayerNorm inputs below this many floats stay on the calling thread (see layerNorm). */
const LAYER_NORM_THREADED_FLOATS = 16384;
/**
 * What quantizing a float costs in multiply-adds (two passes of a few vector instructions per
 * 4 floats): quantizeInt8Rows splits rows over the threads from threadedMinMacs on.
 */
const QUANTIZE_MACS_PER_FLOAT = 6;
/** A blocks up to this size are multiplied without k blocking (see run()). */
const SMALL_A_BLOCK_BYTES = 512 * 1024;

/** Where gemm_pool folds a result (see pool-kernel.ts); byte offsets in the memory. */
export interface PoolTarget {
  /** i32[batch + 1]: sequence b's rows are [starts[b], starts[b + 1]). */
  readonly starts: number;
  readonly batch: number;
  /** The block's column 0 of the pooled rows, `outStrideBytes` apart. */
  readonly out: number;
  readonly outStrideBytes: number;
}

/**
 * Runs job records on several threads: `run(jobs, local)` queues the jobs, and the workers
 * (which run the kernel a pointer's low bits name, see JOB_KIND) and the calling thread (by
 * `local`) take them in order until none are left; it returns once all are done. Jobs of
 * one hand-off must not depend on each other, nor on which thread runs them.
 */
export interface JobRunner {
  readonly threads: number;
  run(jobs: readonly number[], local: (job: number) => void): void;
  dispose(): void;
}

/** What a worker needs to run `gemm(job)` itself. */
export interface KernelHandle {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
}

export interface WasmGemmOptions {
  readonly shape?: GemmShape;
  /** Rows of A (in panels of MR) per cache block. */
  readonly mcPanels?: number;
  /** k steps per cache block. */
  readonly kcBlock?: number;
  /** A blocks (bytes) up to which k is not blocked (default 512 KiB; 0: always block). */
  readonly unblockedBytes?: number;
  /** Makes the memory shared (needed for threads); defaults to whether SharedArrayBuffer works. */
  readonly shared?: boolean;
  /**
   * Multiply-adds below which a multiply stays on the calling thread (default 200,000: a
   * thread hand-off costs some microseconds). 0 splits every multiply, as tests of the
   * threads on tiny models need.
   */
  readonly threadedMinMacs?: number;
  /**
   * The kernels precompiled (splade-ts/kernels.wasm or kernels-shared.wasm), for runtimes that
   * refuse to compile WebAssembly at run time. Its shape and sharing come from the module
   * itself; `shape` and `shared` must then be left out.
   */
  readonly module?: WebAssembly.Module;
  /**
   * Build the kernels with relaxed SIMD (the int8 kernel's 8-bit dot product): default, where
   * the runtime has it. false forces the baseline kernels (to compare them).
   */
  readonly relaxedSimd?: boolean;
  /**
   * Most bytes of attention scores one task holds (default 64 KiB): a long sequence's queries
   * go in blocks of rows whose scores fit, so that the softmax and P·V find them in cache.
   * 1 makes every block one row panel, as tests of the blocking need.
   */
  readonly scoreBlockBytes?: number;
}

/**
 * The extension record (compact weights, see ../wasm/compact-kernels.ts) of a multiply's
 * jobs: one for all, 0 for none, or one a job, made for job `t` of the multiply (0-based).
 */
export type JobExtension = number | ((t: number) => number);

/** A WasmGemm, or why none could be made here. */
export type WasmGemmCreation =
  | { readonly engine: WasmGemm; readonly reason?: undefined }
  | { readonly engine?: undefined; readonly reason: string };

export class WasmGemm implements GemmEngine {
  readonly name = 'wasm-simd';
  readonly arena: Arena;
  readonly shape: GemmShape;
  readonly module: WebAssembly.Module;
  /** Whether the kernels use relaxed SIMD (then the int8 multiply runs on its 8-bit dot product). */
  readonly relaxedSimd: boolean;
  private readonly gemmFn: (job: number) => void;
  private readonly gemmPoolFn: (record: number) => void;
  private readonly layerNormFn: (record: number) => void;
  private readonly quantizeFn: (record: number) => void;
  private readonly columnAbsMaxFn: (record: number) => void;
  /** See int8ColumnsFarBelow. */
  private readonly columnsFarBelowFn: (colMax: number, kQuads: number, ratio: number) => number;
  private readonly softmaxFn: (ptr: number, rows: number, ldc: number, vectors: number, alpha: number) => void;
  /** GELU in place on `vectors` x 4 floats at byte offset `ptr` (exposed for tests). */
  readonly geluSpan: (ptr: number, vectors: number) => void;
  private readonly mcPanels: number;
  private readonly kcBlock: number;
  private readonly unblockedBytes: number;
  /** Multiply-adds below which work stays on the calling thread (see WasmGemmOptions.threadedMinMacs). */
  readonly threadedMinMacs: number;
  /** Attention on this engine's memory and threads. */
  readonly attention: WasmAttention;
  private runner: JobRunner | undefined;

  private constructor(module: WebAssembly.Module, arena: Arena, shape: GemmShape, relaxedSimd: boolean, options: WasmGemmOptions) {
    this.module = module;
    this.relaxedSimd = relaxedSimd;
    this.arena = arena;
    this.shape = shape;
    const instance = new WebAssembly.Instance(module, { env: { memory: arena.memory } });
    this.gemmFn = instance.exports.gemm as (job: number) => void;
    this.gemmPoolFn = instance.exports.gemm_pool as (record: number) => void;
    this.layerNormFn = instance.exports.layer_norm_rows as (record: number) => void;
    this.softmaxFn = instance.exports.softmax_rows as (ptr: number, rows: number, ldc: number, vectors: number, alpha: number) => void;
    this.geluSpan = instance.exports.gelu_span as (ptr: number, vectors: number) => void;
    this.quantizeFn = instance.exports.int8_quantize_rows as (record: number) => void;
    this.columnAbsMaxFn = instance.exports.int8_column_absmax as (record: number) => void;
    this.columnsFarBelowFn = instance.exports.int8_columns_far_below as (colMax: number, kQuads: number, ratio: number) => number;
    this.mcPanels = options.mcPanels ?? Math.max(1, Math.floor(192 / shape.mr));
    this.kcBlock = roundUp(options.kcBlock ?? 256, shape.unroll);
    this.unblockedBytes = options.unblockedBytes ?? SMALL_A_BLOCK_BYTES;
    this.threadedMinMacs = options.threadedMinMacs ?? 200_000;
    this.attention = new WasmAttention(this, instance.exports.attend_heads as (record: number) => void, options.scoreBlockBytes ?? SCORE_BLOCK_BYTES);
  }

  /** The engine, or undefined where the kernels cannot run (see tryCreate for why). */
  static create(options: WasmGemmOptions = {}): WasmGemm | undefined {
    return WasmGemm.tryCreate(options).engine;
  }

  /**
   * The engine, or the reason there is none: no WebAssembly SIMD, compilation at run time
   * refused (pass `module`), or a shared module where no shared memory can be made.
   * @throws KernelModuleError when `module` is not splade-ts's kernels
   */
  static tryCreate(options: WasmGemmOptions = {}): WasmGemmCreation {
    if (options.module) {
      const info = kernelModuleInfo(options.module);
      if (options.shape || options.shared !== undefined || options.relaxedSimd !== undefined) {
        throw new Error('wasm gemm: a precompiled module brings its own shape, sharing and features');
      }
      if (info.shared && !sharedMemorySupported()) {
        return { reason: 'the kernels module given needs a shared WebAssembly.Memory, which this context cannot make (not cross-origin isolated?); pass kernels.wasm instead' };
      }
      return { engine: new WasmGemm(options.module, new Arena(info.shared, CONTROL_BYTES), info, info.relaxed, options) };
    }
    const shape = options.shape ?? DEFAULT_GEMM_SHAPE;
    const shared = options.shared ?? sharedMemorySupported();
    const relaxed = options.relaxedSimd ?? relaxedSimdSupported();
    const compiled = compileKernels(shape, shared, relaxed);
    if (!compiled.module) return { reason: compiled.reason };
    return { engine: new WasmGemm(compiled.module, new Arena(shared, CONTROL_BYTES), shape, relaxed, options) };
  }

  get threads(): number {
    return this.runner?.threads ?? 1;
  }

  /** What a thread pool needs to start workers on this engine's memory and module. */
  get kernel(): KernelHandle {
    return { module: this.module, memory: this.arena.memory };
  }

  /** Splits later multiplies over `runner`'s threads (the memory must be shared). */
  attachRunner(runner: JobRunner): void {
    if (!this.arena.shared) throw new Error('wasm gemm: threads need a shared WebAssembly.Memory');
    this.runner = runner;
  }

  private allocPanels(n: number, k: number, permanent: boolean): PanelMatrix {
    const { nr, unroll } = this.shape;
    const kPad = roundUp(Math.max(k, 1), unroll);
    const nPanels = Math.ceil(n / nr);
    const bytes = nPanels * kPad * nr * 4;
    const ptr = permanent ? this.arena.allocPermanent(bytes) : this.arena.allocScratch(bytes);
    this.arena.f32(ptr, bytes / 4).fill(0);
    return new PanelMatrix(n, k, kPad, nPanels, ptr);
  }

  packNK(w: Float32Array, n: number, k: number): PanelMatrix {
    const p = this.allocPanels(n, k, true);
    this.fillNK(p, w, 0, k);
    return p;
  }

  packKN(v: Float32Array, k: number, n: number, options: { offset?: number; ld?: number } = {}): PanelMatrix {
    const p = this.allocPanels(n, k, true);
    this.fillKN(p, v, options.offset ?? 0, options.ld ?? n);
    return p;
  }

  packTransient(v: Float32Array, k: number, n: number, layout: 'nk' | 'kn', options: { offset?: number; ld?: number } = {}): PanelMatrix {
    const p = this.allocPanels(n, k, false);
    if (layout === 'nk') this.fillNK(p, v, options.offset ?? 0, options.ld ?? k);
    else this.fillKN(p, v, options.offset ?? 0, options.ld ?? n);
    return p;
  }

  get columnAlign(): number {
    return this.shape.nr;
  }

  columns(b: PackedMatrix, start: number, count: number): PanelMatrix {
    const p = b as PanelMatrix;
    const { nr } = this.shape;
    if (start % nr !== 0) throw new Error(`wasm gemm: column block must start at a multiple of ${nr}, got ${start}`);
    return new PanelMatrix(count, p.k, p.kPad, Math.ceil(count / nr), p.ptr + (start / nr) * p.kPad * nr * 4);
  }

  /** Starts an operation: transient operands and scratch from before are released. */
  beginOperation(): void {
    this.arena.resetScratch();
  }

  /** Rows of a packNK operand, read back from its panels (the inverse of fillNK). */
  readRows(b: PackedMatrix, rows: Int32Array, out: Float32Array): void {
    const p = b as PanelMatrix;
    const { nr } = this.shape;
    const src = this.arena.f32(p.ptr, p.nPanels * p.kPad * nr);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const base = Math.floor(row / nr) * p.kPad * nr + (row % nr);
      const at = r * p.k;
      for (let kk = 0; kk < p.k; kk++) out[at + kk] = src[base + kk * nr];
    }
  }

  private fillNK(p: PanelMatrix, w: Float32Array, offset: number, ld: number): void {
    const { nr } = this.shape;
    const dst = this.arena.f32(p.ptr, p.nPanels * p.kPad * nr);
    for (let row = 0; row < p.n; row++) {
      const base = Math.floor(row / nr) * p.kPad * nr + (row % nr);
      const src = offset + row * ld;
      for (let kk = 0; kk < p.k; kk++) dst[base + kk * nr] = w[src + kk];
    }
  }

  private fillKN(p: PanelMatrix, v: Float32Array, offset: number, ld: number): void {
    const { nr } = this.shape;
    const dst = this.arena.f32(p.ptr, p.nPanels * p.kPad * nr);
    for (let kk = 0; kk < p.k; kk++) {
      const src = offset + kk * ld;
      for (let np = 0; np < p.nPanels; np++) {
        const base = np * p.kPad * nr + kk * nr;
        const width = Math.min(nr, p.n - np * nr);
        for (let j = 0; j < width; j++) dst[base + j] = v[src + np * nr + j];
      }
    }
  }

  /**
   * Copies rows of A[m, k] (row i at offset + i * lda) into scratch, row-major, rows padded
   * to whole panels with zeros: the kernel's 'rows' input, read in place.
   */
  placeRows(a: Float32Array, offset: number, lda: number, m: number, k: number): ResidentRows {
    const rows = Math.ceil(m / this.shape.mr) * this.shape.mr;
    const ptr = this.arena.allocScratch(rows * k * 4);
    const dst = this.arena.f32(ptr, rows * k);
    if (lda === k) dst.set(a.subarray(offset, offset + m * k));
    else for (let i = 0; i < m; i++) dst.set(a.subarray(offset + i * lda, offset + i * lda + k), i * k);
    dst.fill(0, m * k);
    return { ptr, strideBytes: k * 4, rows: true };
  }

  /** Packs A[m, k] into [mPanel][kPad][MR] scratch (kPad: the packed B operand's). */
  packA(a: Float32Array, offset: number, lda: number, m: number, k: number, kPad: number): ResidentRows {
    const { mr } = this.shape;
    const mPanels = Math.ceil(m / mr);
    const ptr = this.arena.allocScratch(mPanels * kPad * mr * 4);
    const dst = this.arena.f32(ptr, mPanels * kPad * mr);
    if (m % mr !== 0 || kPad !== k) dst.fill(0);
    for (let i = 0; i < m; i++) {
      const base = Math.floor(i / mr) * kPad * mr + (i % mr);
      const src = offset + i * lda;
      for (let kk = 0; kk < k; kk++) dst[base + kk * mr] = a[src + kk];
    }
    return { ptr, strideBytes: kPad * mr * 4, rows: false };
  }

  matmul(args: MatmulArgs): void {
    const b = args.b as PanelMatrix;
    const { m } = args;
    if (m === 0 || b.n === 0) return;
    // Rows read in place need only a copy (10x cheaper than packing, and the kernel is as fast
    // on them: 4096 x 768 x 768 on one Zen 4 core, packing 6.2 ms, copying 0.6 ms); this copy runs
    // on the calling thread alone, so it is serial time. Packing is left for k-padded operands.
    const a = b.kPad === b.k
      ? this.placeRows(args.a, args.aOffset ?? 0, args.lda ?? b.k, m, b.k)
      : this.packA(args.a, args.aOffset ?? 0, args.lda ?? b.k, m, b.k, b.kPad);
    // GELU runs in the kernel's threads unless a scale must come first.
    const kernelGelu = args.epilogue === 'gelu' && (args.alpha ?? 1) === 1;
    // The kernel starts C at the bias; with a scale, the bias is added after scaling (in copyOut).
    const kernelBias = (args.alpha ?? 1) === 1 ? args.bias : undefined;
    const c = this.multiply(m, a, b, { bias: kernelBias, gelu: kernelGelu });
    this.copyOut(c, b.n, kernelGelu ? { ...args, epilogue: 'none' } : args);
  }

  /**
   * Two multiplies in a row, the first's result kept in scratch as the second's input rows
   * (a feed-forward block): `out = (gelu?)(A · B₁ + bias₁) · B₂ + bias₂`, then, with `norm`,
   * LayerNorm(out + A) as the layerNorm op would give it (the post-LN transformer's residual).
   * Only A is copied in and the result out, and each row comes out as `matmul` twice (and
   * `layerNorm`) would give it. Returns false, doing nothing, where that chaining does not fit:
   * an epilogue other than GELU or none (the others run on the calling thread after the copy),
   * a scale, operands with k padding, a first result whose padded width is not the second's k,
   * or (with `norm`) a second result whose width is not A's.
   */
  matmulChained(
    args: MatmulArgs, second: { readonly b: PackedMatrix; readonly bias?: Float32Array },
    norm?: { readonly gamma: Float32Array; readonly beta: Float32Array; readonly eps: number },
  ): boolean {
    const [b1, b2] = [args.b as PanelMatrix, second.b as PanelMatrix];
    const epilogue = args.epilogue ?? 'none';
    const [width1, width2] = [b1.nPanels * this.shape.nr, b2.nPanels * this.shape.nr];
    if ((epilogue !== 'gelu' && epilogue !== 'none') || (args.alpha ?? 1) !== 1) return false;
    if (b1.kPad !== b1.k || b2.kPad !== b2.k || width1 !== b2.k || b1.n !== b2.k) return false;
    if (norm && (width2 !== b2.n || b2.n !== b1.k || b2.n % 4 !== 0)) return false;
    const { m } = args;
    if (m === 0) return true;
    const a = this.placeRows(args.a, args.aOffset ?? 0, args.lda ?? b1.k, m, b1.k);
    const middle = this.multiply(m, a, b1, { bias: args.bias, gelu: epilogue === 'gelu' });
    const c = this.multiply(m, { ptr: middle.ptr, strideBytes: width1 * 4, rows: true }, b2, { bias: second.bias });
    if (norm) this.layerNormResident(c.ptr, a.ptr, m, { ...norm, features: b2.n });
    this.copyOut(c, b2.n, { ...args, b: b2, epilogue: 'none', bias: second.bias });
    return true;
  }

  /**
   * `out = LayerNorm(A · B + bias + residual)` (a post-LN sublayer's projection, as `matmul`
   * then `layerNorm` would give it), the projection normalized where it lies. Returns false,
   * doing nothing, where it does not fit: an epilogue or scale, or a width that is not whole
   * panels or not a multiple of 4. `residual` rows start at `residualOffset`, as A's rows.
   */
  matmulNorm(
    args: MatmulArgs, residual: Float32Array, residualOffset: number,
    norm: { readonly gamma: Float32Array; readonly beta: Float32Array; readonly eps: number },
  ): boolean {
    const b = args.b as PanelMatrix;
    const { m } = args;
    if ((args.epilogue ?? 'none') !== 'none' || (args.alpha ?? 1) !== 1) return false;
    if (b.nPanels * this.shape.nr !== b.n || b.n % 4 !== 0) return false;
    if (m === 0) return true;
    const a = b.kPad === b.k
      ? this.placeRows(args.a, args.aOffset ?? 0, args.lda ?? b.k, m, b.k)
      : this.packA(args.a, args.aOffset ?? 0, args.lda ?? b.k, m, b.k, b.kPad);
    const c = this.multiply(m, a, b, { bias: args.bias });
    const residualPtr = this.place(residual.subarray(residualOffset, residualOffset + m * b.n));
    this.layerNormResident(c.ptr, residualPtr, m, { ...norm, features: b.n });
    this.copyOut(c, b.n, args);
    return true;
  }

  /**
   * C = A · B (+ bias) (then GELU), left in scratch memory. `a` is either packed panels
   * (`packA`) or resident rows (`placeRows`; needs B without k padding). Padding columns of C
   * start at `padBias` (default 0): -Infinity keeps them out of a following softmax.
   */
  multiply(
    m: number, a: ResidentRows, b: PanelMatrix, options: { bias?: Float32Array; gelu?: boolean; padBias?: number; ext?: JobExtension } = {},
  ): ResidentResult {
    checkRowsFit(a, b);
    const { c, biasPtr, mPanels } = this.resultScratch(m, b, options);
    this.run(a, b, c.ptr, biasPtr, mPanels, m * b.n * b.k, options.gelu ?? false, options.ext ?? 0);
    return c;
  }

  /**
   * `multiply` of the same rows by each of `outputs` (float32, no epilogue), all their jobs in
   * one hand-off: a self-attention layer's Q, K and V projections (see WasmAttention.attendProjected). One
   * hand-off instead of three spares two waits for the last piece of a multiply (a 12-token
   * query's are a few tens of microseconds each), and the threads run on from one product
   * into the next.
   */
  multiplyEach(m: number, a: ResidentRows, outputs: ReadonlyArray<{ readonly b: PanelMatrix; readonly bias?: Float32Array }>): ResidentResult[] {
    const multiplies = outputs.map(({ b, bias }) => {
      checkRowsFit(a, b);
      return { b, macs: m * b.n * b.k, ...this.resultScratch(m, b, bias ? { bias } : {}) };
    });
    this.runTogether(multiplies, ({ b, macs, c, biasPtr, mPanels }, slots) => this.gemmJobs(a, b, c.ptr, biasPtr, mPanels, macs, false, 0, slots));
    return multiplies.map(({ c }) => c);
  }

  /**
   * The jobs of independent multiplies in one hand-off, each multiply's records in its own
   * share of the queue's slots (written by `jobsOf`); on the calling thread when all of them
   * together are under threadedMinMacs, as a lone small multiply is.
   */
  private runTogether<T extends { readonly macs: number }>(multiplies: readonly T[], jobsOf: (multiply: T, slots: JobSlots) => number[]): void {
    const most = Math.floor(MAX_QUEUED_JOBS / Math.max(1, multiplies.length));
    const jobs: number[] = [];
    for (const multiply of multiplies) jobs.push(...jobsOf(multiply, { first: jobs.length, most }));
    const macs = multiplies.reduce((sum, multiply) => sum + multiply.macs, 0);
    this.dispatch(jobs, JOB_KIND.gemm, this.gemmFn, macs < this.threadedMinMacs);
  }

  /** A multiply's result C in scratch (whole row panels by whole n-panels) and its bias row, padding columns at `padBias`. */
  private resultScratch(m: number, b: PanelMatrix, options: { bias?: Float32Array; padBias?: number }): { c: ResidentResult; biasPtr: number; mPanels: number } {
    const { mr, nr } = this.shape;
    const mPanels = Math.ceil(m / mr);
    const width = b.nPanels * nr;
    const biasPtr = this.arena.allocScratch(width * 4);
    const bias = this.arena.f32(biasPtr, width);
    if (options.bias) bias.set(options.bias.subarray(0, b.n));
    else bias.fill(0, 0, b.n);
    bias.fill(options.padBias ?? 0, b.n);
    const ptr = this.arena.allocScratch(mPanels * mr * width * 4);
    return { c: { ptr, width }, biasPtr, mPanels };
  }

  /** In-place softmax of `rows` rows of a resident result (its padding columns must hold -Infinity). */
  softmaxResident(c: ResidentResult, rows: number, alpha: number): void {
    this.softmaxFn(c.ptr, rows, c.width * 4, c.width / 4, alpha);
  }

  /**
   * One block of the SPLADE vocabulary projection with its max-pooling, in one hand-off:
   * C = A · B + bias, then each thread folds its own columns of C into
   * pooled[b, col] = max(0, max over rows [starts[b], starts[b + 1]) of C[row, col]) (see
   * pool-kernel.ts). `pool.out` is the byte offset of this block's column 0 in the pooled
   * rows, `outStrideBytes` apart, with room for B's columns padded to whole panels. `ext`: as
   * `multiply`'s.
   */
  multiplyPooled(m: number, a: ResidentRows, b: PanelMatrix, bias: Float32Array | undefined, pool: PoolTarget, ext: JobExtension = 0): void {
    checkRowsFit(a, b);
    const mark = this.arena.scratchMark();
    const { mr, nr } = this.shape;
    const mPanels = Math.ceil(m / mr);
    const width = b.nPanels * nr;
    const biasPtr = this.arena.allocScratch(width * 4);
    const biasView = this.arena.f32(biasPtr, width);
    biasView.fill(0);
    if (bias) biasView.set(bias.subarray(0, b.n));
    const cPtr = this.arena.allocScratch(mPanels * mr * width * 4);
    const jobs = this.gemmJobs(a, b, cPtr, biasPtr, mPanels, m * b.n * b.k, false, ext);
    const records = this.poolRecords(jobs, pool, nr);
    this.dispatch(records, JOB_KIND.gemmPool, this.gemmPoolFn);
    this.arena.releaseScratch(mark);
  }

  /** gemm_pool records around gemm jobs whose n-panels are `panelColumns` wide (see pool-kernel.ts). */
  private poolRecords(jobs: readonly number[], pool: PoolTarget, panelColumns: number): number[] {
    return jobs.map((job) => {
      const at = this.arena.allocScratch(POOL_BYTES);
      const words = this.arena.i32(at, POOL_BYTES / 4);
      words[POOL.job / 4] = job;
      words[POOL.starts / 4] = pool.starts;
      words[POOL.batch / 4] = pool.batch;
      words[POOL.out / 4] = pool.out;
      words[POOL.outStride / 4] = pool.outStrideBytes;
      words[POOL.panelBytes / 4] = panelColumns * 4;
      return at;
    });
  }

  /**
   * Runs the jobs on the calling thread and the workers, which take them from one queue (all
   * here without workers, or `alone`: work too small to be worth a hand-off).
   */
  dispatch(jobs: readonly number[], kind: number, kernel: (job: number) => void, alone = false): void {
    if (alone || jobs.length === 1 || !this.runner) for (const job of jobs) kernel(job);
    else this.runner.run(jobs.map((job) => job | kind), (tagged) => kernel(tagged & ~JOB_KIND_MASK));
  }

  /** Cuts the n-panels into pieces for the threads (one job record each) and runs them. */
  private run(a: ResidentRows, b: PanelMatrix, cPtr: number, biasPtr: number, mPanels: number, macs: number, gelu: boolean, ext: JobExtension = 0): void {
    this.dispatch(this.gemmJobs(a, b, cPtr, biasPtr, mPanels, macs, gelu, ext), JOB_KIND.gemm, this.gemmFn);
  }

  /**
   * The job records of one multiply: its n-panels cut into pieces for the threads it deserves
   * (see pieces). `ext` is an extension record (int8/f16 kernels, see
   * ../wasm/compact-kernels.ts) or 0, or one a job; every record sets it, so no record carries
   * a stale one.
   */
  private gemmJobs(
    a: ResidentRows, b: PanelMatrix, cPtr: number, biasPtr: number, mPanels: number, macs: number, gelu: boolean, ext: JobExtension = 0,
    slots: JobSlots = ALL_SLOTS,
  ): number[] {
    const kcBlock = this.kcBlockFor(mPanels, b);
    return this.pieces(b.nPanels, macs, slots.most).map((columns, t) => {
      const at = JOBS_AT + (slots.first + t) * JOB_BYTES;
      this.writeJob(at, a, b, { c: cPtr, bias: biasPtr, mPanels, kcBlock, columns, gelu, ext: typeof ext === 'number' ? ext : ext(t) });
      return at;
    });
  }

  /** The threads a multiply of `macs` multiply-adds over `nPanels` n-panels is worth (a hand-off costs some microseconds). */
  private threadsFor(nPanels: number, macs: number): number {
    return macs < this.threadedMinMacs ? 1 : Math.min(this.threads, nPanels);
  }

  /**
   * A multiply's n-panels cut into the jobs the threads take in turn (./panel-pieces.ts): no
   * piece under twice threadedMinMacs, as a piece costs a kernel call and a queue take (about a
   * microsecond) where a hand-off costs several.
   */
  private pieces(nPanels: number, macs: number, most: number = MAX_QUEUED_JOBS): PanelRange[] {
    const threads = this.threadsFor(nPanels, macs);
    const minPanels = (2 * this.threadedMinMacs * nPanels) / Math.max(1, macs);
    return panelPieces(nPanels, threads, minPanels, most);
  }

  /**
   * The k block of a multiply. When a block of A is small enough to stay in L2 whole, k is not
   * blocked: the weights are then read in one sequential stream (panel after panel), which the
   * hardware prefetcher follows; k blocks make it jump between panels. M = 12 with weights
   * from DRAM: 24 -> 33 GFLOP/s.
   */
  private kcBlockFor(mPanels: number, b: PanelMatrix): number {
    const aBlockBytes = Math.min(mPanels, this.mcPanels) * this.shape.mr * b.kPad * 4;
    return aBlockBytes <= this.unblockedBytes ? b.kPad : this.kcBlock;
  }

  /** Row blocks `multiply` walks for m rows (each block of rows passes over every weight panel once). */
  rowBlocks(m: number): number {
    return Math.ceil(Math.ceil(m / this.shape.mr) / this.mcPanels);
  }

  /**
   * out = LayerNorm(x + residual) over rows of `features` floats (a multiple of 4; see
   * ../wasm/layer-norm-kernel.ts), the rows split over the threads when there are enough.
   */
  layerNorm(args: { x: Float32Array; residual: Float32Array | null; gamma: Float32Array; beta: Float32Array; features: number; eps: number; out: Float32Array }): void {
    const { x, residual } = args;
    const mark = this.arena.scratchMark();
    const [xPtr, residualPtr] = [this.place(x), residual ? this.place(residual) : 0];
    this.layerNormResident(xPtr, residualPtr, x.length / args.features, args);
    args.out.set(this.arena.f32(xPtr, x.length));
    this.arena.releaseScratch(mark);
  }

  /** `values` copied into scratch; returns the byte offset. */
  place(values: Float32Array): number {
    const at = this.arena.allocScratch(values.length * 4);
    this.arena.f32(at, values.length).set(values);
    return at;
  }

  /**
   * LayerNorm(x + residual) of `rows` rows of `features` floats that lie in this memory,
   * contiguous (residual at 0: none), in place in x. Also for the compact engine, whose
   * results lie in this memory too.
   */
  layerNormResident(
    xPtr: number, residualPtr: number, rows: number, args: { gamma: Float32Array; beta: Float32Array; features: number; eps: number },
  ): void {
    const { features } = args;
    if (features % 4 !== 0) throw new Error(`wasm gemm: LayerNorm over ${features} features, not a multiple of 4`);
    const [gammaPtr, betaPtr] = [this.place(args.gamma), this.place(args.beta)];
    // A hand-off costs about as much as normalizing a few thousand floats.
    const threads = rows * features < LAYER_NORM_THREADED_FLOATS ? 1 : Math.min(this.threads, rows);
    const records: number[] = [];
    for (let t = 0; t < threads; t++) {
      const at = this.arena.allocScratch(LAYER_NORM_BYTES);
      const words = this.arena.i32(at, LAYER_NORM_BYTES / 4);
      words[LAYER_NORM.x / 4] = xPtr;
      words[LAYER_NORM.residual / 4] = residualPtr;
      words[LAYER_NORM.gamma / 4] = gammaPtr;
      words[LAYER_NORM.beta / 4] = betaPtr;
      words[LAYER_NORM.features / 4] = features;
      words[LAYER_NORM.start / 4] = Math.floor((rows * t) / threads);
      words[LAYER_NORM.end / 4] = Math.floor((rows * (t + 1)) / threads);
      this.arena.f32(at + LAYER_NORM.eps, 1)[0] = args.eps;
      records.push(at);
    }
    this.dispatch(records, JOB_KIND.layerNorm, this.layerNormFn);
  }

  /**
   * `int8_quantize_rows` (../wasm/int8-quantize-kernel.ts) over rows [0, rows) of a record's
   * fields, split over the threads by rows when there are enough floats to be worth a hand-off.
   */
  quantizeInt8Rows(fields: Omit<Record<keyof typeof INT8_QUANTIZE, number>, 'start' | 'end'>, rows: number): void {
    const macs = rows * fields.kQuads * 4 * QUANTIZE_MACS_PER_FLOAT;
    const threads = macs < this.threadedMinMacs ? 1 : Math.min(this.threads, rows);
    const records: number[] = [];
    for (let t = 0; t < threads; t++) {
      const at = this.arena.allocScratch(INT8_QUANTIZE_BYTES);
      const words = this.arena.i32(at, INT8_QUANTIZE_BYTES / 4);
      for (const [field, value] of Object.entries(fields)) words[INT8_QUANTIZE[field as keyof typeof INT8_QUANTIZE] / 4] = value;
      words[INT8_QUANTIZE.start / 4] = Math.floor((rows * t) / threads);
      words[INT8_QUANTIZE.end / 4] = Math.floor((rows * (t + 1)) / threads);
      records.push(at);
    }
    this.dispatch(records, JOB_KIND.int8Quantize, this.quantizeFn);
  }

  /**
   * `int8_column_absmax` (../wasm/int8-quantize-kernel.ts): out[c] = max(out[c], |x[r, c]|)
   * over `rows` rows `srcStride` bytes apart, for kQuads * 4 columns; the columns split over
   * the threads from threadedMinMacs on (a batch of documents' scan is megabytes).
   */
  int8ColumnAbsMax(src: number, srcStride: number, rows: number, kQuads: number, out: number): void {
    const threads = rows * kQuads * 4 < this.threadedMinMacs ? 1 : Math.max(1, Math.min(this.threads, kQuads));
    const records: number[] = [];
    for (let t = 0; t < threads; t++) {
      const q0 = Math.floor((kQuads * t) / threads);
      const q1 = Math.floor((kQuads * (t + 1)) / threads);
      const at = this.arena.allocScratch(INT8_ABSMAX_BYTES);
      const words = this.arena.i32(at, INT8_ABSMAX_BYTES / 4);
      words[INT8_ABSMAX.src / 4] = src + q0 * 16;
      words[INT8_ABSMAX.srcStride / 4] = srcStride;
      words[INT8_ABSMAX.rows / 4] = rows;
      words[INT8_ABSMAX.kQuads / 4] = q1 - q0;
      words[INT8_ABSMAX.out / 4] = out + q0 * 16;
      records.push(at);
    }
    this.dispatch(records, JOB_KIND.int8ColumnAbsMax, this.columnAbsMaxFn);
  }

  /**
   * `int8_columns_far_below` (../wasm/int8-quantize-kernel.ts): how many of the kQuads * 4
   * column maxima at byte offset `colMax` (as int8ColumnAbsMax leaves them) have ratio · max
   * below the largest; -1 when one is NaN. On the calling thread: one pass over a row's width.
   */
  int8ColumnsFarBelow(colMax: number, kQuads: number, ratio: number): number {
    return this.columnsFarBelowFn(colMax, kQuads, ratio);
  }

  /** `count` floats of zero in scratch; returns the byte offset. */
  zeros(count: number): number {
    const at = this.arena.allocScratch(count * 4);
    this.arena.f32(at, count).fill(0);
    return at;
  }

  /** Writes the gemm job record at byte offset `at`: C = A · B's n-panels [columns.start, columns.end). */
  writeJob(at: number, a: ResidentRows, b: PanelMatrix, job: GemmJobFields): void {
    const { nr } = this.shape;
    const words = this.arena.i32(at, JOB_BYTES / 4);
    words[JOB.a / 4] = a.ptr;
    words[JOB.aStride / 4] = a.strideBytes;
    words[JOB.aRows / 4] = a.rows ? 1 : 0;
    words[JOB.b / 4] = b.ptr;
    words[JOB.bStride / 4] = b.kPad * nr * 4;
    words[JOB.c / 4] = job.c;
    words[JOB.ldc / 4] = job.ldc ?? b.nPanels * nr * 4;
    words[JOB.mPanels / 4] = job.mPanels;
    words[JOB.k / 4] = b.kPad;
    words[JOB.kcBlock / 4] = job.kcBlock;
    words[JOB.mcBlock / 4] = this.mcPanels;
    words[JOB.npStart / 4] = job.columns.start;
    words[JOB.npEnd / 4] = job.columns.end;
    words[JOB.bias / 4] = job.bias;
    words[JOB.gelu / 4] = job.gelu ? 1 : 0;
    words[JOB.ext / 4] = job.ext;
  }

  /**
   * Runs an extension record (see ../wasm/compact-kernels.ts) that does all of a multiply
   * itself, its `nPanels` n-panels cut into pieces for the threads like a float32 multiply's. With
   * `pool`, each thread then folds its columns of the result (written at `pool.c`,
   * `ldcBytes` a row, `panelColumns` columns an n-panel) into the pooled rows, as
   * multiplyPooled does.
   */
  runExtension(multiply: ExtensionMultiply, pool?: ExtensionPool): void {
    const jobs = this.extensionJobs(multiply, ALL_SLOTS, pool);
    if (pool) this.dispatch(this.poolRecords(jobs, pool, pool.panelColumns), JOB_KIND.gemmPool, this.gemmPoolFn);
    else this.dispatch(jobs, JOB_KIND.gemm, this.gemmFn);
  }

  /** runExtension of independent extension records (without pooling) in one hand-off, as multiplyEach does for float32. */
  runExtensions(multiplies: readonly ExtensionMultiply[]): void {
    this.runTogether(multiplies, (multiply, slots) => this.extensionJobs(multiply, slots));
  }

  /** The job records of an extension multiply, in job slots from `slots.first`. */
  private extensionJobs({ ext, nPanels, macs }: ExtensionMultiply, slots: JobSlots, pool?: ExtensionPool): number[] {
    const words = this.arena.i32(JOBS_AT, (MAX_QUEUED_JOBS * JOB_BYTES) / 4);
    return this.pieces(nPanels, macs, slots.most).map((columns, t) => {
      const w = ((slots.first + t) * JOB_BYTES) / 4;
      words[w + JOB.npStart / 4] = columns.start;
      words[w + JOB.npEnd / 4] = columns.end;
      words[w + JOB.ext / 4] = ext;
      // Where gemm_pool finds the result it pools (the extension writes it there).
      words[w + JOB.c / 4] = pool?.c ?? 0;
      words[w + JOB.ldc / 4] = pool?.ldcBytes ?? 0;
      return JOBS_AT + (slots.first + t) * JOB_BYTES;
    });
  }

  /** Copies the first n columns of C's rows into `out` (row-major with ldo), then scale, bias and activation. */
  private copyOut(c: ResidentResult, n: number, args: MatmulArgs): void {
    const { width } = c;
    const rows = this.arena.f32(c.ptr, args.m * width);
    const out = args.out;
    const ldo = args.ldo ?? n;
    const outOffset = args.outOffset ?? 0;
    const alpha = args.alpha ?? 1;
    const epilogue = args.epilogue ?? 'none';
    if (width === n && ldo === n && alpha === 1 && epilogue === 'none') {
      // The common case (a linear layer whose width is whole panels): one copy.
      out.set(rows, outOffset);
      return;
    }
    for (let i = 0; i < args.m; i++) {
      const o = outOffset + i * ldo;
      out.set(rows.subarray(i * width, i * width + n), o);
      if (alpha !== 1 || epilogue !== 'none') finishRow(out, o, n, alpha, alpha !== 1 ? args.bias : undefined, 0, epilogue);
    }
  }

  dispose(): void {
    this.runner?.dispose();
    this.runner = undefined;
  }
}
