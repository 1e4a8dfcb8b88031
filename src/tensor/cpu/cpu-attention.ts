// Attention on the CPU backend's engines: every query of a sequence against its real
// (unmasked) keys only, padding keys having probability 0 as PyTorch's additive mask gives
// them. On the WebAssembly engine the heads of a block of sequences run in its memory, split
// over the threads (WasmAttention.attend; with the projections too, WasmAttention.attendProjected);
// elsewhere, or for a sequence without a single real token, one sequence at a time through
// the engine's matmul.
import type { AttentionOptions, AttentionResult, TokenLayout } from '../backend.js';
import type { GemmEngine } from '../gemm/gemm.js';
import type { AttentionProjection, AttentionSequence, AttentionShape, KeepProbs } from '../gemm/wasm-attention.js';
import { WasmGemm } from '../gemm/wasm-gemm.js';
import { Tensor } from '../tensor.js';

/** Sizes of one attention layer. */
interface AttentionSizes {
  readonly seq: number;
  readonly hidden: number;
  readonly numHeads: number;
  readonly headSize: number;
}

/** A layer's Q, K and V rows, [batch * seq, hidden] each. */
export interface AttentionInputs {
  readonly query: Float32Array;
  readonly key: Float32Array;
  readonly value: Float32Array;
}

/** A self-attention layer's three projections, as WasmAttention.attendProjected takes them. */
export interface ProjectionTriple {
  readonly query: AttentionProjection;
  readonly key: AttentionProjection;
  readonly value: AttentionProjection;
}

/** What `CpuAttention.projectedPlan` found: the engine, the batch's sequences and the projections. */
export interface ProjectedPlan {
  readonly engine: WasmGemm;
  readonly sequences: readonly AttentionSequence[];
  readonly projections: ProjectionTriple;
}

/** Sequence `b` of a batch and the positions of its real (unmasked) tokens. */
function realKeys(mask: Uint8Array, b: number, seq: number): AttentionSequence {
  const keys: number[] = [];
  for (let t = 0; t < seq; t++) if (mask[b * seq + t] === 1) keys.push(t);
  return { b, keys };
}

/** Every sequence of the batch with its real keys. */
function sequencesOf(tokens: TokenLayout): AttentionSequence[] {
  return Array.from({ length: tokens.batch }, (_, b) => realKeys(tokens.mask, b, tokens.seq));
}

/** Rows first + keys[j] of a [rows, width] array, side by side. */
function gatherRows(x: Float32Array, first: number, keys: readonly number[], width: number): Float32Array {
  const rows = new Float32Array(keys.length * width);
  keys.forEach((t, j) => rows.set(x.subarray((first + t) * width, (first + t + 1) * width), j * width));
  return rows;
}

/** Writes a head's [seq, count] probabilities (rows `stride` apart) into its [seq, seq] block at `at`, at the real keys' columns. */
function scatterProbs(probs: Float32Array, at: number, seq: number, keys: readonly number[], scores: Float32Array, stride: number): void {
  for (let i = 0; i < seq; i++) {
    const row = at + i * seq;
    for (let j = 0; j < keys.length; j++) probs[row + keys[j]] = scores[i * stride + j];
  }
}

/** In-place softmax of each row of a [rows, cols] block. */
function softmaxRows(x: Float32Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const at = i * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (x[at + j] > max) max = x[at + j];
    let total = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(x[at + j] - max);
      x[at + j] = e;
      total += e;
    }
    const inv = 1 / total;
    for (let j = 0; j < cols; j++) x[at + j] *= inv;
  }
}

/** The op's result: the context [batch * seq, hidden], and the probabilities [batch, heads, seq, seq] when kept. */
export function attentionResult(context: Float32Array, probs: Float32Array | null, tokens: TokenLayout, numHeads: number): AttentionResult {
  const { batch, seq } = tokens;
  return {
    context: new Tensor([batch * seq, context.length / (batch * seq)], context),
    ...(probs ? { probs: new Tensor([batch, numHeads, seq, seq], probs) } : {}),
  };
}

/** The probabilities' array when the caller keeps them, else null. */
export function probsFor(tokens: TokenLayout, options: AttentionOptions): Float32Array | null {
  return options.keepProbs ? new Float32Array(tokens.batch * options.numHeads * tokens.seq * tokens.seq) : null;
}

/**
 * Attention on one engine. `blockBytes`: most scratch one hand-off of heads on WebAssembly
 * uses (at least one sequence's heads go in each).
 */
export class CpuAttention {
  constructor(private readonly engine: GemmEngine, private readonly blockBytes: number) {}

  /**
   * Attention of projected Q, K and V into `context`, the probabilities into `probs` when
   * given. Keeping the probabilities takes the same path as not keeping them, so that
   * inspecting a forward pass never changes its numbers.
   */
  attend(x: AttentionInputs, tokens: TokenLayout, options: AttentionOptions, context: Float32Array, probs: Float32Array | null): void {
    const sizes = this.sizesOf(x.query, tokens, options);
    const sequences = sequencesOf(tokens);
    const engine = this.wasmFor(sizes.headSize);
    const inMemory = engine ? sequences.filter((s) => s.keys.length > 0) : [];
    for (const s of sequences) {
      if (!inMemory.includes(s)) this.attendSequence(s, x, sizes, context, probs);
    }
    if (engine && inMemory.length > 0) {
      this.attendInBlocks(engine, inMemory, sizes, probs, { projected: false, minRows: 0 }, (block, keep) => {
        engine.attention.attend({ ...block, ...x }, context, keep);
      });
    }
  }

  /**
   * How `attendProjected` would run this batch: on the WebAssembly engine, with projections it
   * accepts (WasmGemm.projectsInPlace) and a real key in every sequence; undefined elsewhere.
   */
  projectedPlan(projections: ProjectionTriple, hidden: number, tokens: TokenLayout, options: AttentionOptions): ProjectedPlan | undefined {
    const engine = this.wasmFor(hidden / options.numHeads);
    const all = [projections.query, projections.key, projections.value];
    if (!engine || !all.every((p) => engine.attention.projectsInPlace(p.b, hidden))) return undefined;
    const sequences = sequencesOf(tokens);
    return sequences.every((s) => s.keys.length > 0) ? { engine, sequences, projections } : undefined;
  }

  /**
   * The projections and attention in the WebAssembly engine's memory (WasmAttention.attendProjected)
   * as `plan` says, blocks of at least `minRows` rows where there are that many.
   */
  attendProjected(
    plan: ProjectedPlan, x: Float32Array, tokens: TokenLayout, options: AttentionOptions, minRows: number, context: Float32Array, probs: Float32Array | null,
  ): void {
    const { engine, sequences, projections } = plan;
    const sizes = this.sizesOf(x, tokens, options);
    this.attendInBlocks(engine, sequences, sizes, probs, { projected: true, minRows }, (block, keep) => {
      engine.attention.attendProjected({ ...block, x, ...projections }, context, keep);
    });
  }

  /**
   * Attention with the projections made by `attendBlock` (the compact engine's, see
   * CompactGemm.attendProjected) on blocks of `rowsPerBlock` rows of the batch, whole
   * sequences (a multiple of seq). False, having done nothing, where a sequence has no real
   * key, the engine does not run heads of this size, or `attendBlock` declines (it does at the
   * first block or never).
   */
  attendProjectedInRowBlocks(
    attendBlock: (block: AttentionShape, keep: KeepProbs | undefined) => boolean, hidden: number, tokens: TokenLayout, options: AttentionOptions,
    rowsPerBlock: number, probs: Float32Array | null,
  ): boolean {
    const { batch, seq } = tokens;
    if (rowsPerBlock % seq !== 0) throw new Error(`cpu attention: blocks of ${rowsPerBlock} rows cut sequences of ${seq}`);
    const engine = this.wasmFor(hidden / options.numHeads);
    const sequences = sequencesOf(tokens);
    if (!engine || sequences.some((s) => s.keys.length === 0)) return false;
    const perBlock = rowsPerBlock / seq;
    const { numHeads } = options;
    const keep = probs ? this.keepInto(probs, seq, numHeads) : undefined;
    for (let first = 0; first < batch; first += perBlock) {
      engine.beginOperation();
      if (!attendBlock({ sequences: sequences.slice(first, first + perBlock), seq, hidden, numHeads }, keep)) return false;
    }
    return true;
  }

  /** A KeepProbs that scatters each head's probabilities into `probs` ([batch, heads, seq, seq]). */
  private keepInto(probs: Float32Array, seq: number, numHeads: number): KeepProbs {
    return (s, h, p, stride) => scatterProbs(probs, ((s.b * numHeads + h) * seq) * seq, seq, s.keys, p, stride);
  }

  private sizesOf(rows: Float32Array, tokens: TokenLayout, options: AttentionOptions): AttentionSizes {
    const hidden = rows.length / (tokens.batch * tokens.seq);
    return { seq: tokens.seq, hidden, numHeads: options.numHeads, headSize: hidden / options.numHeads };
  }

  /** The engine, when it is WebAssembly and runs heads of this size in its memory. */
  private wasmFor(headSize: number): WasmGemm | undefined {
    const engine = this.engine;
    return engine instanceof WasmGemm && engine.attention.attendsHeadsOf(headSize) ? engine : undefined;
  }

  /** One sequence on any engine: every query against the real keys only (padding keys have probability 0). */
  private attendSequence(sequence: AttentionSequence, x: AttentionInputs, sizes: AttentionSizes, context: Float32Array, probs: Float32Array | null): void {
    const { seq, hidden, numHeads, headSize } = sizes;
    const { b } = sequence;
    const first = b * seq;
    // No real token at all: PyTorch's additive mask leaves every score equal, a uniform softmax.
    const noRealKey = sequence.keys.length === 0;
    const keys = noRealKey ? Array.from({ length: seq }, (_, t) => t) : sequence.keys;
    const count = keys.length;
    const keyRows = gatherRows(x.key, first, keys, hidden);
    const valueRows = gatherRows(x.value, first, keys, hidden);
    const scores = new Float32Array(seq * count);
    const alpha = noRealKey ? 0 : 1 / Math.sqrt(headSize);
    for (let h = 0; h < numHeads; h++) {
      const column = h * headSize;
      this.engine.beginOperation();
      const k = this.engine.packTransient(keyRows, headSize, count, 'nk', { offset: column, ld: hidden });
      this.engine.matmul({ m: seq, a: x.query, aOffset: first * hidden + column, lda: hidden, b: k, out: scores, alpha });
      softmaxRows(scores, seq, count);
      if (probs) scatterProbs(probs, ((b * numHeads + h) * seq) * seq, seq, keys, scores, count);
      const v = this.engine.packTransient(valueRows, count, headSize, 'kn', { offset: column, ld: hidden });
      this.engine.matmul({ m: seq, a: scores, b: v, out: context, outOffset: first * hidden + column, ldo: hidden });
    }
  }

  /**
   * Cuts the sequences into blocks, as many a hand-off as blockBytes allows (at least one
   * however long, and at least `minRows` rows where there are that many), and has `attend`
   * run each, the probabilities it keeps scattered into `probs` ([batch, heads, seq, seq]).
   */
  private attendInBlocks(
    engine: WasmGemm, sequences: readonly AttentionSequence[], sizes: AttentionSizes, probs: Float32Array | null,
    options: { projected: boolean; minRows: number }, attend: (block: AttentionShape, keep: KeepProbs | undefined) => void,
  ): void {
    const { seq, hidden, numHeads } = sizes;
    const scratch = { probs: probs !== null, projected: options.projected };
    const budget = this.blockBytes - engine.attention.threadBytes(seq, hidden, numHeads);
    const keep = probs ? this.keepInto(probs, seq, numHeads) : undefined;
    let next = 0;
    while (next < sequences.length) {
      let end = next + 1;
      let bytes = engine.attention.scratchBytes(seq, hidden, numHeads, sequences[next].keys.length, scratch);
      // No named closures in this per-layer path: run from source by tsx (esbuild's keepNames),
      // each definition is a defineProperty call, microseconds each.
      while (end < sequences.length) {
        const more = engine.attention.scratchBytes(seq, hidden, numHeads, sequences[end].keys.length, scratch);
        if (bytes + more > budget && (end - next) * seq >= options.minRows) break;
        bytes += more;
        end++;
      }
      engine.beginOperation();
      attend({ sequences: sequences.slice(next, end), seq, hidden, numHeads }, keep);
      next = end;
    }
  }
}
