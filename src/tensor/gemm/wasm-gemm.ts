// The WebAssembly SIMD engine: weights packed into panels in a WebAssembly memory at load,
// activations packed per call, the kernel from ../wasm/gemm-module.ts, and the n-panels of
// one multiply split over threads when a thread pool is attached.
import { MAX_THREADS } from './max-threads.js';
import { Arena, sharedMemorySupported } from '../wasm/arena.js';
import { buildGemmModule, DEFAULT_GEMM_SHAPE, JOB, JOB_BYTES, type GemmShape } from '../wasm/gemm-module.js';
import { finishRow, type GemmEngine, type MatmulArgs, type PackedMatrix } from './gemm.js';

/** Bytes at the bottom of the memory for job records and thread control words. */
export const CONTROL_BYTES = 4096;
export { MAX_THREADS };
const JOBS_AT = 1024;
/** A blocks up to this size are multiplied without k blocking (see run()). */
const SMALL_A_BLOCK_BYTES = 512 * 1024;

/** B packed as [nPanel][kPad][NR] at byte offset `ptr`. */
export class PanelMatrix implements PackedMatrix {
  constructor(
    readonly n: number,
    readonly k: number,
    readonly kPad: number,
    readonly nPanels: number,
    readonly ptr: number,
  ) {}
}

/** A left operand in the memory: packed panels, or row-major rows read in place. */
export interface ResidentRows {
  readonly ptr: number;
  /** Bytes from one panel (packed) or one row (rows) to the next. */
  readonly strideBytes: number;
  readonly rows: boolean;
}

/** A result left in the memory: row-major, rows of `width` floats (n padded to whole panels). */
export interface ResidentResult {
  readonly ptr: number;
  readonly width: number;
}

/**
 * Runs job records on several threads: `run(jobs, local)` hands jobs[1..] to workers, runs
 * `local(jobs[0])` on the calling thread, and returns once all are done.
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
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

const compiled = new Map<string, WebAssembly.Module | undefined>();

/** The module for `shape` (compiled once per shape), or undefined when this runtime has no WebAssembly SIMD. */
export function compileGemm(shape: GemmShape, shared: boolean): WebAssembly.Module | undefined {
  if (typeof WebAssembly === 'undefined') return undefined;
  const key = `${shape.mr}x${shape.nr}u${shape.unroll}${shared ? 's' : ''}`;
  if (!compiled.has(key)) {
    const bytes = buildGemmModule(shape, { initialPages: 16, maximumPages: 65536, shared });
    compiled.set(key, WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : undefined);
  }
  return compiled.get(key);
}

export class WasmGemm implements GemmEngine {
  readonly name = 'wasm-simd';
  readonly arena: Arena;
  readonly shape: GemmShape;
  readonly module: WebAssembly.Module;
  private readonly gemmFn: (job: number) => void;
  private readonly softmaxFn: (ptr: number, rows: number, ldc: number, vectors: number, alpha: number) => void;
  /** GELU in place on `vectors` x 4 floats at byte offset `ptr` (exposed for tests). */
  readonly geluSpan: (ptr: number, vectors: number) => void;
  private readonly mcPanels: number;
  private readonly kcBlock: number;
  private readonly unblockedBytes: number;
  private readonly threadedMinMacs: number;
  private runner: JobRunner | undefined;

  private constructor(module: WebAssembly.Module, arena: Arena, shape: GemmShape, options: WasmGemmOptions) {
    this.module = module;
    this.arena = arena;
    this.shape = shape;
    const instance = new WebAssembly.Instance(module, { env: { memory: arena.memory } });
    this.gemmFn = instance.exports.gemm as (job: number) => void;
    this.softmaxFn = instance.exports.softmax_rows as (ptr: number, rows: number, ldc: number, vectors: number, alpha: number) => void;
    this.geluSpan = instance.exports.gelu_span as (ptr: number, vectors: number) => void;
    this.mcPanels = options.mcPanels ?? Math.max(1, Math.floor(192 / shape.mr));
    this.kcBlock = roundUp(options.kcBlock ?? 256, shape.unroll);
    this.unblockedBytes = options.unblockedBytes ?? SMALL_A_BLOCK_BYTES;
    this.threadedMinMacs = options.threadedMinMacs ?? 200_000;
  }

  /** The engine, or undefined where WebAssembly SIMD is unavailable. */
  static create(options: WasmGemmOptions = {}): WasmGemm | undefined {
    const shape = options.shape ?? DEFAULT_GEMM_SHAPE;
    const shared = options.shared ?? sharedMemorySupported();
    const module = compileGemm(shape, shared);
    if (!module) return undefined;
    return new WasmGemm(module, new Arena(shared, CONTROL_BYTES), shape, options);
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

  /** Packs A[m, k] into [mPanel][kPad][MR] scratch. */
  private packA(a: Float32Array, offset: number, lda: number, m: number, k: number, kPad: number): ResidentRows {
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
    const a = this.packA(args.a, args.aOffset ?? 0, args.lda ?? b.k, m, b.k, b.kPad);
    // GELU runs in the kernel's threads unless a scale must come first.
    const kernelGelu = args.epilogue === 'gelu' && (args.alpha ?? 1) === 1;
    // The kernel starts C at the bias; with a scale, the bias is added after scaling (in copyOut).
    const kernelBias = (args.alpha ?? 1) === 1 ? args.bias : undefined;
    const c = this.multiply(m, a, b, { bias: kernelBias, gelu: kernelGelu });
    this.copyOut(c, b.n, kernelGelu ? { ...args, epilogue: 'none' } : args);
  }

  /**
   * C = A · B (+ bias) (then GELU), left in scratch memory. `a` is either packed panels
   * (`packA`) or resident rows (`placeRows`; needs B without k padding). Padding columns of C
   * start at `padBias` (default 0): -Infinity keeps them out of a following softmax.
   */
  multiply(m: number, a: ResidentRows, b: PanelMatrix, options: { bias?: Float32Array; gelu?: boolean; padBias?: number } = {}): ResidentResult {
    const { mr, nr } = this.shape;
    if (a.rows && b.kPad !== b.k) throw new Error('wasm gemm: resident rows need an operand without k padding');
    const mPanels = Math.ceil(m / mr);
    const width = b.nPanels * nr;
    const biasPtr = this.arena.allocScratch(width * 4);
    const bias = this.arena.f32(biasPtr, width);
    if (options.bias) bias.set(options.bias.subarray(0, b.n));
    else bias.fill(0, 0, b.n);
    bias.fill(options.padBias ?? 0, b.n);
    const cPtr = this.arena.allocScratch(mPanels * mr * width * 4);
    this.run(a, b, cPtr, biasPtr, mPanels, m * b.n * b.k, options.gelu ?? false);
    return { ptr: cPtr, width };
  }

  /** In-place softmax of `rows` rows of a resident result (its padding columns must hold -Infinity). */
  softmaxResident(c: ResidentResult, rows: number, alpha: number): void {
    this.softmaxFn(c.ptr, rows, c.width * 4, c.width / 4, alpha);
  }

  /** Splits the n-panels over the threads (one job record each) and runs them. */
  private run(a: ResidentRows, b: PanelMatrix, cPtr: number, biasPtr: number, mPanels: number, macs: number, gelu: boolean): void {
    const { mr, nr } = this.shape;
    // A thread hand-off costs some microseconds: small multiplies stay on one thread.
    const threads = macs < this.threadedMinMacs ? 1 : Math.min(this.threads, b.nPanels);
    // When a block of A is small enough to stay in L2 whole, do not block k: the weights are
    // then read in one sequential stream (panel after panel), which the hardware prefetcher
    // follows; k blocks make it jump between panels. M = 12 with weights from DRAM: 24 -> 33 GFLOP/s.
    const aBlockBytes = Math.min(mPanels, this.mcPanels) * mr * b.kPad * 4;
    const kcBlock = aBlockBytes <= this.unblockedBytes ? b.kPad : this.kcBlock;
    const jobs: number[] = [];
    const words = this.arena.i32(JOBS_AT, (MAX_THREADS * JOB_BYTES) / 4);
    for (let t = 0; t < threads; t++) {
      const at = JOBS_AT + t * JOB_BYTES;
      const w = (at - JOBS_AT) / 4;
      words[w + JOB.a / 4] = a.ptr;
      words[w + JOB.aStride / 4] = a.strideBytes;
      words[w + JOB.aRows / 4] = a.rows ? 1 : 0;
      words[w + JOB.b / 4] = b.ptr;
      words[w + JOB.bStride / 4] = b.kPad * nr * 4;
      words[w + JOB.c / 4] = cPtr;
      words[w + JOB.ldc / 4] = b.nPanels * nr * 4;
      words[w + JOB.mPanels / 4] = mPanels;
      words[w + JOB.k / 4] = b.kPad;
      words[w + JOB.kcBlock / 4] = kcBlock;
      words[w + JOB.mcBlock / 4] = this.mcPanels;
      words[w + JOB.npStart / 4] = Math.floor((b.nPanels * t) / threads);
      words[w + JOB.npEnd / 4] = Math.floor((b.nPanels * (t + 1)) / threads);
      words[w + JOB.bias / 4] = biasPtr;
      words[w + JOB.gelu / 4] = gelu ? 1 : 0;
      jobs.push(at);
    }
    if (threads === 1 || !this.runner) this.gemmFn(jobs[0]);
    else this.runner.run(jobs, (job) => this.gemmFn(job));
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
