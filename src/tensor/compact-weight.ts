// Linear-layer weights held compactly: float16 (half the bytes of float32) or int8 quantized
// per output row (a quarter, plus one float32 scale a row). Backends that compute on them
// directly implement Backend.prepareCompactLinear; the others get them widened to float32.
import { SpladeError } from '../errors.js';
import { outlierColumnsOf } from './gemm/int8-activations.js';
import { f16ArrayToF32, f32ArrayToF16 } from './half.js';

/** How a model's linear weights are held in memory: `f32` (default, exact), `f16` or `int8`. */
export type WeightDType = 'f32' | 'f16' | 'int8';
/** Every WeightDType, for checking user input (`dtype`, `--dtype`). */
export const WEIGHT_DTYPES: readonly WeightDType[] = ['f32', 'f16', 'int8'];

/** Bytes per weight of each dtype (int8 adds 4 bytes of scale per output row). */
export const WEIGHT_DTYPE_BYTES: Readonly<Record<WeightDType, number>> = { f32: 4, f16: 2, int8: 1 };

/** A [n, k] weight (PyTorch's [out, in]) as float16 bit patterns, row-major. */
export interface F16Weight {
  readonly kind: 'f16';
  readonly n: number;
  readonly k: number;
  readonly bits: Uint16Array;
}

/**
 * A [n, k] weight quantized symmetrically per output row: `W[r, c] ≈ values[r * k + c] *
 * scales[r]`, values in [-127, 127] (compressed-tensors' `weight` and `weight_scale` with
 * strategy "channel"), except the input columns in `floatColumns`, held exactly.
 */
export interface Int8Weight {
  readonly kind: 'int8';
  readonly n: number;
  readonly k: number;
  readonly values: Int8Array;
  readonly scales: Float32Array;
  readonly floatColumns?: FloatColumns;
}

/**
 * Input columns of an int8 weight kept in float32: their int8 values are 0, and each row's
 * scale is taken over the other columns. For the columns that read outlier features (a few
 * hidden dimensions at 50-200 where the rest stay near 1, made by LayerNorm): an int8 weight
 * is off by up to half its row's step, and such a column's value multiplies that error.
 * LLM.int8() keeps these columns' weights in float16 for the same reason.
 */
export interface FloatColumns {
  /** Ascending input columns. */
  readonly columns: Int32Array;
  /** Their weights, [n, columns.length] row-major. */
  readonly values: Float32Array;
}

export type CompactWeight = F16Weight | Int8Weight;

/** Checks a dtype name given by a user. */
export function parseWeightDType(value: unknown, where = 'dtype'): WeightDType {
  if (typeof value === 'string' && (WEIGHT_DTYPES as readonly string[]).includes(value)) return value as WeightDType;
  throw new SpladeError(`${where} must be one of ${WEIGHT_DTYPES.join(', ')}, got ${JSON.stringify(value)}`);
}

/** The float16 weight nearest to `w` (round to nearest even, as PyTorch's `.half()`). */
export function toF16Weight(w: Float32Array, n: number, k: number): F16Weight {
  return { kind: 'f16', n, k, bits: f32ArrayToF16(w.subarray(0, n * k)) };
}

/**
 * Symmetric per-row int8 quantization: scale = max|row| / 127, value = round(w / scale)
 * (ties away from zero, as `Math.round` of the magnitude). A row of zeros gets scale 0. The
 * columns in `keep` (ascending) stay float32 (see FloatColumns).
 */
export function quantizeInt8Rows(w: Float32Array, n: number, k: number, keep?: Int32Array): Int8Weight {
  const values = new Int8Array(n * k);
  const scales = new Float32Array(n);
  const float = floatColumnsFor(n, k, keep);
  for (let r = 0; r < n; r++) quantizeRow(w, r * k, k, values, scales, r, float);
  return { kind: 'int8', n, k, values, scales, ...(float ? { floatColumns: float } : {}) };
}

/** Empty FloatColumns for `keep` (checked ascending and inside k), or undefined without any. */
function floatColumnsFor(n: number, k: number, keep: Int32Array | undefined): FloatColumns | undefined {
  if (!keep || keep.length === 0) return undefined;
  keep.forEach((c, i) => {
    if (!(c >= 0 && c < k && (i === 0 || c > keep[i - 1]))) throw new RangeError(`float columns must ascend inside [0, ${k}): ${[...keep].join(', ')}`);
  });
  return { columns: Int32Array.from(keep), values: new Float32Array(n * keep.length) };
}

/** Row `r` of a weight, read from `w` at `from`, into values[r * k ...] and scales[r], its `float` columns copied (see quantizeInt8Rows). */
function quantizeRow(w: Float32Array, from: number, k: number, values: Int8Array, scales: Float32Array, r: number, float?: FloatColumns): void {
  // max |w| over the int8 columns (the scale), and over the float columns (copied out here).
  let max = 0;
  let kept = 0;
  const p = float?.columns.length ?? 0;
  for (let c = 0, j = 0; c < k; c++) {
    const v = w[from + c];
    if (j < p && float!.columns[j] === c) {
      float!.values[r * p + j++] = v;
      kept = Math.max(kept, Math.abs(v));
    } else {
      max = Math.max(max, Math.abs(v));
    }
  }
  // NaN first: Math.max gives NaN for a row holding one, and !(NaN > 0) would zero the row.
  const largest = Math.max(max, kept);
  if (!Number.isFinite(largest)) throw new SpladeError(`cannot quantize a weight row holding ${largest} (row ${r})`);
  if (!(max > 0)) return;
  const scale = Math.fround(max / 127);
  scales[r] = scale;
  const inv = 1 / scale;
  const at = r * k;
  for (let c = 0; c < k; c++) {
    const q = w[from + c] * inv;
    values[at + c] = Math.max(-127, Math.min(127, q < 0 ? -Math.round(-q) : Math.round(q)));
  }
  if (float) for (const c of float.columns) values[at + c] = 0;
}

/**
 * Reads rows [first, first + out.length / k) of a float weight [n, k] as float32 into `out`
 * (TensorSource.readFloat32 does it from storage, a block at a time).
 */
export type WeightRowReader = (first: number, out: Float32Array) => void;

/** Floats read at a time by quantizeInt8RowsFrom and toF16WeightFrom (1 MiB). */
const ROW_BLOCK_FLOATS = 1 << 18;
/** Their block buffer, reused: both are synchronous, so no two calls share it at once. */
let rowBlock = new Float32Array(0);

/** Calls `each` on the weight's rows a block at a time, read by `read` into one reused buffer. */
function forRowBlocks(n: number, k: number, read: WeightRowReader, each: (rows: Float32Array, first: number, count: number) => void): void {
  const perBlock = Math.max(1, Math.floor(ROW_BLOCK_FLOATS / Math.max(k, 1)));
  const size = Math.min(n, perBlock) * k;
  if (rowBlock.length < size) rowBlock = new Float32Array(size);
  for (let first = 0; first < n; first += perBlock) {
    const count = Math.min(perBlock, n - first);
    const rows = rowBlock.subarray(0, count * k);
    read(first, rows);
    each(rows, first, count);
  }
}

/**
 * quantizeInt8Rows of a weight read a block of rows at a time: the float32 weight is never
 * whole in memory (quantizing a 30522 x 768 embedding holds 1 MiB of it, not 89 MiB). The
 * values go into `values` when given (a loader's reused buffer).
 */
export function quantizeInt8RowsFrom(read: WeightRowReader, n: number, k: number, values = new Int8Array(n * k), keep?: Int32Array): Int8Weight {
  if (values.length !== n * k) throw new RangeError(`quantizeInt8RowsFrom: ${values.length} values for a [${n}, ${k}] weight`);
  const scales = new Float32Array(n);
  const float = floatColumnsFor(n, k, keep);
  forRowBlocks(n, k, read, (rows, first, count) => {
    for (let r = 0; r < count; r++) quantizeRow(rows, r * k, k, values, scales, first + r, float);
  });
  return { kind: 'int8', n, k, values, scales, ...(float ? { floatColumns: float } : {}) };
}

/** toF16Weight of a weight read a block of rows at a time (see quantizeInt8RowsFrom), into `bits` when given. */
export function toF16WeightFrom(read: WeightRowReader, n: number, k: number, bits = new Uint16Array(n * k)): F16Weight {
  if (bits.length !== n * k) throw new RangeError(`toF16WeightFrom: ${bits.length} values for a [${n}, ${k}] weight`);
  forRowBlocks(n, k, read, (rows, first) => {
    f32ArrayToF16(rows, bits.subarray(first * k, first * k + rows.length));
  });
  return { kind: 'f16', n, k, bits };
}

/** The weight as float32 [n, k] (exact for f16; the quantized values times their scales for int8). */
export function widenWeight(weight: CompactWeight): Float32Array {
  if (weight.kind === 'f16') return f16ArrayToF32(weight.bits);
  const out = new Float32Array(weight.n * weight.k);
  readWeightRows(weight, Int32Array.from({ length: weight.n }, (_, i) => i), out);
  return out;
}

/** Rows `rows` of the weight as float32 into `out` [rows.length, k]. */
export function readWeightRows(weight: CompactWeight, rows: Int32Array, out: Float32Array): void {
  const { k } = weight;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (weight.kind === 'f16') {
      const row = f16ArrayToF32(weight.bits.subarray(r * k, (r + 1) * k));
      out.set(row, i * k);
    } else {
      const scale = weight.scales[r];
      for (let c = 0; c < k; c++) out[i * k + c] = weight.values[r * k + c] * scale;
      const float = weight.floatColumns;
      if (float) float.columns.forEach((c, j) => { out[i * k + c] = float.values[r * float.columns.length + j]; });
    }
  }
}

/** Bytes the weight holds. */
export function compactBytes(weight: CompactWeight): number {
  if (weight.kind === 'f16') return weight.bits.byteLength;
  const float = weight.floatColumns;
  return weight.values.byteLength + weight.scales.byteLength + (float ? float.columns.byteLength + float.values.byteLength : 0);
}

/**
 * The hidden dimensions a LayerNorm makes outlier features of, from its gain and bias: those
 * where |bias| + 3 |gain| (the output's size for a normalized input within ±3) stands out as
 * an outlier column does among activations (outlierColumnsOf: over 6x the reference column,
 * at most k/32). The weights that read that LayerNorm's output keep these columns in float32.
 */
export function layerNormOutlierDims(gamma: Float32Array, beta: Float32Array): Int32Array {
  return outlierColumnsOf(Float32Array.from(gamma, (g, j) => Math.abs(beta[j]) + 3 * Math.abs(g)));
}
