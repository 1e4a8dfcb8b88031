// The kernel interface the model calls. The model says *what* to compute (a linear layer, a
// LayerNorm, attention, the SPLADE pooling); a backend says *how fast*. The reference CPU
// backend (src/tensor/reference/) is plain loops; the fast CPU backend (src/tensor/cpu/) and
// the gpu.js backend implement the same interface without touching model code. Users get one
// through createBackend (src/tensor/create-backend.ts).
//
// Conventions for every op:
// - Activations are row-major float32 `Tensor`s of shape [rows, features], where a row is one
//   token of the batch (rows = batch * seq). Inputs are never modified; each op returns a new
//   tensor (a backend may reuse buffers it owns, but never one it was given).
// - Weights are prepared once at load: `prepareLinear` receives PyTorch's [out, in] layout and
//   returns an opaque handle, so a backend can pack them into its own layout (transposed,
//   blocked, uploaded to a GPU).
// - Any op may return a promise (a GPU backend can only be asynchronous); the model awaits all.
// - Inputs are validated by the model before any kernel runs: kernels may assume shapes agree
//   and token ids are in range.
import type { BackendInfo } from './backend-options.js';
import type { CompactWeight } from './compact-weight.js';
import type { Tensor } from './tensor.js';

/** A value or a promise of it: what every backend op returns. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * An elementwise activation, fused after a linear layer or applied alone.
 * `gelu` is the exact form `x/2 · (1 + erf(x/√2))` (Hugging Face's `hidden_act: "gelu"`);
 * `gelu_tanh` is `x/2 · (1 + tanh(√(2/π)(x + 0.044715x³)))` (`gelu_new`, `gelu_pytorch_tanh`,
 * `gelu_fast`); `quick_gelu` is `x · sigmoid(1.702x)`; `silu` is `x · sigmoid(x)`.
 */
export type Activation = 'none' | 'gelu' | 'gelu_tanh' | 'quick_gelu' | 'relu' | 'silu';

/**
 * A linear layer's weights after `prepareLinear`: opaque to the model, which only reads its
 * sizes. Each backend keeps its own packed data behind it.
 */
export interface LinearHandle {
  /** The weight's Hugging Face name (e.g. `bert.encoder.layer.0.attention.self.query`). */
  readonly name: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
}

/**
 * Which rows of a [batch * seq, features] activation are real tokens. Sequences are padded
 * on the right to `seq`; `mask[b * seq + t]` is 1 for a real token and 0 for padding.
 */
export interface TokenLayout {
  readonly batch: number;
  readonly seq: number;
  readonly mask: Uint8Array;
}

/** The LayerNorm that follows a post-LN transformer's sublayer, over its output plus its input. */
export interface ResidualNorm {
  readonly gamma: Tensor;
  readonly beta: Tensor;
  readonly eps: number;
}

export interface AttentionOptions {
  readonly numHeads: number;
  /** Also return the attention probabilities [batch, heads, seq, seq] (for inspection). */
  readonly keepProbs: boolean;
}

/** The query, key and value projections of a self-attention layer (Backend.selfAttention). */
export interface SelfAttentionProjections {
  readonly query: LinearHandle;
  readonly key: LinearHandle;
  readonly value: LinearHandle;
}

export interface AttentionResult {
  /** The heads' weighted values merged back to [batch * seq, hidden]. */
  readonly context: Tensor;
  /** [batch, heads, seq, seq], only when `keepProbs` was asked. */
  readonly probs?: Tensor;
}

/** The kernels of a BERT forward pass and of SPLADE pooling. */
export interface Backend {
  /** A short name for logs and benchmarks ("cpu-reference", "wasm-simd", "gpu.js"). */
  readonly name: string;

  /** What runs, exactly (device, kernels, threads, gpu.js mode, notes on fallbacks). */
  readonly info: BackendInfo;

  /**
   * Optional: runs one forward pass (`fn`) in a scope. Device memory the backend allocates
   * inside (activations, masks) is released when `fn` settles, except what the caller keeps:
   * tensors handed out as views (`reshape`, captures, attention probabilities) are read back
   * to host memory first, so they stay readable; weights (`prepareLinear`) are never released
   * here. Backends whose memory is garbage-collected (the CPU ones) have no scope. Scopes may
   * nest: only the outermost releases. Call it through `runInScope`.
   */
  scope?<T>(fn: () => Promise<T>): Promise<T>;

  /** Releases what the backend holds beyond garbage-collected memory (worker threads, GPU memory). */
  dispose?(): void;

  /**
   * Optional: the caller will never read `tensor` again (an intermediate activation of a
   * forward pass that nothing captured or returned), so the backend may reuse its memory for a
   * later op's result. A tensor the backend did not make is ignored. The CPU backends pool
   * such buffers (activation-pool.ts): a pass then reuses its working set instead of leaving
   * hundreds of MiB of garbage for the collector.
   */
  release?(tensor: Tensor): void;

  /**
   * Prepares a linear layer once, at load: `weight` is [out, in] (PyTorch's layout), `bias`
   * is [out] or absent. The tensors may be zero-copy views of a checkpoint and must not be
   * modified.
   */
  prepareLinear(name: string, weight: Tensor, bias?: Tensor): MaybePromise<LinearHandle>;

  /**
   * Optional, on backends that compute on compact weights (float16, or int8 with per-row
   * scales; see compact-weight.ts): like `prepareLinear`, keeping the weight compact. Where it
   * is absent, the model widens the weight to float32 and calls `prepareLinear`.
   */
  prepareCompactLinear?(name: string, weight: CompactWeight, bias?: Tensor): MaybePromise<LinearHandle>;

  /**
   * Whether `prepareCompactLinear` copies the weight into memory of the backend's own, so that
   * the caller may reuse the weight's arrays once it returns (the loader then reads weight
   * after weight into one buffer). Absent means no.
   */
  readonly copiesCompactWeights?: boolean;

  /** `activation(x · Wᵀ + b)`: x [rows, in] -> [rows, out]. */
  linear(x: Tensor, layer: LinearHandle, activation?: Activation): MaybePromise<Tensor>;

  /**
   * Optional: `layers.map((layer) => linear(x, layer))` in one op, equal to those calls: the
   * projections of one input (BertSelfAttention's query, key and value), which a backend can
   * prepare once for all (int8 weights: the activations quantized once, not three times).
   */
  linears?(x: Tensor, layers: readonly LinearHandle[]): MaybePromise<Tensor[]>;

  /**
   * Optional: `linear(linear(x, up, activation), down)`, a transformer's feed-forward block
   * (BertIntermediate's multiply and activation, then BertOutput's multiply) in one op, and
   * with `norm` then `layerNorm(that, x, norm.gamma, norm.beta, norm.eps)` (BertOutput's
   * residual and LayerNorm): equal to those ops. Backends that work through the rows in
   * blocks then never hold the [rows, up.outFeatures] activation whole (12 MiB for 8 x 128
   * tokens of bert-base), nor copy it or the projection between ops.
   */
  feedForward?(x: Tensor, up: LinearHandle, down: LinearHandle, activation: Activation, norm?: ResidualNorm): MaybePromise<Tensor>;

  /**
   * Optional: `layerNorm(linear(x, layer), residual, norm.gamma, norm.beta, norm.eps)`, a
   * post-LN sublayer's output projection, residual add and LayerNorm (BertSelfOutput) in one
   * op, equal to those ops: a backend can keep the projection to itself.
   */
  linearNorm?(x: Tensor, layer: LinearHandle, residual: Tensor, norm: ResidualNorm): MaybePromise<Tensor>;

  /** An activation alone, elementwise. */
  activate(x: Tensor, activation: Activation): MaybePromise<Tensor>;

  /** Elementwise sum of two tensors of the same shape. */
  add(a: Tensor, b: Tensor): MaybePromise<Tensor>;

  /**
   * `LayerNorm(x + residual)` over the last dimension (the residual add fused; `residual`
   * null for a plain LayerNorm): x [rows, features], gamma and beta [features]. Uses the
   * biased variance, as PyTorch does.
   */
  layerNorm(x: Tensor, residual: Tensor | null, gamma: Tensor, beta: Tensor, eps: number): MaybePromise<Tensor>;

  /** Rows of `table` [n, features] picked by `ids`: -> [ids.length, features]. */
  gather(table: Tensor, ids: Int32Array): MaybePromise<Tensor>;

  /**
   * Optional, on backends that copy linear weights into memory of their own: `gather` over the
   * weight [out, in] of a prepared layer, read from that copy: -> [ids.length, in], the same
   * values `gather(weight, ids)` gives. BERT's word embeddings use it when the MLM decoder is
   * tied to them, so the table is not held twice. Ids must be in [0, out).
   */
  gatherLinearRows?(layer: LinearHandle, ids: Int32Array): MaybePromise<Tensor>;

  /**
   * Multi-head scaled dot-product attention with the padding mask: query, key and value are
   * [batch * seq, hidden] with the heads side by side (Hugging Face's layout before
   * `transpose_for_scores`). Scores `q·k/√headSize` of padding keys are excluded from the
   * softmax (as PyTorch's additive mask of the float minimum does); padding queries are
   * computed like real ones.
   */
  attention(query: Tensor, key: Tensor, value: Tensor, tokens: TokenLayout, options: AttentionOptions): MaybePromise<AttentionResult>;

  /**
   * Optional: BertSelfAttention in one op, equal to `linears(x, [query, key, value])` and then
   * `attention` of the three: a backend can keep the projections to itself (they never come
   * out, nor go back in). x [batch * seq, hidden] -> the context [batch * seq, hidden] and,
   * with `keepProbs`, the probabilities.
   */
  selfAttention?(x: Tensor, projections: SelfAttentionProjections, tokens: TokenLayout, options: AttentionOptions): MaybePromise<AttentionResult>;

  /**
   * SPLADE pooling fused with the vocabulary projection: for each sequence and each term v,
   * `max over real tokens t of log(1 + relu(hidden[t] · decoder[v] + bias[v]))`, 0 when no
   * token activates the term. hidden [batch * seq, hidden] (the MLM head's transformed
   * states) -> [batch, vocab]. Implementations work through the vocabulary in blocks and
   * never hold the whole [tokens, vocab] logits.
   */
  spladePool(hidden: Tensor, decoder: LinearHandle, tokens: TokenLayout): MaybePromise<Tensor>;
}

/** Runs `fn` in the backend's forward-pass scope when it has one (see Backend.scope). */
export function runInScope<T>(backend: Backend, fn: () => Promise<T>): Promise<T> {
  return backend.scope ? backend.scope(fn) : fn();
}

/** Releases a backend's resources (worker threads, GPU memory), when it has any. */
export function disposeBackend(backend: Backend): void {
  backend.dispose?.();
}
