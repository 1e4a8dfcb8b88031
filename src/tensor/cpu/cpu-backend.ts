// The fast CPU backend: every matrix product (linear layers, attention's two products per
// head, the MLM vocabulary projection) goes through a packed-panel GemmEngine (WebAssembly
// SIMD with threads, or the pure TypeScript fallback); on WebAssembly, attention and LayerNorm
// run in its kernels too, split over the threads; the other elementwise ops reuse the
// reference backend's loops. Fusions: bias + activation in the matmul epilogue, residual +
// LayerNorm (one pass), the vocabulary projection with SPLADE max pooling in column blocks
// (the [tokens, vocab] logits are never whole), attention over real keys only (cpu-attention.ts).
import type { BackendInfo } from '../backend-options.js';
import type {
  Activation, AttentionOptions, AttentionResult, Backend, LinearHandle, ResidualNorm, SelfAttentionProjections, TokenLayout,
} from '../backend.js';
import { ReferenceBackend, linearSizes } from '../reference/reference-backend.js';
import type { CompactWeight } from '../compact-weight.js';
import type { CompactGemm, CompactMatrix, NormArgs } from '../gemm/compact-gemm.js';
import { compactGemmFor } from '../gemm/compact-engines.js';
import type { GemmEngine, MatmulArgs, PackedMatrix } from '../gemm/gemm.js';
import { WasmGemm } from '../gemm/wasm-gemm.js';
import { PanelMatrix } from '../gemm/wasm-operands.js';
import { attentionResult, CpuAttention, probsFor, type ProjectionTriple } from './cpu-attention.js';
import { Tensor } from '../tensor.js';

/** A linear layer packed by this backend's engine. */
export class PackedLinear implements LinearHandle {
  constructor(
    readonly name: string,
    readonly packed: PackedMatrix,
    readonly bias: Float32Array | undefined,
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly owner: GemmEngine,
  ) {}
}

/** A linear layer whose weight stays compact (float16 or int8), prepared by the backend's CompactGemm. */
export class CompactLinear implements LinearHandle {
  constructor(
    readonly name: string,
    readonly packed: CompactMatrix,
    readonly bias: Float32Array | undefined,
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly owner: CompactGemm,
    readonly kind: CompactWeight['kind'],
  ) {}
}

/**
 * Most WebAssembly scratch one op takes at once (bytes), per thread: a longer batch goes
 * through in blocks (rows of a linear layer or a LayerNorm, sequences of attention, columns
 * of the vocabulary projection). WebAssembly memory only grows, so the largest block of a
 * forward pass stays resident: with 2 threads, 4 MiB (a bert-base sequence of 128 tokens in
 * attention, 256 rows of the 3072-wide intermediate), where 8 x 128 tokens at once took
 * 9-18 MiB (issue 13's memory targets). More threads get larger blocks, so that one hand-off
 * still gives each of them work (attention: 12 head tasks a sequence).
 */
const SCRATCH_BYTES_PER_THREAD = 2 << 20;

/** The default scratch budget of one op with `threads` threads (see SCRATCH_BYTES_PER_THREAD). */
function scratchBudget(threads: number): number {
  return Math.max(2, threads) * SCRATCH_BYTES_PER_THREAD;
}

/**
 * Rows a block when `rows` rows of `floatsPerRow` floats go through within `bytes`: blocks of
 * equal size, a multiple of 8 rows (whole register tiles). Each row's result is the same
 * whatever the blocks.
 */
function rowsPerBlock(rows: number, floatsPerRow: number, bytes: number): number {
  const blocks = Math.max(1, Math.ceil((rows * floatsPerRow * 4) / bytes));
  return Math.max(8, Math.ceil(rows / blocks / 8) * 8);
}

function columns(x: Tensor): number {
  return x.shape[x.shape.length - 1];
}

/**
 * The reference backend with its matrix products replaced: the elementwise ops (activations,
 * add, LayerNorm, gather) are cheap and stay the reference's loops.
 */
export class CpuBackend extends ReferenceBackend implements Backend {
  override readonly name: string;
  private readonly constructedInfo: BackendInfo;

  /** Present when the engine packs weights into memory of its own (see Backend.gatherLinearRows). */
  readonly gatherLinearRows?: (layer: LinearHandle, ids: Int32Array) => Tensor;

  /** The engine of float16 and int8 weights (see prepareCompactLinear). */
  readonly compact: CompactGemm;

  /** Whether the compact engine packs weights into its own memory (see Backend.copiesCompactWeights). */
  readonly copiesCompactWeights: boolean;

  /** Most scratch bytes one op takes at once (see SCRATCH_BYTES_PER_THREAD). */
  private readonly scratchBytes: number;

  /** Attention on this backend's engine. */
  private readonly attender: CpuAttention;

  /**
   * `scratchBytes`: most bytes of rows one linear layer, feed-forward block or LayerNorm takes
   * at once (default: SCRATCH_BYTES_PER_THREAD a thread, at least two threads' worth);
   * `poolBlockFloats`: most logits spladePool holds at once (default: half of scratchBytes);
   * `attentionBlockBytes`: most scratch one hand-off of attention heads uses (default
   * scratchBytes; at least one sequence's heads go in each);
   * `notes`: what `info.notes` says (why these kernels or this thread count; see BackendInfo);
   * `compact`: the engine for compact weights (default: the one matching `engine`).
   */
  constructor(
    readonly engine: GemmEngine,
    private readonly options: {
      scratchBytes?: number; poolBlockFloats?: number; attentionBlockBytes?: number; notes?: readonly string[]; compact?: CompactGemm;
    } = {},
  ) {
    super(options.notes);
    this.scratchBytes = options.scratchBytes ?? scratchBudget(engine.threads);
    this.attender = new CpuAttention(engine, options.attentionBlockBytes ?? this.scratchBytes);
    this.name = `cpu-${engine.name}${engine.threads > 1 ? ` x${engine.threads}` : ''}`;
    const kernels = engine.name === 'wasm-simd' ? 'wasm-simd' : engine.name === 'typescript' ? 'typescript' : 'reference';
    this.constructedInfo = { backend: 'cpu', kernels, threads: engine.threads, name: this.name, notes: this.notes };
    this.compact = options.compact ?? compactGemmFor(engine);
    this.copiesCompactWeights = this.compact.copiesWeights;
    if (engine.readRows) this.gatherLinearRows = (layer, ids) => this.gatherPacked(layer, ids);
  }

  /** What runs, as constructed (the engine's threads are attached before; dispose does not change it). */
  override get info(): BackendInfo {
    return this.constructedInfo;
  }

  private gatherPacked(layer: LinearHandle, ids: Int32Array): Tensor {
    const l = this.own(layer);
    for (const id of ids) {
      if (!(id >= 0 && id < l.outFeatures)) throw new RangeError(`${l.name}: row ${id} outside [0, ${l.outFeatures})`);
    }
    const out = this.allocate(ids.length * l.inFeatures);
    if (l instanceof CompactLinear) this.compact.readRows(l.packed, ids, out);
    else this.engine.readRows!(l.packed, ids, out);
    return new Tensor([ids.length, l.inFeatures], out);
  }

  private own(layer: LinearHandle): PackedLinear | CompactLinear {
    if (layer instanceof CompactLinear && layer.owner === this.compact) return layer;
    if (!(layer instanceof PackedLinear) || layer.owner !== this.engine) {
      throw new TypeError(`${layer.name}: linear layer was prepared by another backend`);
    }
    return layer;
  }

  /** Keeps the weight compact: float16 or int8 in the compact engine's memory. */
  prepareCompactLinear(name: string, weight: CompactWeight, bias?: Tensor): LinearHandle {
    if (bias && bias.size !== weight.n) throw new TypeError(`${name}: bias has ${bias.size} values for ${weight.n} outputs`);
    return new CompactLinear(name, this.compact.pack(weight), bias?.data.slice(), weight.k, weight.n, this.compact, weight.kind);
  }

  override prepareLinear(name: string, weight: Tensor, bias?: Tensor): LinearHandle {
    const [outF, inF] = linearSizes(name, weight, bias);
    const packed = this.engine.packNK(weight.data, outF, inF);
    return new PackedLinear(name, packed, bias?.data.slice(), inF, outF, this.engine);
  }

  override linear(x: Tensor, layer: LinearHandle, activation: Activation = 'none'): Tensor {
    const l = this.own(layer);
    const rows = x.size / l.inFeatures;
    const out = this.allocate(rows * l.outFeatures);
    const block = this.rowsPerBlockOf(rows, [l], l.inFeatures + l.outFeatures);
    for (let start = 0; start < rows; start += block) {
      this.multiplyRows(l, x.data, start * l.inFeatures, out, start * l.outFeatures, Math.min(block, rows - start), activation);
    }
    return new Tensor([rows, l.outFeatures], out);
  }

  /**
   * Several projections of one input (see Backend.linears): int8 weights of one shape are
   * multiplied a row block at a time from activations quantized once (matmulEach), with
   * `linear`'s row blocks, so each result is exactly what `linear` gives; other weights go
   * through `linear` one by one.
   */
  linears(x: Tensor, layers: readonly LinearHandle[]): Tensor[] {
    const ls = layers.map((layer) => this.own(layer));
    const [first] = ls;
    const rows = x.size / first.inFeatures;
    const block = this.rowsPerBlockOf(rows, [first], first.inFeatures + first.outFeatures);
    return this.compactLinearsInBlocks(x, ls, block) ?? ls.map((l) => this.linear(x, l));
  }

  /**
   * `linears` of compact weights of one shape by matmulEach, `block` rows at a time (int8
   * activations are quantized, outlier columns chosen, per block); undefined, having done
   * nothing, where the weights are not such or the engine has no matmulEach for them.
   */
  private compactLinearsInBlocks(x: Tensor, ls: ReadonlyArray<PackedLinear | CompactLinear>, block: number): Tensor[] | undefined {
    const [first] = ls;
    const compact = this.compact;
    const shared = first instanceof CompactLinear && compact.matmulEach !== undefined
      && ls.every((l) => l instanceof CompactLinear && l.inFeatures === first.inFeatures && l.outFeatures === first.outFeatures);
    if (!shared) return undefined;
    const rows = x.size / first.inFeatures;
    const outs = ls.map((l) => this.allocate(rows * l.outFeatures));
    for (let start = 0; start < rows; start += block) {
      const m = Math.min(block, rows - start);
      this.engine.beginOperation();
      const each = ls.map((l, i) => ({ b: (l as CompactLinear).packed, bias: l.bias, out: outs[i], outOffset: start * l.outFeatures }));
      // It fits or not by the layers alone: a false comes at the first block, before any output.
      if (!compact.matmulEach!({ m, a: x.data, aOffset: start * first.inFeatures }, each)) {
        for (const out of outs) this.activations.give(out);
        return undefined;
      }
    }
    return outs.map((out, i) => new Tensor([rows, ls[i].outFeatures], out));
  }

  /**
   * The projection, residual and LayerNorm of a post-LN sublayer (see Backend.linearNorm): on
   * the WebAssembly engines (float32, or int8 weights) in one step a row block, the projection
   * normalized where it lies (matmulNorm); elsewhere `linear`, then `layerNorm`. Compact
   * weights take linear's row blocks, whose int8 quantization (outlier columns chosen per
   * block) it must repeat to give the same numbers; float32 ones a block a third smaller,
   * for the residual's scratch.
   */
  linearNorm(x: Tensor, layer: LinearHandle, residual: Tensor, norm: ResidualNorm): Tensor {
    const l = this.own(layer);
    const rows = x.size / l.inFeatures;
    if (residual.size !== rows * l.outFeatures) throw new TypeError(`${l.name}: residual of ${residual.size} values for ${rows} x ${l.outFeatures}`);
    const fused = this.fusedLinearNorm(l, residual.data, { gamma: norm.gamma.data, beta: norm.beta.data, eps: norm.eps });
    if (fused) {
      const out = this.allocate(rows * l.outFeatures);
      const block = this.rowsPerBlockOf(rows, [l], l.inFeatures + (l instanceof CompactLinear ? 1 : 2) * l.outFeatures);
      let done = true;
      for (let start = 0; start < rows && done; start += block) {
        const m = Math.min(block, rows - start);
        this.engine.beginOperation();
        // It fits or not by the layer alone: a false comes at the first block, before any output.
        done = fused({ m, a: x.data, aOffset: start * l.inFeatures, bias: l.bias, out, outOffset: start * l.outFeatures });
      }
      if (done) return new Tensor([rows, l.outFeatures], out);
      this.activations.give(out);
    }
    return this.normalizeOnto(this.linear(x, layer), residual, norm);
  }

  /**
   * The engine's one-step projection + residual + LayerNorm for this layer's weights (float32
   * on WebAssembly, or compact where the compact engine has it), residual rows at the output's
   * offsets; undefined where there is none.
   */
  private fusedLinearNorm(
    l: PackedLinear | CompactLinear, residual: Float32Array, norm: NormArgs,
  ): ((args: Omit<MatmulArgs, 'b'>) => boolean) | undefined {
    const engine = this.engine;
    if (l instanceof PackedLinear) {
      return engine instanceof WasmGemm ? (args) => engine.matmulNorm({ ...args, b: l.packed }, residual, args.outOffset ?? 0, norm) : undefined;
    }
    const compact = this.compact;
    return compact.matmulNorm ? (args) => compact.matmulNorm!({ ...args, b: l.packed }, residual, args.outOffset ?? 0, norm) : undefined;
  }

  /** layerNorm(projected + residual), `projected` (this backend's own result) then released. */
  private normalizeOnto(projected: Tensor, residual: Tensor, norm: ResidualNorm): Tensor {
    const normalized = this.layerNorm(projected, residual, norm.gamma, norm.beta, norm.eps);
    this.release(projected);
    return normalized;
  }

  /**
   * Both multiplies of the feed-forward block a row block at a time (see Backend.feedForward).
   * The blocks are those `linear` takes for either layer when the two mirror each other (hidden
   * -> intermediate -> hidden, as in every BERT), so the results are the same: exactly, for
   * int8 too, whose activation quantization (outlier columns included) is per block.
   */
  feedForward(x: Tensor, up: LinearHandle, down: LinearHandle, activation: Activation, norm?: ResidualNorm): Tensor {
    const u = this.own(up);
    const d = this.own(down);
    if (d.inFeatures !== u.outFeatures) throw new TypeError(`${d.name}: takes ${d.inFeatures} features, ${u.name} gives ${u.outFeatures}`);
    if (norm && d.outFeatures !== u.inFeatures) throw new TypeError(`${d.name}: gives ${d.outFeatures} features, no residual of ${u.inFeatures}`);
    const rows = x.size / u.inFeatures;
    const out = this.allocate(rows * d.outFeatures);
    const block = this.rowsPerBlockOf(rows, [u, d], u.inFeatures + u.outFeatures, d.inFeatures + d.outFeatures);
    if (this.feedForwardInMemory(u, d, x.data, out, rows, block, activation, norm)) return new Tensor([rows, d.outFeatures], out);
    const { view: middle, owner } = this.activations.takeScratch(Math.min(block, rows) * u.outFeatures);
    for (let start = 0; start < rows; start += block) {
      const m = Math.min(block, rows - start);
      this.multiplyRows(u, x.data, start * u.inFeatures, middle, 0, m, activation);
      this.multiplyRows(d, middle, 0, out, start * d.outFeatures, m, 'none');
    }
    this.activations.give(owner);
    const projected = new Tensor([rows, d.outFeatures], out);
    return norm ? this.normalizeOnto(projected, x, norm) : projected;
  }

  /**
   * feedForward on the WebAssembly engines (float32, or int8 weights), each block's
   * intermediate (and projection, before its LayerNorm) left in their memory between the steps
   * (WasmGemm / WasmCompactGemm.matmulChained): no copy out and back in on the calling thread. False, having
   * done nothing, where that does not fit.
   */
  private feedForwardInMemory(
    u: PackedLinear | CompactLinear, d: PackedLinear | CompactLinear, x: Float32Array, out: Float32Array, rows: number, block: number,
    activation: Activation, norm: ResidualNorm | undefined,
  ): boolean {
    const chained = this.chainedFeedForward(u, d);
    if (!chained) return false;
    const normData = norm && { gamma: norm.gamma.data, beta: norm.beta.data, eps: norm.eps };
    for (let start = 0; start < rows; start += block) {
      const m = Math.min(block, rows - start);
      this.engine.beginOperation();
      const args = { m, a: x, aOffset: start * u.inFeatures, bias: u.bias, epilogue: activation, out, outOffset: start * d.outFeatures };
      // Either every block chains or none does (it depends on the layers alone), so a false here is before any output.
      if (!chained(args, d.bias, normData)) return false;
    }
    return true;
  }

  /** The engine's chained feed-forward for these layers' weights (both float32, or both compact), if it has one. */
  private chainedFeedForward(
    u: PackedLinear | CompactLinear, d: PackedLinear | CompactLinear,
  ): ((args: Omit<MatmulArgs, 'b'>, bias: Float32Array | undefined, norm: NormArgs | undefined) => boolean) | undefined {
    const engine = this.engine;
    if (u instanceof PackedLinear && d instanceof PackedLinear) {
      return engine instanceof WasmGemm ? (args, bias, norm) => engine.matmulChained({ ...args, b: u.packed }, { b: d.packed, bias }, norm) : undefined;
    }
    const compact = this.compact;
    if (!(u instanceof CompactLinear && d instanceof CompactLinear) || !compact.matmulChained) return undefined;
    return (args, bias, norm) => compact.matmulChained!({ ...args, b: u.packed }, { b: d.packed, bias }, norm);
  }

  /**
   * Rows per block of multiplies by `layers` over `rows` rows, each taking `floatsPerRow` of
   * scratch a row (input plus output). float16 weights go in one block where the engine widens
   * all of them on each multiply (CompactGemm.widensF16Whole): every further block would widen
   * them again.
   */
  private rowsPerBlockOf(rows: number, layers: ReadonlyArray<PackedLinear | CompactLinear>, ...floatsPerRow: number[]): number {
    const widensWhole = this.compact.widensF16Whole && layers.some((l) => l instanceof CompactLinear && l.kind === 'f16');
    if (widensWhole) return Math.max(rows, 1);
    return rowsPerBlock(rows, Math.max(...floatsPerRow), this.scratchBytes);
  }

  /** `m` rows of `activation(x · Wᵀ + b)`: x's from element `aOffset` on, into out's from `outOffset` on. */
  private multiplyRows(
    l: PackedLinear | CompactLinear, x: Float32Array, aOffset: number, out: Float32Array, outOffset: number, m: number, activation: Activation,
  ): void {
    const args = { m, a: x, aOffset, out, outOffset, bias: l.bias, epilogue: activation };
    this.engine.beginOperation();
    if (l instanceof CompactLinear) this.compact.matmul({ ...args, b: l.packed });
    else this.engine.matmul({ ...args, b: l.packed });
  }

  override layerNorm(x: Tensor, residual: Tensor | null, gamma: Tensor, beta: Tensor, eps: number): Tensor {
    const features = columns(x);
    if (!(this.engine instanceof WasmGemm) || features % 4 !== 0) return super.layerNorm(x, residual, gamma, beta, eps);
    const out = this.allocate(x.size);
    const rows = x.size / features;
    // Rows of x and the residual in scratch at once.
    const block = rowsPerBlock(rows, 2 * features, this.scratchBytes);
    for (let start = 0; start < rows; start += block) {
      const [from, to] = [start * features, Math.min(start + block, rows) * features];
      // A new operation: the scratch of the one before (a linear layer's result tiles) is free.
      this.engine.beginOperation();
      this.engine.layerNorm({
        x: x.data.subarray(from, to), residual: residual?.data.subarray(from, to) ?? null, gamma: gamma.data, beta: beta.data, features, eps,
        out: out.subarray(from, to),
      });
    }
    return new Tensor(x.shape, out);
  }

  override attention(query: Tensor, key: Tensor, value: Tensor, tokens: TokenLayout, options: AttentionOptions): AttentionResult {
    const context = this.allocate(query.size);
    const probs = probsFor(tokens, options);
    this.attender.attend({ query: query.data, key: key.data, value: value.data }, tokens, options, context, probs);
    return attentionResult(context, probs, tokens, options.numHeads);
  }

  /**
   * BertSelfAttention in one op (see Backend.selfAttention). On WebAssembly, with float32
   * projections of hidden x hidden and at least one real token in every sequence, the input
   * rows go into the engine's memory once and Q, K and V are projected and attended there
   * (CpuAttention.attendProjected). Q, K and V coming out of the projections and going back into
   * attention were copies on the calling thread alone: D's serial time fell 0.53 -> 0.32 s
   * (bench/RESULTS.md). Elsewhere `linears`, then `attention`.
   */
  selfAttention(x: Tensor, projections: SelfAttentionProjections, tokens: TokenLayout, options: AttentionOptions): AttentionResult {
    const layers = [projections.query, projections.key, projections.value].map((layer) => this.own(layer));
    const hidden = columns(x);
    const triple = this.floatProjections(layers);
    const plan = triple && this.attender.projectedPlan(triple, hidden, tokens, options);
    if (!plan) {
      // Compact projections take blocks of whole sequences, in place or not, so that int8's
      // per-block quantization gives the same numbers either way.
      const block = this.sequenceBlock(tokens, layers[0]);
      const compact = this.compactSelfAttention(x, layers, tokens, options, block);
      if (compact) return compact;
      const [q, k, v] = this.compactLinearsInBlocks(x, layers, block) ?? this.linears(x, layers);
      const result = this.attention(q, k, v, tokens, options);
      for (const t of [q, k, v]) this.release(t);
      return result;
    }
    const context = this.allocate(x.size);
    const probs = probsFor(tokens, options);
    // Blocks of at least the rows a linear layer takes at once (unless attentionBlockBytes says
    // otherwise): the projections are multiplies too, and 128-row ones (one sequence a block)
    // read the weights 5x as often: D was 12 % slower.
    const rows = tokens.batch * tokens.seq;
    const minRows = this.options.attentionBlockBytes === undefined ? rowsPerBlock(rows, 2 * hidden, this.scratchBytes) : 0;
    this.attender.attendProjected(plan, x.data, tokens, options, minRows, context, probs);
    return attentionResult(context, probs, tokens, options.numHeads);
  }

  /**
   * Rows a block of a self-attention layer's compact projections: whole sequences, about the
   * rows `linears` takes at once (at least one sequence).
   */
  private sequenceBlock(tokens: TokenLayout, query: PackedLinear | CompactLinear): number {
    const block = this.rowsPerBlockOf(tokens.batch * tokens.seq, [query], query.inFeatures + query.outFeatures);
    return Math.max(1, Math.floor(block / tokens.seq)) * tokens.seq;
  }

  /**
   * selfAttention with compact projections made and attended in the WebAssembly engine's
   * memory (CompactGemm.attendProjected), `block` rows (whole sequences) at a time. For int8
   * this saves the six copies of [rows, hidden] that `linears` then `attention` make on the
   * calling thread (int8 D, 2 threads: serial 0.80 -> 0.51 s, 8.39 -> 7.98 s; Q 33.0 -> 31.2 ms,
   * bench/RESULTS.md). Undefined, having done nothing, where it does not fit.
   */
  private compactSelfAttention(
    x: Tensor, layers: ReadonlyArray<PackedLinear | CompactLinear>, tokens: TokenLayout, options: AttentionOptions, block: number,
  ): AttentionResult | undefined {
    const compact = this.compact;
    const [query, key, value] = layers;
    if (!compact.attendProjected || !(query instanceof CompactLinear && key instanceof CompactLinear && value instanceof CompactLinear)) return undefined;
    const context = this.allocate(x.size);
    const probs = probsFor(tokens, options);
    const projected = { x: x.data, query: { b: query.packed, bias: query.bias }, key: { b: key.packed, bias: key.bias }, value: { b: value.packed, bias: value.bias } };
    const done = this.attender.attendProjectedInRowBlocks(
      (shape, keep) => compact.attendProjected!({ ...shape, ...projected }, context, keep), columns(x), tokens, options, block, probs,
    );
    if (done) return attentionResult(context, probs, tokens, options.numHeads);
    this.activations.give(context);
    return undefined;
  }

  /** The three projections as float32 panels with their biases, when all three are. */
  private floatProjections(layers: ReadonlyArray<PackedLinear | CompactLinear>): ProjectionTriple | undefined {
    const [query, key, value] = layers.map((l) => (l instanceof PackedLinear && l.packed instanceof PanelMatrix ? { b: l.packed, bias: l.bias } : undefined));
    return query && key && value ? { query, key, value } : undefined;
  }

  override spladePool(hidden: Tensor, decoder: LinearHandle, tokens: TokenLayout): Tensor {
    const d = this.own(decoder);
    const { batch, seq, mask } = tokens;
    const width = d.inFeatures;
    const vocab = d.outFeatures;
    const out = new Float32Array(batch * vocab);
    // The real tokens' rows, side by side, and where each sequence's rows start.
    const starts = [0];
    const rows: number[] = [];
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < seq; t++) if (mask[b * seq + t] === 1) rows.push(b * seq + t);
      starts.push(rows.length);
    }
    if (rows.length === 0) return new Tensor([batch, vocab], out);
    // Without padding the real rows are the hidden states as they are.
    const copied = rows.length < batch * seq ? this.allocate(rows.length * width) : undefined;
    if (copied) rows.forEach((r, i) => copied.set(hidden.data.subarray(r * width, (r + 1) * width), i * width));
    const real = copied ?? hidden.data;
    // Float32 decoders take the threaded in-memory path; compact (f16/int8) ones the block loop below.
    if (this.engine instanceof WasmGemm && !(d instanceof CompactLinear)) {
      this.spladePoolInMemory(this.engine, real, rows.length, starts, d, batch, out);
      if (copied) this.activations.give(copied);
      return new Tensor([batch, vocab], out);
    }

    const block = this.poolBlock(rows.length, d instanceof CompactLinear ? this.compact.columnAlign : this.engine.columnAlign);
    // int8 on WebAssembly: the rows quantized once, each block pooled by the threads that computed it.
    const args = { m: rows.length, a: real, bias: d.bias };
    if (d instanceof CompactLinear && this.compact.maxPooledProduct?.({ ...args, b: d.packed }, Int32Array.from(starts), block, out)) {
      for (let i = 0; i < out.length; i++) out[i] = spladeWeight(out[i]);
      if (copied) this.activations.give(copied);
      return new Tensor([batch, vocab], out);
    }
    // Scratch of this op alone: an idle activation buffer when one is long enough.
    const { view: logits, owner: logitsBuffer } = this.activations.takeScratch(rows.length * Math.min(block, vocab));
    for (let v0 = 0; v0 < vocab; v0 += block) {
      const count = Math.min(block, vocab - v0);
      this.engine.beginOperation();
      const bias = d.bias?.subarray(v0, v0 + count);
      if (d instanceof CompactLinear) {
        this.compact.matmul({ ...args, b: this.compact.columns(d.packed, v0, count), out: logits, bias });
      } else {
        this.engine.matmul({ ...args, b: this.engine.columns(d.packed, v0, count), out: logits, bias });
      }
      for (let b = 0; b < batch; b++) maxPoolBlock(logits, starts[b], starts[b + 1], count, out, b * vocab + v0);
    }
    this.activations.give(logitsBuffer);
    if (copied) this.activations.give(copied);
    return new Tensor([batch, vocab], out);
  }

  /** Vocabulary columns per block of the pooling over `rows` rows: a multiple of `align` within poolBlockFloats. */
  private poolBlock(rows: number, align: number): number {
    const budget = this.options.poolBlockFloats ?? this.scratchBytes / 8;
    return Math.max(align, Math.floor(budget / rows / align) * align);
  }

  /**
   * spladePool on the WebAssembly engine: the real rows placed in its memory once, then per
   * vocabulary block one hand-off in which every thread multiplies and max-pools its own
   * columns (gemm_pool); only log(1 + x) of the [batch, vocab] result runs here.
   */
  private spladePoolInMemory(
    engine: WasmGemm, real: Float32Array, count: number, starts: number[], d: PackedLinear, batch: number, out: Float32Array,
  ): void {
    const vocab = d.outFeatures;
    const align = engine.columnAlign;
    const paddedVocab = Math.ceil(vocab / align) * align;
    engine.beginOperation();
    const a = engine.placeRows(real, 0, d.inFeatures, count, d.inFeatures);
    const startsPtr = engine.arena.allocScratch(starts.length * 4);
    engine.arena.i32(startsPtr, starts.length).set(starts);
    const pooledPtr = engine.arena.allocScratch(batch * paddedVocab * 4);
    const block = this.poolBlock(count, align);
    for (let v0 = 0; v0 < vocab; v0 += block) {
      const width = Math.min(block, vocab - v0);
      engine.multiplyPooled(count, a, engine.columns(d.packed, v0, width), d.bias?.subarray(v0, v0 + width), {
        starts: startsPtr, batch, out: pooledPtr + v0 * 4, outStrideBytes: paddedVocab * 4,
      });
    }
    const pooled = engine.arena.f32(pooledPtr, batch * paddedVocab);
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < vocab; j++) {
        out[b * vocab + j] = spladeWeight(pooled[b * paddedVocab + j]);
      }
    }
  }

  /** Stops the engine's worker threads. */
  dispose(): void {
    this.activations.clear();
    this.engine.dispose();
  }
}

/** SPLADE's term weight from a max-pooled logit: log(1 + ReLU(x)). */
function spladeWeight(max: number): number {
  return max > 0 ? Math.log1p(max) : 0;
}

/** out[at + j] = log(1 + relu(max over rows [from, to) of logits[row, j])), 0 without rows. */
function maxPoolBlock(logits: Float32Array, from: number, to: number, count: number, out: Float32Array, at: number): void {
  const max = out.subarray(at, at + count);
  max.fill(-Infinity);
  // Row by row, so the logits are read in memory order.
  for (let r = from; r < to; r++) {
    const row = r * count;
    for (let j = 0; j < count; j++) {
      const v = logits[row + j];
      if (v > max[j]) max[j] = v;
    }
  }
  for (let j = 0; j < count; j++) max[j] = spladeWeight(max[j]);
}
