// The kernels of the gpu.js backend, as gpu.js reads them: each function is turned into a
// shader (WebGL2), a WGSL compute shader (WebGPU) or a WebAssembly module by gpu.js, which
// parses the function's *source text*. So these bodies keep to what gpu.js translates:
// numbers, loops with constant bounds (`this.constants`), `Math.*`, no closures, no helper
// calls, no `Infinity`. Sizes arrive as constants, so each distinct shape compiles its own
// kernel (cached by the backend).
//
// Layout: a matrix [rows, cols] lives on the device as gpu.js output [cols, 1, rows] and is
// indexed `m[row][0][col]`; one thread computes one value, `this.thread.z` its row and
// `this.thread.x` its column. The middle dimension of 1 is what makes gpu.js pack the values
// into a near-square texture: a plain 2-D output [cols, rows] becomes a texture of exactly
// that size, and the vocabulary's 30,522 rows exceed WebGL's texture size limit (8,192 in
// SwiftShader). Vectors (biases, LayerNorm parameters) are [1, n]: `v[0][0][i]`.

/** What gpu.js gives a kernel as `this`. */
export interface KernelThis<Constants> {
  readonly thread: { readonly x: number; readonly y: number; readonly z: number };
  readonly constants: Constants;
}

/** Copies a host array onto the device (the input arrives as `input(data, [cols, rows])`). */
export function uploadKernel(this: KernelThis<Record<string, never>>, a: number[][][]): number {
  return a[this.thread.z][this.thread.y][this.thread.x];
}

/** x [rows, inF] · wᵀ ([out, inF]) + b [1, out] -> [rows, out]. */
export function linearKernel(this: KernelThis<{ inF: number }>, x: number[][][], w: number[][][], b: number[][][]): number {
  const row = this.thread.z;
  const col = this.thread.x;
  let sum = 0;
  for (let k = 0; k < this.constants.inF; k++) {
    sum += x[row][0][k] * w[col][0][k];
  }
  return sum + b[0][0][col];
}

/**
 * An activation, elementwise. `act`: 1 gelu (erf form; erf by Abramowitz & Stegun 7.1.26,
 * absolute error under 1.5e-7), 2 gelu_tanh, 3 quick_gelu, 4 relu, 5 silu.
 */
export function activateKernel(this: KernelThis<{ act: number }>, x: number[][][]): number {
  const v = x[this.thread.z][0][this.thread.x];
  const act = this.constants.act;
  if (act === 1) {
    const z = Math.abs(v) * 0.7071067811865476;
    const t = 1 / (1 + 0.3275911 * z);
    const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    let e = 1 - poly * Math.exp(-z * z);
    if (v < 0) e = -e;
    return 0.5 * v * (1 + e);
  }
  if (act === 2) {
    const u = 0.7978845608028654 * (v + 0.044715 * v * v * v);
    const th = 1 - 2 / (Math.exp(2 * u) + 1);
    return 0.5 * v * (1 + th);
  }
  if (act === 3) return v / (1 + Math.exp(-1.702 * v));
  if (act === 4) return Math.max(v, 0);
  if (act === 5) return v / (1 + Math.exp(-v));
  return v;
}

/** a + b, elementwise. */
export function addKernel(this: KernelThis<Record<string, never>>, a: number[][][], b: number[][][]): number {
  return a[this.thread.z][0][this.thread.x] + b[this.thread.z][0][this.thread.x];
}

/**
 * Per row of x (+ r when `residual` is 1): column 0 the mean, column 1 `1/sqrt(var + eps)`
 * with the biased variance, as PyTorch's LayerNorm. Output [rows, 2]. Two passes over the
 * row (mean, then squared deviations) for accuracy.
 */
export function layerNormStatsKernel(
  this: KernelThis<{ features: number; residual: number; eps: number }>,
  x: number[][][],
  r: number[][][],
): number {
  const row = this.thread.z;
  let mean = 0;
  for (let k = 0; k < this.constants.features; k++) {
    let v = x[row][0][k];
    if (this.constants.residual === 1) v += r[row][0][k];
    mean += v;
  }
  mean = mean / this.constants.features;
  if (this.thread.x === 0) return mean;
  let variance = 0;
  for (let k = 0; k < this.constants.features; k++) {
    let v = x[row][0][k];
    if (this.constants.residual === 1) v += r[row][0][k];
    variance += (v - mean) * (v - mean);
  }
  variance = variance / this.constants.features;
  return 1 / Math.sqrt(variance + this.constants.eps);
}

/** (x + r - mean) · rstd · gamma + beta, with the stats of layerNormStatsKernel. */
export function layerNormApplyKernel(
  this: KernelThis<{ residual: number }>,
  x: number[][][],
  r: number[][][],
  stats: number[][][],
  gamma: number[][][],
  beta: number[][][],
): number {
  const row = this.thread.z;
  const col = this.thread.x;
  let v = x[row][0][col];
  if (this.constants.residual === 1) v += r[row][0][col];
  return (v - stats[row][0][0]) * stats[row][0][1] * gamma[0][0][col] + beta[0][0][col];
}

/**
 * Attention scores `q·k / sqrt(headSize)` of every head, [batch * heads, seq (query i),
 * seq (key j)]: one dot product of headSize per thread.
 */
export function attentionScoresKernel(
  this: KernelThis<{ seq: number; heads: number; headSize: number; scale: number }>,
  q: number[][][],
  k: number[][][],
): number {
  const b = Math.floor(this.thread.z / this.constants.heads);
  const h = this.thread.z - b * this.constants.heads;
  const qRow = b * this.constants.seq + this.thread.y;
  const kRow = b * this.constants.seq + this.thread.x;
  const offset = h * this.constants.headSize;
  let dot = 0;
  for (let d = 0; d < this.constants.headSize; d++) {
    dot += q[qRow][0][offset + d] * k[kRow][0][offset + d];
  }
  return dot * this.constants.scale;
}

/**
 * The softmax of each row of scores over the real keys, [batch * heads, seq, seq]: padding
 * keys get 0. mask is [batch, seq] of 0/1; a sequence with no real token attends uniformly
 * (as PyTorch's additive mask does).
 */
export function attentionProbsKernel(
  this: KernelThis<{ seq: number; heads: number }>,
  scores: number[][][],
  mask: number[][][],
): number {
  const j = this.thread.x;
  const i = this.thread.y;
  const z = this.thread.z;
  const b = Math.floor(z / this.constants.heads);
  let realKeys = 0;
  for (let t = 0; t < this.constants.seq; t++) realKeys += mask[b][0][t];
  if (realKeys === 0) return 1 / this.constants.seq;
  if (mask[b][0][j] === 0) return 0;
  let max = -3.0e38;
  for (let t = 0; t < this.constants.seq; t++) {
    if (mask[b][0][t] === 1) max = Math.max(max, scores[z][i][t]);
  }
  let total = 0;
  for (let t = 0; t < this.constants.seq; t++) {
    if (mask[b][0][t] === 1) total += Math.exp(scores[z][i][t] - max);
  }
  return Math.exp(scores[z][i][j] - max) / total;
}

/** The heads' probability-weighted values, merged: [batch * seq, heads * headSize]. */
export function attentionContextKernel(
  this: KernelThis<{ seq: number; heads: number; headSize: number }>,
  probs: number[][][],
  v: number[][][],
): number {
  const col = this.thread.x;
  const row = this.thread.z;
  const b = Math.floor(row / this.constants.seq);
  const i = row - b * this.constants.seq;
  const h = Math.floor(col / this.constants.headSize);
  let sum = 0;
  for (let t = 0; t < this.constants.seq; t++) {
    sum += probs[b * this.constants.heads + h][i][t] * v[b * this.constants.seq + t][0][col];
  }
  return sum;
}

/**
 * SPLADE pooling fused with the vocabulary projection, [batch, vocab]: for term v of
 * sequence b, the largest logit `hidden[t] · w[v] + bias[v]` over real tokens t, then
 * log(1 + relu(·)) (monotone, so applying it to the maximum is the same). The
 * [tokens, vocab] logits exist only one at a time, inside a thread.
 */
export function spladePoolKernel(
  this: KernelThis<{ seq: number; hidden: number }>,
  hidden: number[][][],
  w: number[][][],
  bias: number[][][],
  mask: number[][][],
): number {
  const term = this.thread.x;
  const b = this.thread.z;
  let max = -3.0e38;
  for (let t = 0; t < this.constants.seq; t++) {
    if (mask[b][0][t] === 1) {
      let logit = bias[0][0][term];
      for (let d = 0; d < this.constants.hidden; d++) {
        logit += hidden[b * this.constants.seq + t][0][d] * w[term][0][d];
      }
      if (logit > max) max = logit;
    }
  }
  if (max <= 0) return 0;
  // log(1 + x) loses digits in float32 for small x: the series there.
  if (max < 0.0001) return max - 0.5 * max * max;
  return Math.log(1 + max);
}
