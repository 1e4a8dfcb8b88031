// Linear-layer weights held compactly: float16 (half the bytes of float32) or int8 quantized
// per output row (a quarter, plus one float32 scale a row). Backends that compute on them
// directly implement Backend.prepareCompactLinear; the others get them widened to float32.
import { SpladeError } from '../errors.js';
import { f16ArrayToF32, f32ArrayToF16 } from './half.js';

/** How a model's linear weights are held in memory: `f32` (default, exact), `f16` or `int8`. */
export type WeightDType = 'f32' | 'f16' | 'int8';
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
 * strategy "channel").
 */
export interface Int8Weight {
  readonly kind: 'int8';
  readonly n: number;
  readonly k: number;
  readonly values: Int8Array;
  readonly scales: Float32Array;
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
 * (ties away from zero, as `Math.round` of the magnitude). A row of zeros gets scale 0.
 */
export function quantizeInt8Rows(w: Float32Array, n: number, k: number): Int8Weight {
  const values = new Int8Array(n * k);
  const scales = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const at = r * k;
    let max = 0;
    for (let c = 0; c < k; c++) max = Math.max(max, Math.abs(w[at + c]));
    if (!(max > 0)) continue;
    if (!Number.isFinite(max)) throw new SpladeError(`cannot quantize a weight row holding ${max} (row ${r})`);
    const scale = Math.fround(max / 127);
    scales[r] = scale;
    const inv = 1 / scale;
    for (let c = 0; c < k; c++) {
      const q = w[at + c] * inv;
      values[at + c] = Math.max(-127, Math.min(127, q < 0 ? -Math.round(-q) : Math.round(q)));
    }
  }
  return { kind: 'int8', n, k, values, scales };
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
    }
  }
}

/** Bytes the weight holds. */
export function compactBytes(weight: CompactWeight): number {
  return weight.kind === 'f16' ? weight.bits.byteLength : weight.values.byteLength + weight.scales.byteLength;
}
