// Dynamic int8 quantization of activations, shared by every int8 engine so that they all
// multiply the same integers: each row (token) is quantized symmetrically with its own scale
// (max |x| / 127) at run time. Trained BERTs carry outlier features, a few hidden dimensions
// 50-200 where the rest stay near 1: one absmax scale per token would then round the ordinary
// features to -1, 0 or 1. Columns whose magnitude stands far above the others (see
// findOutlierColumns) are therefore taken out of the row and quantized as a second group with
// scales of their own, a small second int8 product (LLM.int8()'s decomposition, with the
// outlier group in int8 rather than float16: its values are all large, so 8 bits suffice).

/** A column is an outlier when its max |x| exceeds this multiple of the median column's. */
export const OUTLIER_RATIO = 6;
/** At most this fraction of the columns are split off (the largest ones). */
export const MAX_OUTLIER_FRACTION = 1 / 32;

/** The largest-magnitude columns of A[m, k] that stand out (ascending column order); may be empty. */
export function findOutlierColumns(a: Float32Array, offset: number, lda: number, m: number, k: number): Int32Array {
  const colMax = new Float32Array(k);
  for (let i = 0; i < m; i++) {
    const row = offset + i * lda;
    for (let c = 0; c < k; c++) {
      const v = Math.abs(a[row + c]);
      if (v > colMax[c]) colMax[c] = v;
    }
  }
  const sorted = colMax.slice().sort();
  const threshold = OUTLIER_RATIO * sorted[k >> 1];
  if (!(threshold > 0)) return new Int32Array(0);
  const candidates: number[] = [];
  for (let c = 0; c < k; c++) if (colMax[c] > threshold) candidates.push(c);
  const most = Math.max(1, Math.floor(k * MAX_OUTLIER_FRACTION));
  if (candidates.length > most) candidates.sort((x, y) => colMax[y] - colMax[x]).length = most;
  return Int32Array.from(candidates).sort();
}

/**
 * Quantizes rows of A[m, k] (row i at offset + i * lda) into `out` (row i at i * outStride,
 * values in [-127, 127] as int16, which the kernels read as pairs) with `scales[i]` =
 * max |row| / 127, rounding with Math.round (halves up). The columns in `skip` are left out
 * of the row (and of its max); `out` must be zero where nothing is written (a fresh array):
 * skipped columns and padding.
 */
export function quantizeRows(
  a: Float32Array, offset: number, lda: number, m: number, k: number, skip: Int32Array,
  out: Int16Array, outStride: number, scales: Float32Array,
): void {
  const keep = skip.length > 0 ? new Uint8Array(k).fill(1) : undefined;
  if (keep) for (const c of skip) keep[c] = 0;
  for (let i = 0; i < m; i++) {
    const row = offset + i * lda;
    const at = i * outStride;
    let max = 0;
    for (let c = 0; c < k; c++) {
      const v = a[row + c];
      const magnitude = v < 0 ? -v : v;
      if (magnitude > max && (!keep || keep[c] === 1)) max = magnitude;
    }
    if (!(max > 0)) {
      scales[i] = 0;
      continue;
    }
    const scale = Math.fround(max / 127);
    scales[i] = scale;
    // |a| <= max, so |a * inv| <= 127 up to a rounding error far below one half; then
    // ((x + 128.5) | 0) - 128 is floor(x + 0.5), Math.round's result, several times faster.
    const inv = 1 / scale;
    if (keep) {
      for (let c = 0; c < k; c++) if (keep[c] === 1) out[at + c] = ((a[row + c] * inv + 128.5) | 0) - 128;
    } else {
      for (let c = 0; c < k; c++) out[at + c] = ((a[row + c] * inv + 128.5) | 0) - 128;
    }
  }
}

/** Quantizes columns `cols` of each row of A into `out` [m, outStride] (the outlier group), scales per row. */
export function quantizeColumns(
  a: Float32Array, offset: number, lda: number, m: number, cols: Int32Array,
  out: Int16Array, outStride: number, scales: Float32Array,
): void {
  const gathered = new Float32Array(cols.length);
  for (let i = 0; i < m; i++) {
    const row = offset + i * lda;
    for (let j = 0; j < cols.length; j++) gathered[j] = a[row + cols[j]];
    quantizeRows(gathered, 0, cols.length, 1, cols.length, new Int32Array(0), out.subarray(i * outStride, (i + 1) * outStride), outStride, scales.subarray(i, i + 1));
  }
}
