// The WebAssembly compact-weight engine: float16 and int8 weights packed into the float32
// engine's memory at load (so they share its worker threads), multiplied by the kernels of
// ../wasm/compact-kernels.ts.
import type { CompactWeight } from '../compact-weight.js';
import { f16ArrayToF32, scaleF16 } from '../half.js';
import { SpladeError } from '../../errors.js';
import { EXT_BYTES, EXT_KIND, F16_EXT, INT8_EXT, INT8_GROUP, INT8_K_ALIGN, INT8_MR, INT8_NR } from '../wasm/compact-kernels.js';
import {
  type CompactGemm, type CompactProjectedBlock, type EachOutput, type PooledProductArgs, type CompactMatmulArgs, type CompactMatrix, type NormArgs,
} from './compact-gemm.js';
import { finishRow } from './gemm.js';
import { OUTLIER_RATIO, outlierColumnsOf, Q_MAX, sameColumns } from './int8-activations.js';
import type { KeepProbs } from './wasm-attention.js';
import type { ExtensionMultiply, JobExtension, PoolTarget, WasmGemm } from './wasm-gemm.js';
import { PanelMatrix, roundUp, type ResidentResult, type ResidentRows } from './wasm-operands.js';

/**
 * float16 W in the float32 kernel's panel layout [nPanel][kPad][NR], 2 bytes a value, each
 * stored times 2^scaleExponent (see f16ScaleExponent).
 */
class F16Panels implements CompactMatrix {
  readonly dtype = 'f16';
  constructor(
    readonly n: number, readonly k: number, readonly kPad: number, readonly nPanels: number, readonly ptr: number, readonly scaleExponent: number,
  ) {}
}

/**
 * The power of two s (0 to 10) a float16 weight is stored times: the largest that keeps every
 * value finite. Why: the widening kernel scales each value's bits by a float multiply, and a
 * float16 subnormal there is a float32 subnormal, which x86 multiplies through a microcode
 * assist of some hundred cycles. Random and trained weights hold ~0.1-0.3 % of them (|w| <
 * 6.1e-5), which made a 12-row float16 multiply ~15 % slower. Times 2^10 every nonzero
 * float16 is normal, and the kernel's scale takes the 2^s back out: the same numbers exactly.
 * Weights of magnitude 64 or more get a smaller s (their subnormals, if any, stay slow); any
 * infinity or NaN, none.
 */
function f16ScaleExponent(bits: Uint16Array): number {
  let largest = 0;
  for (let i = 0; i < bits.length; i++) largest = Math.max(largest, bits[i] & 0x7fff);
  const exponent = largest >> 10;
  return exponent === 31 ? 0 : Math.min(10, 30 - exponent);
}

/**
 * int8 W as [nPanel][kPad/G][NR][G] bytes (G: the kernel's group, see compact-kernels.ts), its
 * row scales as float32 and its row sums (for the activations' zero points) as int32, each
 * [nPanel * NR] (zero-padded).
 */
class Int8Panels implements CompactMatrix {
  readonly dtype = 'int8';
  constructor(
    readonly n: number, readonly k: number, readonly kPad: number, readonly nPanels: number,
    readonly ptr: number, readonly scalePtr: number, readonly sumPtr: number,
    readonly floatColumns?: FloatPanels,
  ) {}
}

/** An int8 weight's float columns (Int8Weight.floatColumns): their weights as float32 panels [n, p]. */
interface FloatPanels {
  readonly columns: Int32Array;
  readonly panels: PanelMatrix;
}

/** Whether two int8 weights keep the same float columns (so one preparation of A serves both). */
function sameFloatColumns(x: Int8Panels, y: Int8Panels): boolean {
  return sameColumns(floatColumnsOf(x), floatColumnsOf(y));
}

const NO_COLUMNS = new Int32Array(0);

/** An int8 weight's float columns (empty without). */
function floatColumnsOf(b: Int8Panels): Int32Array {
  return b.floatColumns?.columns ?? NO_COLUMNS;
}

/** Quantized activations in the memory: the kernels' packed bytes, a scale and zero point a row. */
interface QuantizedA {
  readonly ptr: number;
  readonly scalePtr: number;
  readonly zeroPtr: number;
}

/** The outlier columns' pass of an int8 multiply (see WasmCompactGemm.outlierPass). */
interface OutlierPass {
  readonly group: QuantizedA;
  readonly count: number;
  /** k of the outlier group, padded. */
  readonly kPad: number;
  readonly panels: number;
  readonly sums: number;
  readonly from: number;
  readonly to: number;
}

/** Activations ready for the int8 kernels (see WasmCompactGemm.prepareInt8Rows). */
interface PreparedInt8Rows {
  readonly m: number;
  /** All columns but the outliers and the float columns (quantized as zero there). */
  readonly main: QuantizedA;
  /** The weights' float columns these rows were prepared for (ascending; may be empty). */
  readonly floatColumns: Int32Array;
  /** Those columns of the rows as float32, packed for the float32 multiply (m rounded up to INT8_MR rows). */
  readonly floatRows?: ResidentRows;
  /** Ascending; may be empty. */
  readonly outliers: Int32Array;
  /** The outlier columns alone, when there are any. */
  readonly outlierGroup?: QuantizedA;
}

/**
 * The longest k an int8 weight may have: Σ q·w and zero · Σ w must stay inside int32
 * (each at most k · 127 · 127).
 */
const MAX_INT8_K = Math.floor(2 ** 31 / (2 * Q_MAX * Q_MAX));

/** Bytes of quantized activations per row block of the int8 kernel (kept in L2). */
const INT8_A_BLOCK_BYTES = 256 * 1024;

export class WasmCompactGemm implements CompactGemm {
  readonly name = 'wasm-simd';
  readonly columnAlign: number;
  /** Weights are packed into the WebAssembly memory. */
  readonly copiesWeights = true;
  /** float16 panels are widened a k block at a time as they are multiplied (see matmulF16). */
  readonly widensF16Whole = false;
  private readonly f16Nr: number;
  private readonly f16KAlign: number;

  /** `outliers: false` quantizes each token with one scale (no outlier columns; for comparisons). */
  constructor(readonly engine: WasmGemm, private readonly options: { outliers?: boolean } = {}) {
    this.f16Nr = engine.shape.nr;
    // Even, so a panel holds whole groups of 8 values for the widening kernel.
    this.f16KAlign = engine.shape.unroll % 2 === 0 ? engine.shape.unroll : engine.shape.unroll * 2;
    this.columnAlign = this.f16Nr % INT8_NR === 0 ? this.f16Nr : this.f16Nr * INT8_NR;
  }

  private get arena() {
    return this.engine.arena;
  }

  pack(weight: CompactWeight): CompactMatrix {
    if (weight.kind === 'f16') return this.packF16(weight.bits, weight.n, weight.k);
    const float = weight.floatColumns;
    const floatPanels = float && { columns: float.columns, panels: this.engine.packNK(float.values, weight.n, float.columns.length) };
    return this.packInt8(weight.values, weight.scales, weight.n, weight.k, floatPanels);
  }

  private packF16(bits: Uint16Array, n: number, k: number): F16Panels {
    const nr = this.f16Nr;
    const kPad = roundUp(Math.max(k, 1), this.f16KAlign);
    const nPanels = Math.ceil(n / nr);
    const ptr = this.arena.allocPermanent(nPanels * kPad * nr * 2);
    const dst = new Uint16Array(this.arena.memory.buffer, ptr, nPanels * kPad * nr).fill(0);
    const s = f16ScaleExponent(bits.subarray(0, n * k));
    for (let row = 0; row < n; row++) {
      const base = Math.floor(row / nr) * kPad * nr + (row % nr);
      for (let kk = 0; kk < k; kk++) dst[base + kk * nr] = scaleF16(bits[row * k + kk], s);
    }
    return new F16Panels(n, k, kPad, nPanels, ptr, s);
  }

  /** k steps of the int8 kernel's groups (see compact-kernels.ts). */
  private get int8Group(): number {
    return this.engine.relaxedSimd ? INT8_GROUP.relaxed : INT8_GROUP.baseline;
  }

  /**
   * Where the steps of a row lie in a packed int8 operand ([nPanel][kPad/G][NR][G]): row `row`,
   * step `kk` is at rowBase(row) + steps[kk]. The split keeps the divisions out of the loops
   * over a row (packing 110 M weights, gathering embedding rows on every forward).
   */
  private int8Layout(kPad: number, k: number): { rowBase: (row: number) => number; steps: Int32Array } {
    const nr = INT8_NR;
    const g = this.int8Group;
    const steps = new Int32Array(k);
    for (let kk = 0; kk < k; kk++) steps[kk] = this.int8StepOffset(kk);
    return { rowBase: (row) => Math.floor(row / nr) * kPad * nr + (row % nr) * g, steps };
  }

  /** Offset of step `kk` from its row's start in a packed int8 operand (the same for every row and kPad). */
  private int8StepOffset(kk: number): number {
    const g = this.int8Group;
    return Math.floor(kk / g) * INT8_NR * g + (kk % g);
  }

  private packInt8(values: Int8Array, scales: Float32Array, n: number, k: number, floatColumns?: FloatPanels): Int8Panels {
    if (k > MAX_INT8_K) throw new SpladeError(`int8 weights: k = ${k} is over ${MAX_INT8_K}, where int32 sums could overflow`);
    const nr = INT8_NR;
    const kPad = roundUp(Math.max(k, 1), INT8_K_ALIGN);
    const nPanels = Math.ceil(n / nr);
    const ptr = this.arena.allocPermanent(nPanels * kPad * nr);
    const scalePtr = this.arena.allocPermanent(nPanels * nr * 4);
    const sumPtr = this.arena.allocPermanent(nPanels * nr * 4);
    const dst = new Int8Array(this.arena.memory.buffer, ptr, nPanels * kPad * nr).fill(0);
    const sums = this.arena.i32(sumPtr, nPanels * nr).fill(0);
    const { rowBase, steps } = this.int8Layout(kPad, k);
    for (let row = 0; row < n; row++) {
      const base = rowBase(row);
      let sum = 0;
      for (let kk = 0; kk < k; kk++) {
        const v = values[row * k + kk];
        dst[base + steps[kk]] = v;
        sum += v;
      }
      sums[row] = sum;
    }
    this.arena.f32(scalePtr, nPanels * nr).fill(0).set(scales.subarray(0, n));
    return new Int8Panels(n, k, kPad, nPanels, ptr, scalePtr, sumPtr, floatColumns);
  }

  columns(b: CompactMatrix, start: number, count: number): CompactMatrix {
    if (start % this.columnAlign !== 0) throw new Error(`compact gemm: column block must start at a multiple of ${this.columnAlign}, got ${start}`);
    if (b instanceof F16Panels) {
      const nr = this.f16Nr;
      return new F16Panels(count, b.k, b.kPad, Math.ceil(count / nr), b.ptr + (start / nr) * b.kPad * nr * 2, b.scaleExponent);
    }
    const p = b as Int8Panels;
    const nr = INT8_NR;
    const float = p.floatColumns && { columns: p.floatColumns.columns, panels: this.engine.columns(p.floatColumns.panels, start, count) };
    return new Int8Panels(count, p.k, p.kPad, Math.ceil(count / nr), p.ptr + (start / nr) * p.kPad * nr, p.scalePtr + start * 4, p.sumPtr + start * 4, float);
  }

  readRows(b: CompactMatrix, rows: Int32Array, out: Float32Array): void {
    const { k } = b;
    if (b instanceof F16Panels) {
      const nr = this.f16Nr;
      const src = new Uint16Array(this.arena.memory.buffer, b.ptr, b.nPanels * b.kPad * nr);
      const row16 = new Uint16Array(k);
      const unscale = 2 ** -b.scaleExponent;
      rows.forEach((row, r) => {
        const base = Math.floor(row / nr) * b.kPad * nr + (row % nr);
        for (let kk = 0; kk < k; kk++) row16[kk] = src[base + kk * nr];
        const values = f16ArrayToF32(row16);
        for (let kk = 0; kk < k; kk++) out[r * k + kk] = values[kk] * unscale;
      });
      return;
    }
    const p = b as Int8Panels;
    const values = this.int8View(p);
    const scales = this.arena.f32(p.scalePtr, p.nPanels * INT8_NR);
    const { rowBase, steps } = this.int8Layout(p.kPad, k);
    for (let r = 0; r < rows.length; r++) {
      const base = rowBase(rows[r]);
      const scale = scales[rows[r]];
      for (let kk = 0; kk < k; kk++) out[r * k + kk] = values[base + steps[kk]] * scale;
    }
    const float = p.floatColumns;
    if (float) {
      const q = float.columns.length;
      const kept = new Float32Array(rows.length * q);
      this.engine.readRows(float.panels, rows, kept);
      rows.forEach((_, r) => float.columns.forEach((c, j) => { out[r * k + c] = kept[r * q + j]; }));
    }
  }

  private int8View(p: Int8Panels): Int8Array {
    return new Int8Array(this.arena.memory.buffer, p.ptr, p.nPanels * p.kPad * INT8_NR);
  }

  matmul(args: CompactMatmulArgs): void {
    if (args.m === 0 || args.b.n === 0) return;
    if (args.b instanceof F16Panels) this.matmulF16(args, args.b);
    else this.matmulInt8(args, args.b as Int8Panels);
  }

  /** The float32 multiply on float16 panels, which the threads widen as they go (see f16Extension). */
  private matmulF16(args: CompactMatmulArgs, b: F16Panels): void {
    const a = this.placeF16Rows(args, b);
    const gelu = args.epilogue === 'gelu';
    const c = this.engine.multiply(args.m, a, this.widenedPanels(b), { bias: args.bias, gelu, ext: this.f16Extension(b, args.m) });
    this.copyOut(c, b.n, args, 0, gelu);
  }

  /** A's rows for a float32 multiply by float16 panels: read in place (a copy on the calling thread) where k needs no padding, else packed. */
  private placeF16Rows(args: Pick<CompactMatmulArgs, 'm' | 'a' | 'aOffset' | 'lda'>, b: F16Panels): ResidentRows {
    const at = args.aOffset ?? 0;
    const lda = args.lda ?? b.k;
    return b.kPad === b.k ? this.engine.placeRows(args.a, at, lda, args.m, b.k) : this.engine.packA(args.a, at, lda, args.m, b.k, b.kPad);
  }

  /** The float32 operand the widened panels of `b` make; its ptr is never read (the extension records say where they are). */
  private widenedPanels(b: F16Panels): PanelMatrix {
    return new PanelMatrix(b.n, b.k, b.kPad, b.nPanels, 0);
  }

  /**
   * The extension records of a multiply of m rows by float16 panels, which each thread widens
   * a k block of one panel at a time as it multiplies them (see beginF16Job in
   * compact-kernels.ts). With one row block, into a one-panel buffer a job, so the widened
   * weights stay in cache and never exist whole; with several, into a buffer of all the
   * panels, widened in the first row block and read again by the others.
   */
  private f16Extension(b: F16Panels, m: number): JobExtension {
    const panelBytes = b.kPad * this.f16Nr * 4;
    return this.engine.rowBlocks(m) === 1
      ? () => this.f16Record(b, this.arena.allocScratch(panelBytes), 0)
      : this.f16Record(b, this.arena.allocScratch(b.nPanels * panelBytes), panelBytes);
  }

  /** An f16 extension record: `b` widened into `wide`, panel after panel `wideStride` bytes apart (0: each into the same one-panel buffer). */
  private f16Record(b: F16Panels, wide: number, wideStride: number): number {
    const ext = this.arena.allocScratch(EXT_BYTES);
    const words = this.arena.i32(ext, EXT_BYTES / 4);
    words[F16_EXT.kind / 4] = EXT_KIND.f16;
    words[F16_EXT.src / 4] = b.ptr;
    words[F16_EXT.panelValues / 4] = b.kPad * this.f16Nr;
    words[F16_EXT.wide / 4] = wide;
    words[F16_EXT.wideStride / 4] = wideStride;
    this.arena.f32(ext + F16_EXT.scale, 1)[0] = 2 ** (112 - b.scaleExponent);
    return ext;
  }

  private matmulInt8(args: CompactMatmulArgs, b: Int8Panels): void {
    const rows = this.prepareInt8Rows(this.placeArgsRows(args, b), args.m, b);
    const c = this.int8Product(rows, b, args.bias, args.epilogue === 'gelu');
    this.copyOut({ ptr: c, width: b.nPanels * INT8_NR }, b.n, args, 0, args.epilogue === 'gelu');
  }

  /**
   * CompactGemm.matmulEach for int8 weights: A placed and quantized once (outlier columns
   * included), then one product per weight. False for float16 weights, weights of different
   * k, or an epilogue.
   */
  matmulEach(args: Omit<CompactMatmulArgs, 'b' | 'out' | 'bias' | 'outOffset'>, each: readonly EachOutput[]): boolean {
    const first = each[0]?.b;
    if (!(first instanceof Int8Panels) || (args.epilogue ?? 'none') !== 'none') return false;
    if (!each.every(({ b }) => b instanceof Int8Panels && b.k === first.k && b.kPad === first.kPad && sameFloatColumns(b, first))) return false;
    const { m } = args;
    if (m === 0) return true;
    const rows = this.prepareInt8Rows(this.placeArgsRows(args, first), m, first);
    const mark = this.arena.scratchMark();
    for (const output of each) {
      this.arena.releaseScratch(mark);
      const b = output.b as Int8Panels;
      const c = this.int8Product(rows, b, output.bias, false);
      this.copyOut({ ptr: c, width: b.nPanels * INT8_NR }, b.n, { ...args, ...output }, 0, false);
    }
    return true;
  }

  /**
   * CompactGemm.attendProjected for int8 projections of hidden x hidden (whole panels, no k
   * padding): the block's rows quantized once (outlier columns chosen over the block's rows,
   * as matmulEach over the same rows does; the zero rows that pad each sequence change no
   * column's maximum), three products left in the memory, then attended where they lie.
   */
  attendProjected(block: CompactProjectedBlock, context: Float32Array, probs?: KeepProbs): boolean {
    const projections = [block.query, block.key, block.value];
    const panels = projections.map((p) => p.b);
    if (!panels.every((b): b is Int8Panels => b instanceof Int8Panels && this.projectsInPlace(b, block.hidden))) return false;
    if (!panels.every((b) => sameFloatColumns(b, panels[0]))) return false;
    this.engine.attention.attendProjectedBy(block, (a, m) => {
      const rows = this.prepareInt8Rows(a.ptr, m, panels[0]);
      const [q, key, value] = this.int8Products(rows, projections.map((p, i) => ({ b: panels[i], bias: p.bias })));
      return { q, key, value };
    }, context, probs);
    return true;
  }

  /** Whether an int8 weight projects rows of `hidden` features into rows of as many, in place (whole panels, no k padding). */
  private projectsInPlace(b: Int8Panels, hidden: number): boolean {
    return b.k === hidden && b.kPad === hidden && b.n === hidden && b.nPanels * INT8_NR === hidden;
  }

  /**
   * The int8 counterpart of WasmGemm.matmulChained: a feed-forward block's two multiplies, the
   * intermediate left in the memory as the second's input rows (and the projection, with
   * `norm`, normalized onto A there), so only A is copied in and the result out. Each row
   * comes out as `matmul` twice (and `layerNorm`) would give it. Returns false, doing nothing,
   * where it does not fit: float16 weights, an epilogue other than GELU or none, a first
   * result whose padded width is not the second's padded k, or (with `norm`) a second result
   * whose width is not A's.
   */
  matmulChained(args: CompactMatmulArgs, second: { readonly b: CompactMatrix; readonly bias?: Float32Array }, norm?: NormArgs): boolean {
    const [b1, b2] = [args.b, second.b];
    if (!(b1 instanceof Int8Panels) || !(b2 instanceof Int8Panels)) return false;
    const epilogue = args.epilogue ?? 'none';
    if (epilogue !== 'gelu' && epilogue !== 'none') return false;
    if (b1.n !== b2.k || b1.nPanels * INT8_NR !== b2.kPad) return false;
    if (norm && (!this.normFits(b2, b1.k) || b1.kPad !== b1.k)) return false;
    const { m } = args;
    if (m === 0) return true;
    const placed = this.placeArgsRows(args, b1);
    const middle = this.int8Product(this.prepareInt8Rows(placed, m, b1), b1, args.bias, epilogue === 'gelu');
    const c = this.int8Product(this.prepareInt8Rows(middle, m, b2), b2, second.bias, false);
    if (norm) this.engine.layerNormResident(c, placed, m, { ...norm, features: b2.n });
    this.copyOut({ ptr: c, width: b2.nPanels * INT8_NR }, b2.n, { ...args, b: b2, epilogue: 'none' }, 0, true);
    return true;
  }

  /**
   * The int8 counterpart of WasmGemm.matmulNorm: `out = LayerNorm(A · Bᵀ + bias + residual)`,
   * the projection normalized where it lies. False, doing nothing, for float16 weights, an
   * epilogue, or a width that is not whole panels or not a multiple of 4. `residual` rows
   * start at `residualOffset`, as A's rows.
   */
  matmulNorm(args: CompactMatmulArgs, residual: Float32Array, residualOffset: number, norm: NormArgs): boolean {
    const b = args.b;
    if (!(b instanceof Int8Panels) || (args.epilogue ?? 'none') !== 'none' || !this.normFits(b, b.n)) return false;
    const { m } = args;
    if (m === 0) return true;
    const c = this.int8Product(this.prepareInt8Rows(this.placeArgsRows(args, b), m, b), b, args.bias, false);
    const residualPtr = this.engine.place(residual.subarray(residualOffset, residualOffset + m * b.n));
    this.engine.layerNormResident(c, residualPtr, m, { ...norm, features: b.n });
    this.copyOut({ ptr: c, width: b.nPanels * INT8_NR }, b.n, args, 0, true);
    return true;
  }

  /** Whether a result of `b` can be normalized in place onto a residual of `features` (rows contiguous). */
  private normFits(b: Int8Panels, features: number): boolean {
    return b.nPanels * INT8_NR === b.n && b.n === features && b.n % 4 === 0;
  }

  /** A's rows placed for `b` (see placeRows). */
  private placeArgsRows(args: Pick<CompactMatmulArgs, 'm' | 'a' | 'aOffset' | 'lda'>, b: Int8Panels): number {
    return this.placeRows(args.a, args.aOffset ?? 0, args.lda ?? b.k, args.m, b.k, b.kPad);
  }

  /**
   * CompactGemm.maxPooledProduct: A placed once (int8: quantized once) for all column blocks,
   * and each block's product max-pooled by the threads that computed it, while it is in their
   * cache (gemm_pool around the jobs, see ../wasm/pool-kernel.ts).
   */
  maxPooledProduct(args: PooledProductArgs, starts: Int32Array, block: number, out: Float32Array): boolean {
    const { b, m } = args;
    if (block <= 0 || block % this.columnAlign !== 0) throw new Error(`compact gemm: column blocks must be a multiple of ${this.columnAlign}, got ${block}`);
    const batch = starts.length - 1;
    const width = b instanceof F16Panels ? b.nPanels * this.f16Nr : (b as Int8Panels).nPanels * INT8_NR;
    this.engine.beginOperation();
    const pooled = this.arena.allocScratch(batch * width * 4);
    this.arena.f32(pooled, batch * width).fill(0);
    const startsPtr = this.arena.allocScratch(starts.length * 4);
    this.arena.i32(startsPtr, starts.length).set(starts);
    if (m > 0) {
      const pooledBlock = this.pooledBlockProduct(args);
      const mark = this.arena.scratchMark();
      for (let col0 = 0; col0 < b.n; col0 += block) {
        this.arena.releaseScratch(mark);
        const count = Math.min(block, b.n - col0);
        pooledBlock(this.columns(b, col0, count), args.bias?.subarray(col0, col0 + count), { starts: startsPtr, batch, out: pooled + col0 * 4, outStrideBytes: width * 4 });
      }
    }
    const result = this.arena.f32(pooled, batch * width);
    for (let s = 0; s < batch; s++) out.set(result.subarray(s * width, s * width + b.n), s * b.n);
    return true;
  }

  /** A placed (int8: and quantized) for maxPooledProduct, and the pooled product of one column block of B with it. */
  private pooledBlockProduct(args: PooledProductArgs): (b: CompactMatrix, bias: Float32Array | undefined, pool: PoolTarget) => void {
    const { m } = args;
    if (args.b instanceof F16Panels) {
      const a = this.placeF16Rows(args, args.b);
      return (b, bias, pool) => this.engine.multiplyPooled(m, a, this.widenedPanels(b as F16Panels), bias, pool, this.f16Extension(b as F16Panels, m));
    }
    const rows = this.prepareInt8Rows(this.placeArgsRows(args, args.b as Int8Panels), m, args.b as Int8Panels);
    return (b, bias, pool) => this.int8Product(rows, b as Int8Panels, bias, false, pool);
  }

  /**
   * Rows quantized for the int8 kernels, once for any number of weights of their k: the rows
   * (`placed`: m rows of float32 in this memory, b.kPad apart, zero beyond k) scanned for
   * outlier columns, the rest quantized, and (when there are outliers) the outlier columns
   * gathered and quantized as a group of their own (see int8-activations.ts).
   */
  private prepareInt8Rows(placed: number, m: number, b: Int8Panels): PreparedInt8Rows {
    const { k, kPad } = b;
    const floatColumns = floatColumnsOf(b);
    const outliers = this.options.outliers === false ? NO_COLUMNS : this.outlierColumns(placed, m, b, floatColumns);
    const mask = this.arena.allocScratch(kPad * 4);
    const maskView = this.arena.i32(mask, kPad).fill(0).fill(-1, 0, k);
    for (const col of outliers) maskView[col] = 0;
    for (const col of floatColumns) maskView[col] = 0;
    const main = this.quantize(placed, m, kPad, mask);
    const floatRows = b.floatColumns && this.placeFloatColumns(placed, m, kPad, b.floatColumns);
    const common = { m, main, floatColumns, ...(floatRows ? { floatRows } : {}) };
    if (outliers.length === 0) return { ...common, outliers };
    const o = outliers.length;
    const oPad = roundUp(o, INT8_K_ALIGN);
    const gatheredRows = this.arena.allocScratch(m * oPad * 4);
    const oMask = this.arena.allocScratch(oPad * 4);
    const gathered = this.arena.f32(gatheredRows, m * oPad).fill(0);
    const rows = this.arena.f32(placed, m * kPad);
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < o; p++) gathered[i * oPad + p] = rows[i * kPad + outliers[p]];
    }
    this.arena.i32(oMask, oPad).fill(0).fill(-1, 0, o);
    return { ...common, outliers, outlierGroup: this.quantize(gatheredRows, m, oPad, oMask) };
  }

  /** The float columns of the placed rows, packed for the float32 multiply, rows up to a whole INT8_MR panel (zero). */
  private placeFloatColumns(placed: number, m: number, kPad: number, float: FloatPanels): ResidentRows {
    const p = float.columns.length;
    const rows = Math.ceil(m / INT8_MR) * INT8_MR;
    const gathered = new Float32Array(rows * p);
    const placedRows = this.arena.f32(placed, m * kPad);
    for (let i = 0; i < m; i++) float.columns.forEach((c, j) => { gathered[i * p + j] = placedRows[i * kPad + c]; });
    return this.engine.packA(gathered, 0, p, rows, p, float.panels.kPad);
  }

  /**
   * C = A·Bᵀ + bias (GELU'd when asked) of prepared rows, in scratch [mPad, nPanels * NR];
   * returns its offset. With `pool`, the threads max-pool C's columns once complete.
   */
  private int8Product(rows: PreparedInt8Rows, b: Int8Panels, bias: Float32Array | undefined, gelu: boolean, pool?: PoolTarget): number {
    const { c, width, multiply } = this.int8Multiply(rows, b, bias, gelu);
    const poolAt = pool && { ...pool, c, ldcBytes: width * 4, panelColumns: INT8_NR };
    this.engine.runExtension(multiply, poolAt);
    return c;
  }

  /**
   * int8Product of the same prepared rows by each weight (no epilogue), all in one hand-off
   * (WasmGemm.runExtensions): a self-attention layer's Q, K and V projections. Returns each C.
   */
  private int8Products(rows: PreparedInt8Rows, outputs: ReadonlyArray<{ readonly b: Int8Panels; readonly bias?: Float32Array }>): number[] {
    const multiplies = outputs.map(({ b, bias }) => this.int8Multiply(rows, b, bias, false));
    this.engine.runExtensions(multiplies.map((p) => p.multiply));
    return multiplies.map((p) => p.c);
  }

  /**
   * Everything an int8 product needs but the hand-off: C in scratch [mPad, nPanels * NR], where
   * its tiles start (int8Start, which may run the float columns' multiply now), the outlier
   * pass, and the extension record.
   */
  private int8Multiply(rows: PreparedInt8Rows, b: Int8Panels, bias: Float32Array | undefined, gelu: boolean): { c: number; width: number; multiply: ExtensionMultiply } {
    const width = b.nPanels * INT8_NR;
    const c = this.arena.allocScratch(Math.ceil(rows.m / INT8_MR) * INT8_MR * width * 4);
    const source = this.int8Start(rows, b, bias);
    const outliers = rows.outlierGroup && this.outlierPass(rows.outlierGroup, rows.outliers, b);
    const multiply = this.int8Record(rows.m, rows.main, b, { c, width, source, gelu, ...(outliers ? { outliers } : {}) });
    return { c, width, multiply };
  }

  /**
   * Where the int8 kernel's tiles start: the bias (one row, stride 0), or, for a weight with
   * float columns, bias + those columns' float32 product (rows of their own), computed first
   * by the float32 kernel as the reference does (int8-reference.ts).
   */
  private int8Start(rows: PreparedInt8Rows, b: Int8Panels, bias: Float32Array | undefined): { ptr: number; strideBytes: number } {
    const float = b.floatColumns;
    // The callers prepare A once only for weights of the same float columns (sameFloatColumns).
    if (!sameColumns(floatColumnsOf(b), rows.floatColumns)) throw new Error('compact gemm: rows prepared for other float columns than the weight has');
    if (!float || !rows.floatRows) {
      const width = b.nPanels * INT8_NR;
      const biasPtr = this.arena.allocScratch(width * 4);
      const biasView = this.arena.f32(biasPtr, width).fill(0);
      if (bias) biasView.set(bias.subarray(0, b.n));
      return { ptr: biasPtr, strideBytes: 0 };
    }
    // As many rows as the int8 kernel reads (whole INT8_MR panels); slack after the last row,
    // which an int8 panel wider than the float32 kernel's may read past (padding columns).
    const start = this.engine.multiply(Math.ceil(rows.m / INT8_MR) * INT8_MR, rows.floatRows, float.panels, { bias });
    this.arena.allocScratch(INT8_NR * 4);
    return { ptr: start.ptr, strideBytes: start.width * 4 };
  }

  /**
   * The outlier columns' second pass (see compact-kernels.ts): their quantized activations,
   * and zeroed scratch in which the jobs gather the outlier columns of their panels' weights
   * (the same weight scales; row sums of their own), with the offsets each is copied by.
   */
  private outlierPass(group: QuantizedA, outliers: Int32Array, b: Int8Panels): OutlierPass {
    const nr = INT8_NR;
    const o = outliers.length;
    const oPad = roundUp(o, INT8_K_ALIGN);
    const panels = this.arena.allocScratch(b.nPanels * oPad * nr);
    new Uint8Array(this.arena.memory.buffer, panels, b.nPanels * oPad * nr).fill(0);
    const sums = this.arena.allocScratch(b.nPanels * nr * 4);
    const from = this.arena.allocScratch(o * 4);
    const to = this.arena.allocScratch(o * 4);
    this.arena.i32(from, o).set(Array.from(outliers, (col) => this.int8StepOffset(col)));
    this.arena.i32(to, o).set(Array.from({ length: o }, (_, p) => this.int8StepOffset(p)));
    return { group, count: o, kPad: oPad, panels, sums, from, to };
  }

  /** A's rows as float32 in scratch, `kPad` floats apart, zero beyond k. */
  private placeRows(a: Float32Array, offset: number, lda: number, m: number, k: number, kPad: number): number {
    const ptr = this.arena.allocScratch(m * kPad * 4);
    const dst = this.arena.f32(ptr, m * kPad);
    if (lda === k && k === kPad) {
      dst.set(a.subarray(offset, offset + m * k));
      return ptr;
    }
    for (let i = 0; i < m; i++) {
      dst.set(a.subarray(offset + i * lda, offset + i * lda + k), i * kPad);
      dst.fill(0, i * kPad + k, (i + 1) * kPad);
    }
    return ptr;
  }

  /**
   * The outlier columns of the placed rows (outlierColumnsOf), scanned in WebAssembly: the
   * column maxima, then the count that mostly rules outliers out, over all kPad columns (the
   * padding's maxima are 0, so each counts as far below wherever the largest is not 0: taken
   * off again).
   */
  private outlierColumns(rows: number, m: number, b: Int8Panels, floatColumns: Int32Array): Int32Array {
    const { k, kPad } = b;
    const colMax = this.arena.allocScratch(kPad * 4);
    this.arena.f32(colMax, kPad).fill(0);
    this.engine.int8ColumnAbsMax(rows, kPad * 4, m, kPad / 4, colMax);
    // The count reads the memory, not its argument: the view below is that memory, so the
    // float columns outlierColumnsOf zeroes first are zero for it too. (An unnamed closure: a
    // named one costs a defineProperty a multiply when run by tsx, keepNames.)
    return outlierColumnsOf(this.arena.f32(colMax, k), floatColumns, () => {
      const count = this.engine.int8ColumnsFarBelow(colMax, kPad / 4, OUTLIER_RATIO);
      return count < 0 ? undefined : Math.max(0, count - (kPad - k));
    });
  }

  /**
   * The placed rows quantized (in WebAssembly, see int8-activations.ts) into the kernels' layout
   * [mPanel][kPad/G][MR][G], 4 bytes a group; padding rows get scale and zero point 0.
   */
  private quantize(rows: number, m: number, kPad: number, mask: number): QuantizedA {
    const mr = INT8_MR;
    const mPad = Math.ceil(m / mr) * mr;
    const ptr = this.arena.allocScratch(mPad * this.int8ABytes(kPad));
    const scalePtr = this.arena.allocScratch(mPad * 4);
    const zeroPtr = this.arena.allocScratch(mPad * 4);
    // The kernel writes rows [0, m) only.
    this.arena.f32(scalePtr, mPad).fill(0);
    this.arena.i32(zeroPtr, mPad).fill(0);
    this.engine.quantizeInt8Rows({ src: rows, srcStride: kPad * 4, kQuads: kPad / 4, mask, out: ptr, mr, scales: scalePtr, zeros: zeroPtr }, m);
    return { ptr, scalePtr, zeroPtr };
  }

  /** Bytes of a quantized activation row of kPad steps: 4 a group (4 bytes, or 2 int16). */
  private int8ABytes(kPad: number): number {
    return (kPad / this.int8Group) * 4;
  }

  /** The extension record of an int8 multiply (see compact-kernels.ts INT8_EXT), with what runExtension needs to cut it into jobs. */
  private int8Record(
    rows: number, a: QuantizedA, b: Int8Panels,
    out: { c: number; width: number; source: { ptr: number; strideBytes: number }; gelu: boolean; outliers?: OutlierPass },
  ): ExtensionMultiply {
    const ext = this.arena.allocScratch(EXT_BYTES);
    // Fields not set are 0. Written one by one: an object of the fields and a loop over it
    // took ~1 us more a multiply (74 multiplies a 12-token query), a bound setter more still.
    const record = this.arena.i32(ext, EXT_BYTES / 4).fill(0);
    const aStride = this.int8ABytes(b.kPad) * INT8_MR;
    setField(record, 'kind', EXT_KIND.int8);
    setField(record, 'a', a.ptr);
    setField(record, 'aStride', aStride);
    setField(record, 'aScale', a.scalePtr);
    setField(record, 'aZero', a.zeroPtr);
    setField(record, 'b', b.ptr);
    setField(record, 'bStride', b.kPad * INT8_NR);
    setField(record, 'bScale', b.scalePtr);
    setField(record, 'bSum', b.sumPtr);
    setField(record, 'c', out.c);
    setField(record, 'ldc', out.width * 4);
    setField(record, 'mPanels', Math.ceil(rows / INT8_MR));
    setField(record, 'kGroups', b.kPad / this.int8Group);
    setField(record, 'src', out.source.ptr);
    setField(record, 'srcStride', out.source.strideBytes);
    setField(record, 'mcBlock', Math.max(1, Math.floor(INT8_A_BLOCK_BYTES / aStride)));
    setField(record, 'gelu', out.gelu ? 1 : 0);
    const o = out.outliers;
    if (o) {
      setField(record, 'oCount', o.count);
      setField(record, 'oFrom', o.from);
      setField(record, 'oTo', o.to);
      setField(record, 'oA', o.group.ptr);
      setField(record, 'oAStride', this.int8ABytes(o.kPad) * INT8_MR);
      setField(record, 'oAScale', o.group.scalePtr);
      setField(record, 'oAZero', o.group.zeroPtr);
      setField(record, 'oB', o.panels);
      setField(record, 'oBStride', o.kPad * INT8_NR);
      setField(record, 'oBSum', o.sums);
      setField(record, 'oKGroups', o.kPad / this.int8Group);
    }
    return { ext, nPanels: b.nPanels, macs: rows * b.nPanels * INT8_NR * (b.kPad + (o?.kPad ?? 0)) };
  }

  /** Copies C's first `count` columns into out at column `col0`, then any epilogue the kernel did not apply. */
  private copyOut(c: ResidentResult, count: number, args: CompactMatmulArgs, col0: number, geluDone: boolean): void {
    const rows = this.arena.f32(c.ptr, args.m * c.width);
    const ldo = args.ldo ?? args.b.n;
    const at = (args.outOffset ?? 0) + col0;
    const epilogue = args.epilogue ?? 'none';
    const finish = epilogue !== 'none' && !(epilogue === 'gelu' && geluDone);
    for (let i = 0; i < args.m; i++) {
      args.out.set(rows.subarray(i * c.width, i * c.width + count), at + i * ldo);
      if (finish) finishRow(args.out, at + i * ldo, count, 1, undefined, 0, epilogue);
    }
  }
}

/** Writes one field of an int8 extension record (INT8_EXT). */
function setField(record: Int32Array, field: keyof typeof INT8_EXT, value: number): void {
  record[INT8_EXT[field] / 4] = value;
}
