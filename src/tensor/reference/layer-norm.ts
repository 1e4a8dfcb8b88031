// LayerNorm over the last dimension, with the residual add fused in front of it.

/**
 * out[r] = (y - mean(y)) / sqrt(var(y) + eps) · gamma + beta, where y = x[r] + residual[r]
 * (residual optional) and var is the biased variance, as torch.nn.LayerNorm computes it.
 */
export function layerNormForward(
  out: Float32Array,
  x: Float32Array,
  residual: Float32Array | null,
  gamma: Float32Array,
  beta: Float32Array,
  rows: number,
  features: number,
  eps: number,
): void {
  const y = new Float64Array(features);
  for (let r = 0; r < rows; r++) {
    const offset = r * features;
    let mean = 0;
    for (let i = 0; i < features; i++) {
      // Round the sum to float32 as PyTorch's separate add would.
      y[i] = residual ? Math.fround(x[offset + i] + residual[offset + i]) : x[offset + i];
      mean += y[i];
    }
    mean /= features;
    let variance = 0;
    for (let i = 0; i < features; i++) variance += (y[i] - mean) * (y[i] - mean);
    variance /= features;
    const scale = 1 / Math.sqrt(variance + eps);
    for (let i = 0; i < features; i++) out[offset + i] = (y[i] - mean) * scale * gamma[i] + beta[i];
  }
}
