// How far a correct float32 kernel may be from the reference, element by element, and why.
//
// The reference backend sums in double precision and rounds once, so it is the exact result
// to within half a float32 ulp. A fast kernel sums in float32 in an order of its own (SIMD
// lanes, panels, k blocks, threads, GPU tiles): the classic bound for any summation order of
// k products is |error| <= (k + 1)·u·Σ|x_i·w_i| with u = 2⁻²⁴ (float32's unit roundoff), plus
// one rounding of the result. Each bound below is that worst case for its op, scaled by the
// inputs' own magnitudes, so it never fails a correct kernel whatever its order, and it stays
// far below what a wrong index, a dropped term or a lost mask gives.
import type { Activation } from '../../../src/tensor/backend.js';

/** float32's unit roundoff: the largest relative error of one rounding. */
export const U = 2 ** -24;

/**
 * The largest slope of the smooth activations (GELU's maximum slope is 1.129 at x ≈ 2.4;
 * SiLU's and quick GELU's are below 1.1): an error in a pre-activation grows at most this much.
 */
export const ACTIVATION_SLOPE = 1.13;

/**
 * Ulps of max(1, |x|) an activation's evaluation may be off: the CPU kernels use a Chebyshev
 * fit of erfc (relative error 1.2e-7, 2 ulps) and an exp polynomial (Cephes' expf, 1 ulp);
 * gpu.js evaluates exp and tanh in the GPU's float32 (a few ulps; GELU's tanh form computed
 * from exp loses a few more). 16 ulps covers them; the exact and tanh forms of GELU differ by
 * up to 3e-4, thousands of ulps, so one posing as the other still fails.
 */
export const ACTIVATION_ULPS = 16;

/**
 * Ulps an exp evaluated inside the softmax may be off (Cephes' expf in WebAssembly SIMD, the
 * GPU's exp), as ACTIVATION_ULPS.
 */
export const EXP_ULPS = 16;

/** How much the evaluation of `activation` at `x` may be off (exact for none and relu). */
export function activationBound(activation: Activation, x: number): number {
  return activation === 'none' || activation === 'relu' ? 0 : ACTIVATION_ULPS * U * Math.max(1, Math.abs(x));
}

/**
 * linear: y = act(x·Wᵀ + b). `magnitude[i]` is Σ|x·w| + |b| of output i (the reference linear
 * on absolute values), `pre[i]` its exact pre-activation: (k + 2)·u·magnitude for the sum and
 * the bias, times the activation's slope, plus the activation's own evaluation.
 */
export function linearBounds(k: number, magnitude: Float32Array, pre: Float32Array, activation: Activation): Float64Array {
  const slope = activation === 'none' || activation === 'relu' ? 1 : ACTIVATION_SLOPE;
  return Float64Array.from(magnitude, (m, i) => slope * (k + 2) * U * m + activationBound(activation, pre[i]));
}

/**
 * spladePool: max over real tokens t of log(1 + relu(h_t·w_v + b_v)). relu, max and log1p
 * (on [0, ∞)) have slope at most 1, so the logits' bound carries over: (k + 2)·u times the
 * largest Σ|h·w| + |b| over the sequence's real tokens; then 4 ulps of the result for log1p
 * and 2u absolute for a kernel computing log(1 + x) (1 + x rounds by u, log's slope is ≤ 1).
 * `magnitude` is [tokens, vocab]; `result` [batch, vocab] the reference's values.
 */
export function spladePoolBounds(
  k: number, magnitude: Float32Array, mask: Uint8Array, batch: number, seq: number, result: Float32Array,
): Float64Array {
  const vocab = result.length / batch;
  const bounds = new Float64Array(result.length);
  for (let b = 0; b < batch; b++) {
    for (let v = 0; v < vocab; v++) {
      let largest = 0;
      for (let t = 0; t < seq; t++) {
        if (mask[b * seq + t]) largest = Math.max(largest, magnitude[(b * seq + t) * vocab + v]);
      }
      const at = b * vocab + v;
      bounds[at] = (k + 2) * U * largest + 4 * U * Math.abs(result[at]) + 2 * U;
    }
  }
  return bounds;
}

/**
 * LayerNorm of y = x + residual over n features: z = (y − mean)/σ, out = γ·z + β. In float32,
 * the mean is off by at most n·u·mean|y| and the variance by (n + 3)·u relative, so
 * |ẑ − z| <= (n + 5)·u·(|z| + mean|y|/σ) (the second term is the cancellation when the values
 * sit far from 0); then |γ| times that, and 2 ulps of |γ·z| + |β| for the scale and shift.
 */
export function layerNormBounds(
  x: Float32Array, residual: Float32Array | null, gamma: Float32Array, beta: Float32Array, n: number, eps: number,
): Float64Array {
  const bounds = new Float64Array(x.length);
  for (let at = 0; at < x.length; at += n) {
    const y = Array.from({ length: n }, (_, i) => Math.fround(x[at + i] + (residual ? residual[at + i] : 0)));
    const mean = y.reduce((s, v) => s + v, 0) / n;
    const sigma = Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / n + eps);
    const meanAbs = y.reduce((s, v) => s + Math.abs(v), 0) / n;
    for (let i = 0; i < n; i++) {
      const z = (y[i] - mean) / sigma;
      bounds[at + i] = Math.abs(gamma[i]) * (n + 5) * U * (Math.abs(z) + meanAbs / sigma) +
        2 * U * (Math.abs(gamma[i] * z) + Math.abs(beta[i]));
    }
  }
  return bounds;
}

/** The sizes of one attention call. */
export interface AttentionSizes {
  readonly batch: number;
  readonly seq: number;
  readonly heads: number;
  readonly headSize: number;
}

/**
 * Attention, per sequence b, head h and query i: the scores q·k/√d are off by at most
 * δ = (d + 2)·u·|q|·max|k|/√d (Cauchy–Schwarz bounds Σ|q·k| by the norms; max over the keys
 * the softmax sees). Scores off by δ change each probability by a factor within e^{±2δ}; the
 * exps add EXP_ULPS and their arguments s − max one rounding each (u·range of the scores),
 * the normalising sum (count + 2)·u. So a probability p is off by at most p·ρ with
 * ρ = 2.01·δ + (2·EXP_ULPS + count + 2 + 2·range)·u, and a context value Σ p·v by at most
 * (ρ + (count + 1)·u)·Σ p·|v|. Returns ρ per [b, h, i] and the keys each row sees.
 */
export function attentionRowErrors(q: Float32Array, k: Float32Array, mask: Uint8Array, sizes: AttentionSizes): Float64Array {
  const { batch, seq, heads, headSize } = sizes;
  const hidden = heads * headSize;
  const norm = (data: Float32Array, row: number, h: number): number => {
    let s = 0;
    for (let d = 0; d < headSize; d++) s += data[row * hidden + h * headSize + d] ** 2;
    return Math.sqrt(s);
  };
  const rho = new Float64Array(batch * heads * seq);
  for (let b = 0; b < batch; b++) {
    const real = Array.from({ length: seq }, (_, t) => t).filter((t) => mask[b * seq + t]);
    const keys = real.length > 0 ? real : Array.from({ length: seq }, (_, t) => t); // no real key: uniform
    for (let h = 0; h < heads; h++) {
      const largestKey = Math.max(...keys.map((t) => norm(k, b * seq + t, h)));
      for (let i = 0; i < seq; i++) {
        const qNorm = norm(q, b * seq + i, h);
        const range = 2 * qNorm * largestKey / Math.sqrt(headSize);
        const delta = (headSize + 2) * U * qNorm * largestKey / Math.sqrt(headSize);
        rho[(b * heads + h) * seq + i] = 2.01 * delta + (2 * EXP_ULPS + keys.length + 2 + 2 * range) * U;
      }
    }
  }
  return rho;
}

/** Bounds of the probabilities [batch, heads, seq, seq]: p·ρ of their row. */
export function attentionProbBounds(probs: Float32Array, rho: Float64Array, seq: number): Float64Array {
  return Float64Array.from(probs, (p, at) => p * rho[Math.floor(at / seq)]);
}

/**
 * Bounds of the context [batch·seq, heads·headSize]: (ρ + (count + 1)·u)·Σ p·|v|, where
 * `weightedAbs` is the reference attention's context with |v| as the values.
 */
export function attentionContextBounds(weightedAbs: Float32Array, rho: Float64Array, sizes: AttentionSizes): Float64Array {
  const { seq, heads, headSize } = sizes;
  const hidden = heads * headSize;
  return Float64Array.from(weightedAbs, (m, at) => {
    const row = Math.floor(at / hidden);
    const [b, i, h] = [Math.floor(row / seq), row % seq, Math.floor((at % hidden) / headSize)];
    return (rho[(b * heads + h) * seq + i] + (seq + 1) * U) * m;
  });
}
