// Dynamic quantization of activations for the int8 multiply, shared by every int8 engine so
// that they all multiply the same integers (the WebAssembly kernel in
// ../wasm/int8-quantize-kernel.ts does these same float32 steps, and is tested to give the
// same bytes).
//
// Each row (token) is quantized asymmetrically to 7 bits with its own scale and zero point:
// q = round(x / scale) + zero in [0, 127], x ≈ (q - zero) · scale, the range [min, max] of the
// row (widened to hold 0) spread over 127 steps. Why 7 bits and not 8: the fastest int8
// instruction WebAssembly has, relaxed SIMD's i32x4.relaxed_dot_i8x16_i7x16_add_s (one x86
// vpdpbusd), multiplies signed 8-bit weights by operands in [0, 127] only; asymmetric 7 bits
// give a row as many steps over its range as symmetric 8 bits would where the range is lopsided
// (after GELU), half as many where it is symmetric. The zero point comes out of the integer
// sum exactly: Σ (q - z)·w = Σ q·w - z·Σ w, with Σ w of each weight row computed at load.
//
// Trained BERTs carry outlier features, a few hidden dimensions 50-200 where the rest stay
// near 1: one scale per token would then round the ordinary features to a handful of steps.
// Columns whose magnitude stands far above the others (see outlierColumnsOf) are taken out of
// the row (quantized as zero: q = z) and quantized as a second group with scales of their own,
// a small second int8 product (LLM.int8()'s decomposition, with the outlier group in int8 rather
// than float16: its values are all large, so 7 bits suffice).

/**
 * A column is an outlier when its max |x| exceeds this multiple of the reference column's: the
 * column with OUTLIER_HEADROOM · (the cap) columns above it (see outlierReferenceRank).
 */
export const OUTLIER_RATIO = 6;
/** At most this fraction of the columns are split off (the largest ones). */
export const MAX_OUTLIER_FRACTION = 1 / 32;
/** How many times the cap of columns may stand above the reference column. */
export const OUTLIER_HEADROOM = 2;
/** The largest quantized value (7 bits). */
export const Q_MAX = 127;
/** Below this (float32's smallest normal) a row's scale counts as zero: 1 / scale would overflow. */
export const MIN_SCALE = 2 ** -126;

const f = Math.fround;

/** max |x| of each column of A[m, k] (row i at offset + i * lda). */
export function columnAbsMax(a: Float32Array, offset: number, lda: number, m: number, k: number): Float32Array {
  const colMax = new Float32Array(k);
  for (let i = 0; i < m; i++) {
    const row = offset + i * lda;
    for (let c = 0; c < k; c++) colMax[c] = Math.max(colMax[c], Math.abs(a[row + c]));
  }
  return colMax;
}

/**
 * The (rank)-th smallest of `values` (0-based), as sorting them would give (NaN counted as the
 * largest), found by quickselect in O(n): this runs on every int8 multiply, and sorting
 * 768-3072 floats each time cost more than quantizing a 12-token query.
 */
export function nthSmallest(values: Float32Array, rank: number): number {
  const v = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) v[i] = values[i] !== values[i] ? Infinity : values[i];
  let lo = 0;
  let hi = v.length - 1;
  while (lo < hi) {
    const pivot = v[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        const t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    if (rank <= j) hi = j;
    else if (rank >= i) lo = i;
    else break;
  }
  return v[rank];
}

/** The most columns of k split off as outliers. */
export function maxOutlierColumns(k: number): number {
  return Math.max(1, Math.floor(k * MAX_OUTLIER_FRACTION));
}

/**
 * The rank (0-based, ascending) of the reference column, the one OUTLIER_RATIO is a multiple
 * of: OUTLIER_HEADROOM · maxOutlierColumns(k) columns stand above it. Outliers are a few
 * columns far above the rest, so the reference is a column of the rest even when the cap is
 * full. Not the median: after GELU about half of the columns are near zero (the inputs that
 * were negative), and a median among those made ~1,400 of 3,072 columns "outliers" in a model
 * with outlier features, a broad spread that one scale a token holds as well (same fidelity),
 * while gathering their weights cost ~4 ms of a 12-token query.
 */
export function outlierReferenceRank(k: number): number {
  return Math.max(0, k - 1 - OUTLIER_HEADROOM * maxOutlierColumns(k));
}

/**
 * How many columns have OUTLIER_RATIO · max|x| below the largest (exact: 6 · a float32 is
 * exact in float64); undefined where one is NaN. An engine may count in its own kernels
 * (outlierColumnsOf's `countFarBelow`), as long as it counts this.
 */
export function columnsFarBelow(colMax: Float32Array): number | undefined {
  const k = colMax.length;
  let largest = 0;
  for (let c = 0; c < k; c++) {
    const v = colMax[c];
    if (v !== v) return undefined;
    if (v > largest) largest = v;
  }
  let below = 0;
  for (let c = 0; c < k; c++) if (OUTLIER_RATIO * colMax[c] < largest) below++;
  return below;
}

/**
 * Whether no column of k can stand out, known without selecting the reference from how many
 * are far below the largest (columnsFarBelow): when at most `rank` are, the reference (at
 * `rank`) is not, so nothing exceeds the threshold. Most multiplies have no outliers: this
 * spares them the selection, a quickselect over up to 3,072 values.
 */
function surelyNoOutliers(farBelow: number | undefined, k: number): boolean {
  return farBelow !== undefined && farBelow <= outlierReferenceRank(k);
}

/**
 * The columns whose max |x| stands out (ascending column order; may be empty). The columns in
 * `besides` (a weight's float columns, multiplied apart) are no candidates: their colMax is
 * set to 0 here, before `countFarBelow` (columnsFarBelow, or an engine's own count of it).
 */
export function outlierColumnsOf(
  colMax: Float32Array, besides?: Int32Array, countFarBelow: (colMax: Float32Array) => number | undefined = columnsFarBelow,
): Int32Array {
  if (besides) for (const c of besides) colMax[c] = 0;
  const k = colMax.length;
  if (k === 0 || surelyNoOutliers(countFarBelow(colMax), k)) return new Int32Array(0);
  const threshold = OUTLIER_RATIO * nthSmallest(colMax, outlierReferenceRank(k));
  if (!(threshold > 0)) return new Int32Array(0);
  const candidates = new Int32Array(k);
  let count = 0;
  for (let c = 0; c < k; c++) if (colMax[c] > threshold) candidates[count++] = c;
  const most = maxOutlierColumns(k);
  return count > most ? largestOf(colMax, candidates.subarray(0, count), most) : candidates.slice(0, count);
}

/**
 * The `most` candidates (ascending columns) of largest colMax, ties going to the lower column:
 * what a stable sort by colMax, largest first, cut to `most`, keeps, in ascending column
 * order. By selection, not a sort: up to OUTLIER_HEADROOM times the places stand above the
 * threshold, and sorting them with a comparator cost ~170 us a call.
 */
function largestOf(colMax: Float32Array, candidates: Int32Array, most: number): Int32Array {
  const values = new Float32Array(candidates.length);
  for (let i = 0; i < candidates.length; i++) values[i] = colMax[candidates[i]];
  const cut = nthSmallest(values, candidates.length - most);
  // Places left, once every value above the cut is kept, for those equal to it.
  let tiePlaces = most;
  for (let i = 0; i < values.length; i++) if (values[i] > cut) tiePlaces--;
  const kept = new Int32Array(most);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > cut) kept[n++] = candidates[i];
    else if (v === cut && tiePlaces > 0) {
      kept[n++] = candidates[i];
      tiePlaces--;
    }
  }
  return kept;
}

/**
 * The largest-magnitude columns of A[m, k] that stand out (ascending column order); may be
 * empty. Columns in `besides` (a weight's float columns, multiplied apart) are not candidates.
 */
export function findOutlierColumns(a: Float32Array, offset: number, lda: number, m: number, k: number, besides?: Int32Array): Int32Array {
  return outlierColumnsOf(columnAbsMax(a, offset, lda, m, k), besides);
}

/** Whether two column lists are the same. */
export function sameColumns(x: Int32Array, y: Int32Array): boolean {
  return x.length === y.length && x.every((c, i) => c === y[i]);
}

/** The ascending union of two ascending column lists. */
export function unionColumns(x: Int32Array, y: Int32Array): Int32Array {
  if (y.length === 0) return x;
  if (x.length === 0) return y;
  return Int32Array.from(new Set([...x, ...y])).sort();
}

/** WebAssembly's i32.trunc_sat_f32_s, then clamped to [0, Q_MAX] (NaN gives 0). */
function truncClamp(t: number): number {
  if (t !== t) return 0;
  return Math.min(Q_MAX, Math.max(0, Math.trunc(t)));
}

/** A row's quantization: scale, 1 / scale and zero point, by the kernel's float32 steps. */
export function rowQuantization(lo: number, hi: number): { scale: number; inv: number; zero: number } {
  let scale = f(f(hi - lo) / Q_MAX);
  let inv = f(1 / scale);
  if (!(scale >= MIN_SCALE)) {
    scale = 0;
    inv = 0;
  }
  const zero = truncClamp(f(f(-lo * inv) + 0.5));
  return { scale, inv, zero };
}

/**
 * Quantizes rows of A[m, k] (row i at offset + i * lda) into `out` (row i at i * outStride,
 * values in [0, 127]) with `scales[i]` and `zeros[i]`. The columns in `skip` are left out of
 * the row's range and quantized as zero (q = zero point); so are columns k .. outStride - 1.
 */
export function quantizeRows(
  a: Float32Array, offset: number, lda: number, m: number, k: number, skip: Int32Array,
  out: Uint8Array, outStride: number, scales: Float32Array, zeros: Int32Array,
): void {
  const keep = new Uint8Array(k).fill(1);
  for (const c of skip) keep[c] = 0;
  for (let i = 0; i < m; i++) {
    const row = offset + i * lda;
    let lo = 0;
    let hi = 0;
    for (let c = 0; c < k; c++) {
      if (keep[c] === 0) continue;
      lo = Math.min(lo, a[row + c]);
      hi = Math.max(hi, a[row + c]);
    }
    const { scale, inv, zero } = rowQuantization(lo, hi);
    scales[i] = scale;
    zeros[i] = zero;
    const at = i * outStride;
    out.fill(zero, at, at + outStride);
    const half = zero + 0.5;
    for (let c = 0; c < k; c++) if (keep[c] === 1) out[at + c] = truncClamp(f(f(a[row + c] * inv) + half));
  }
}

/** Quantizes columns `cols` of each row of A into `out` [m, outStride] (the outlier group), a scale and zero point per row. */
export function quantizeColumns(
  a: Float32Array, offset: number, lda: number, m: number, cols: Int32Array,
  out: Uint8Array, outStride: number, scales: Float32Array, zeros: Int32Array,
): void {
  const gathered = new Float32Array(m * cols.length);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < cols.length; j++) gathered[i * cols.length + j] = a[offset + i * lda + cols[j]];
  }
  quantizeRows(gathered, 0, cols.length, m, cols.length, new Int32Array(0), out, outStride, scales, zeros);
}
