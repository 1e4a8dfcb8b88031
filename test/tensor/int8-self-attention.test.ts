// selfAttention with int8 projections on the WebAssembly backend: Q, K and V are projected and
// attended in the engine's memory (WasmCompactGemm.attendProjected), a block of whole
// sequences at a time. int8 activations are quantized per block (outlier columns chosen over
// the block's rows), so the op must equal, exactly, the plain int8 reference multiply of each
// block's rows followed by `attention`; where the in-place path declines (a sequence without a
// real token), the fallback must give those same numbers. The hidden states carry outlier
// columns in the first sequence only, so blocks cut differently would give other numbers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startNodeWorkers } from '../../src/node/worker-threads.js';
import type { AttentionOptions, TokenLayout } from '../../src/tensor/backend.js';
import { quantizeInt8Rows, type Int8Weight } from '../../src/tensor/compact-weight.js';
import { CpuBackend } from '../../src/tensor/cpu/cpu-backend.js';
import type { CompactProjectedBlock } from '../../src/tensor/gemm/compact-gemm.js';
import { referenceInt8Matmul } from '../../src/tensor/gemm/int8-reference.js';
import { WasmCompactGemm } from '../../src/tensor/gemm/wasm-compact-gemm.js';
import type { KeepProbs } from '../../src/tensor/gemm/wasm-attention.js';
import { WasmGemm } from '../../src/tensor/gemm/wasm-gemm.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { mulberry32 } from '../../tools/random.js';

const HIDDEN = 64;
const HEADS = 4;

/** Counts the blocks attended in place. */
class CountingCompactGemm extends WasmCompactGemm {
  blocks = 0;
  override attendProjected(block: CompactProjectedBlock, context: Float32Array, probs?: KeepProbs): boolean {
    const done = super.attendProjected(block, context, probs);
    if (done) this.blocks++;
    return done;
  }
}

function randomArray(length: number, next: () => number, scale = 1): Float32Array {
  return Float32Array.from({ length }, () => (next() * 2 - 1) * scale);
}

interface Case {
  batch: number; seq: number; threads: number;
  /** Scratch bytes: rowsPerBlock(batch * seq, 2 * 64 floats, bytes) rows, cut down to whole sequences. */
  scratchBytes: number;
  sequencesPerBlock: number;
  /** Sequences without a single real token (the in-place path then declines). */
  emptySequences: number[];
}

// 8000 bytes give 16-row blocks for 35-40 rows: two sequences of 8 (or of 7) a block; 1 MiB
// one block for everything.
const CASES: Array<[string, Case]> = [
  ['three blocks of two sequences, 2 threads', { batch: 5, seq: 8, threads: 2, scratchBytes: 8000, sequencesPerBlock: 2, emptySequences: [] }],
  ['one block, an odd sequence length (padding rows)', { batch: 3, seq: 7, threads: 1, scratchBytes: 1 << 20, sequencesPerBlock: 3, emptySequences: [] }],
  ['blocks of 14 rows where linear layers would take 16', { batch: 5, seq: 7, threads: 1, scratchBytes: 8000, sequencesPerBlock: 2, emptySequences: [] }],
  ['a sequence without a real token: linears then attention, the same blocks', { batch: 4, seq: 8, threads: 1, scratchBytes: 8000, sequencesPerBlock: 2, emptySequences: [2] }],
];

/** Q, K and V by the plain int8 reference, a block of `perBlock` sequences at a time. */
function projectInBlocks(x: Float32Array, weights: Int8Weight[], biases: Float32Array[], c: Case): Tensor[] {
  return weights.map((b, i) => {
    const out = new Float32Array(c.batch * c.seq * HIDDEN);
    for (let first = 0; first < c.batch; first += c.sequencesPerBlock) {
      const m = Math.min(c.sequencesPerBlock, c.batch - first) * c.seq;
      const at = first * c.seq * HIDDEN;
      referenceInt8Matmul({ m, a: x, aOffset: at, lda: HIDDEN, b, out, outOffset: at, ldo: HIDDEN, bias: biases[i] });
    }
    return new Tensor([c.batch * c.seq, HIDDEN], out);
  });
}

for (const [label, c] of CASES) {
  test(`int8 selfAttention equals the reference projections of each block, then attention: ${label}`, async () => {
    const engine = WasmGemm.create(c.threads > 1 ? { shared: true, threadedMinMacs: 0 } : { shared: false })!;
    if (c.threads > 1) engine.attachRunner(startNodeWorkers(engine.kernel, c.threads));
    const compact = new CountingCompactGemm(engine);
    const backend = new CpuBackend(engine, { compact, scratchBytes: c.scratchBytes });
    try {
      const next = mulberry32(c.batch * 100 + c.seq);
      const rows = c.batch * c.seq;
      const x = new Tensor([rows, HIDDEN], randomArray(rows * HIDDEN, next));
      // Two outlier columns, 60x the rest, in the first sequence only: the block that holds it
      // splits them off for all of its rows, the other blocks do not.
      for (let r = 0; r < c.seq; r++) { x.data[r * HIDDEN + 5] *= 60; x.data[r * HIDDEN + 41] *= -60; }
      const weights = [0, 1, 2].map(() => quantizeInt8Rows(randomArray(HIDDEN * HIDDEN, next, 0.2), HIDDEN, HIDDEN));
      const biases = [0, 1, 2].map(() => randomArray(HIDDEN, next, 0.1));
      const [query, key, value] = weights.map((w, i) => backend.prepareCompactLinear(`p${i}`, w, new Tensor([HIDDEN], biases[i])));
      // The last sequence has padding at its end; the empty ones have no real token.
      const mask = new Uint8Array(rows).fill(1);
      mask.fill(0, rows - 2, rows);
      for (const b of c.emptySequences) mask.fill(0, b * c.seq, (b + 1) * c.seq);
      const tokens: TokenLayout = { batch: c.batch, seq: c.seq, mask };
      const [q, k, v] = projectInBlocks(x.data, weights, biases, c);
      const inPlace = c.emptySequences.length > 0 ? 0 : Math.ceil(c.batch / c.sequencesPerBlock);
      for (const keepProbs of [true, false]) {
        const options: AttentionOptions = { numHeads: HEADS, keepProbs };
        const before = compact.blocks;
        const got = backend.selfAttention(x, { query, key, value }, tokens, options);
        assert.is(compact.blocks - before, inPlace, 'blocks attended in place');
        const want = backend.attention(q, k, v, tokens, options);
        assert.equal(Array.from(got.context.data), Array.from(want.context.data), 'context');
        if (keepProbs) assert.equal(Array.from(got.probs!.data), Array.from(want.probs!.data), 'probabilities');
      }
    } finally {
      backend.dispose();
    }
  });
}

test.run();
