// out = x · Wᵀ + b with PyTorch's [out, in] weight layout: each output is the dot product of
// an input row with a weight row, both contiguous. The loop over weight rows is the outer one,
// so each weight row is read from memory once and used for every input row while it is in
// cache (row-outer order would stream the whole weight matrix once per token).

/**
 * x [rows, inF], weight [outF, inF], bias [outF] or undefined -> out [rows, outF].
 * Sums in double precision (JavaScript numbers), rounded to float32 once per output.
 */
export function linearForward(
  out: Float32Array,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | undefined,
  rows: number,
  inF: number,
  outF: number,
): void {
  for (let o = 0; o < outF; o++) {
    const wOffset = o * inF;
    const b = bias ? bias[o] : 0;
    for (let r = 0; r < rows; r++) {
      const xOffset = r * inF;
      let sum = b;
      for (let i = 0; i < inF; i++) sum += x[xOffset + i] * weight[wOffset + i];
      out[r * outF + o] = sum;
    }
  }
}
