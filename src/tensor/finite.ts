// Finding NaN and infinities in weights. A checkpoint holding one is corrupt or overflowed; the
// kernels would otherwise turn it into an empty vector (float32: NaN drops out of the SPLADE
// pooling), finite garbage (float16) or a zeroed row (int8), and nothing would say why.

/** Index of the first NaN or infinity in `values`, or -1. */
export function firstNonFinite(values: Float32Array): number {
  return allFinite(values) ? -1 : firstNonFiniteIndex(values);
}

/**
 * Whether every value is finite: x · 0 is 0 for finite x and NaN otherwise, so the sums stay 0
 * exactly when all are. Four sums and no branch in the loop: ~0.7 ns a value, where a test of
 * each value took ~2.6 (every weight of bert-base passes here once while loading).
 */
function allFinite(values: Float32Array): boolean {
  const n = values.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += values[i] * 0;
    s1 += values[i + 1] * 0;
    s2 += values[i + 2] * 0;
    s3 += values[i + 3] * 0;
  }
  for (; i < n; i++) s0 += values[i] * 0;
  return s0 + s1 + s2 + s3 === 0;
}

/** Index of the first NaN or infinity (x - x is 0 for every finite x), or -1. */
function firstNonFiniteIndex(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (values[i] - values[i] !== 0) return i;
  return -1;
}

/** Index of the first float16 infinity or NaN (exponent bits all set) in `bits`, or -1. */
export function firstNonFiniteF16(bits: Uint16Array): number {
  for (let i = 0; i < bits.length; i++) if ((bits[i] & 0x7c00) === 0x7c00) return i;
  return -1;
}

/** What to tell the user: the file, the tensor, the position (row and column of a matrix) and the value. */
export function nonFiniteMessage(where: string, name: string, shape: readonly number[], index: number, value: number): string {
  const k = shape.length > 1 ? shape[shape.length - 1] : 0;
  const at = k > 0 ? `[${Math.floor(index / k)}, ${index % k}]` : `[${index}]`;
  return `${where}: tensor '${name}' holds ${value} at ${at}: weights must be finite (a corrupt or overflowed checkpoint?)`;
}
