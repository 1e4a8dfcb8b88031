// Finding NaN and infinities in weights. A checkpoint holding one is corrupt or overflowed; the
// kernels would otherwise turn it into an empty vector (float32: NaN drops out of the SPLADE
// pooling), finite garbage (float16) or a zeroed row (int8), and nothing would say why.

/**
 * Index of the first NaN or infinity in `values`, or -1 (x - x is 0 for every finite x). One
 * plain pass: on a loading model's arrays it runs at ~2 ns a value whatever the formulation
 * (branchless sums of x · 0 and integer masks of the bits were tried: bench/RESULTS.md).
 */
export function firstNonFinite(values: Float32Array): number {
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
