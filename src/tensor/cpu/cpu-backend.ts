// The fast CPU backend: every matrix product (linear layers, attention's two products per
// head, the MLM vocabulary projection) goes through a packed-panel GemmEngine (WebAssembly
// SIMD with threads, or the pure TypeScript fallback); the cheap elementwise ops reuse the
// reference backend's loops. Fusions: bias + activation in the matmul epilogue, residual +
// LayerNorm (one pass), the vocabulary projection with SPLADE max pooling in column blocks
// (the [tokens, vocab] logits are never whole), attention over real keys only.
import type { BackendInfo } from '../backend-options.js';
import type {
  Activation, AttentionOptions, AttentionResult, Backend, LinearHandle, TokenLayout,
} from '../backend.js';
import { ReferenceBackend, linearSizes } from '../reference/reference-backend.js';
import type { GemmEngine, PackedMatrix } from '../gemm/gemm.js';
import { WasmGemm } from '../gemm/wasm-gemm.js';
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

/** Most logits held at once by spladePool (floats): 16 MiB. */
const POOL_BLOCK_FLOATS = 4 << 20;

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

  /**
   * `poolBlockFloats`: most logits spladePool holds at once (default 4M floats, 16 MiB);
   * `notes`: what `info.notes` says (why these kernels or this thread count; see BackendInfo).
   */
  constructor(readonly engine: GemmEngine, private readonly options: { poolBlockFloats?: number; notes?: readonly string[] } = {}) {
    super(options.notes);
    this.name = `cpu-${engine.name}${engine.threads > 1 ? ` x${engine.threads}` : ''}`;
    const kernels = engine.name === 'wasm-simd' ? 'wasm-simd' : engine.name === 'typescript' ? 'typescript' : 'reference';
    this.constructedInfo = { backend: 'cpu', kernels, threads: engine.threads, name: this.name, notes: this.notes };
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
    const out = new Float32Array(ids.length * l.inFeatures);
    this.engine.readRows!(l.packed, ids, out);
    return new Tensor([ids.length, l.inFeatures], out);
  }

  private own(layer: LinearHandle): PackedLinear {
    if (!(layer instanceof PackedLinear) || layer.owner !== this.engine) {
      throw new TypeError(`${layer.name}: linear layer was prepared by another backend`);
    }
    return layer;
  }

  override prepareLinear(name: string, weight: Tensor, bias?: Tensor): LinearHandle {
    const [outF, inF] = linearSizes(name, weight, bias);
    const packed = this.engine.packNK(weight.data, outF, inF);
    return new PackedLinear(name, packed, bias?.data.slice(), inF, outF, this.engine);
  }

  override linear(x: Tensor, layer: LinearHandle, activation: Activation = 'none'): Tensor {
    const l = this.own(layer);
    const rows = x.size / l.inFeatures;
    const out = new Float32Array(rows * l.outFeatures);
    this.engine.beginOperation();
    this.engine.matmul({ m: rows, a: x.data, b: l.packed, out, bias: l.bias, epilogue: activation });
    return new Tensor([rows, l.outFeatures], out);
  }

  override attention(query: Tensor, key: Tensor, value: Tensor, tokens: TokenLayout, options: AttentionOptions): AttentionResult {
    const hidden = columns(query);
    const { batch, seq, mask } = tokens;
    const { numHeads } = options;
    const headSize = hidden / numHeads;
    const context = new Float32Array(query.size);
    const probs = options.keepProbs ? new Float32Array(batch * numHeads * seq * seq) : null;
    for (let b = 0; b < batch; b++) {
      this.attendSequence(b, query.data, key.data, value.data, mask, { seq, hidden, numHeads, headSize }, context, probs);
    }
    return {
      context: new Tensor([batch * seq, hidden], context),
      ...(probs ? { probs: new Tensor([batch, numHeads, seq, seq], probs) } : {}),
    };
  }

  /** One sequence: every query against the real keys only (padding keys have probability 0). */
  private attendSequence(
    b: number, query: Float32Array, key: Float32Array, value: Float32Array, mask: Uint8Array,
    sizes: { seq: number; hidden: number; numHeads: number; headSize: number },
    context: Float32Array, probs: Float32Array | null,
  ): void {
    const { seq, hidden, numHeads, headSize } = sizes;
    const first = b * seq;
    let keys: number[] = [];
    for (let t = 0; t < seq; t++) if (mask[first + t] === 1) keys.push(t);
    // No real token at all: PyTorch's additive mask leaves every score equal, a uniform softmax.
    const noRealKey = keys.length === 0;
    if (noRealKey) keys = Array.from({ length: seq }, (_, t) => t);
    const count = keys.length;
    const keyRows = new Float32Array(count * hidden);
    const valueRows = new Float32Array(count * hidden);
    keys.forEach((t, j) => {
      const from = (first + t) * hidden;
      keyRows.set(key.subarray(from, from + hidden), j * hidden);
      valueRows.set(value.subarray(from, from + hidden), j * hidden);
    });
    // Keeping the probabilities takes the same path as not keeping them, so that inspecting a
    // forward pass never changes its numbers.
    if (this.engine instanceof WasmGemm && !noRealKey) {
      this.attendSequenceInMemory(this.engine, b, query, keyRows, valueRows, keys, sizes, context, probs);
      return;
    }
    const scores = new Float32Array(seq * count);
    const alpha = noRealKey ? 0 : 1 / Math.sqrt(headSize);
    for (let h = 0; h < numHeads; h++) {
      const column = h * headSize;
      this.engine.beginOperation();
      const k = this.engine.packTransient(keyRows, headSize, count, 'nk', { offset: column, ld: hidden });
      this.engine.matmul({ m: seq, a: query, aOffset: first * hidden + column, lda: hidden, b: k, out: scores, alpha });
      softmaxRows(scores, seq, count);
      if (probs) {
        for (let i = 0; i < seq; i++) {
          const row = ((b * numHeads + h) * seq + i) * seq;
          for (let j = 0; j < count; j++) probs[row + keys[j]] = scores[i * count + j];
        }
      }
      const v = this.engine.packTransient(valueRows, count, headSize, 'kn', { offset: column, ld: hidden });
      this.engine.matmul({ m: seq, a: scores, b: v, out: context, outOffset: first * hidden + column, ldo: hidden });
    }
  }

  /**
   * The same on the WebAssembly engine with the scores never leaving its memory: Q·Kᵀ with
   * -Infinity in the padding columns, softmax in place (SIMD exp), then P·V reading P in place.
   */
  private attendSequenceInMemory(
    engine: WasmGemm, b: number, query: Float32Array, keyRows: Float32Array, valueRows: Float32Array, keys: number[],
    sizes: { seq: number; hidden: number; numHeads: number; headSize: number }, context: Float32Array,
    probs: Float32Array | null,
  ): void {
    const { seq, hidden, numHeads, headSize } = sizes;
    const first = b * seq;
    const count = keys.length;
    const alpha = 1 / Math.sqrt(headSize);
    for (let h = 0; h < numHeads; h++) {
      const column = h * headSize;
      engine.beginOperation();
      const k = engine.packTransient(keyRows, headSize, count, 'nk', { offset: column, ld: hidden });
      const q = engine.placeRows(query, first * hidden + column, hidden, seq, headSize);
      const scores = engine.multiply(seq, q, k, { padBias: -Infinity });
      engine.softmaxResident(scores, seq, alpha);
      if (probs) {
        const p = engine.arena.f32(scores.ptr, seq * scores.width);
        for (let i = 0; i < seq; i++) {
          const row = ((b * numHeads + h) * seq + i) * seq;
          for (let j = 0; j < count; j++) probs[row + keys[j]] = p[i * scores.width + j];
        }
      }
      const v = engine.packTransient(valueRows, count, headSize, 'kn', { offset: column, ld: hidden });
      const out = engine.multiply(seq, { ptr: scores.ptr, strideBytes: scores.width * 4, rows: true }, v);
      const rows = engine.arena.f32(out.ptr, seq * out.width);
      for (let i = 0; i < seq; i++) {
        context.set(rows.subarray(i * out.width, i * out.width + headSize), (first + i) * hidden + column);
      }
    }
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
    const real = new Float32Array(rows.length * width);
    rows.forEach((r, i) => real.set(hidden.data.subarray(r * width, (r + 1) * width), i * width));

    const align = this.engine.columnAlign;
    const budget = this.options.poolBlockFloats ?? POOL_BLOCK_FLOATS;
    const block = Math.max(align, Math.floor(budget / rows.length / align) * align);
    const logits = new Float32Array(rows.length * Math.min(block, vocab));
    for (let v0 = 0; v0 < vocab; v0 += block) {
      const count = Math.min(block, vocab - v0);
      this.engine.beginOperation();
      this.engine.matmul({
        m: rows.length, a: real, b: this.engine.columns(d.packed, v0, count), out: logits,
        bias: d.bias?.subarray(v0, v0 + count),
      });
      for (let b = 0; b < batch; b++) maxPoolBlock(logits, starts[b], starts[b + 1], count, out, b * vocab + v0);
    }
    return new Tensor([batch, vocab], out);
  }

  /** Stops the engine's worker threads. */
  dispose(): void {
    this.engine.dispose();
  }
}

/** In-place softmax of each row of a [rows, cols] block. */
export function softmaxRows(x: Float32Array, rows: number, cols: number): void {
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
  for (let j = 0; j < count; j++) max[j] = max[j] > 0 ? Math.log1p(max[j]) : 0;
}
