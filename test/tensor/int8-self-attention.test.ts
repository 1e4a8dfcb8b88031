// selfAttention with int8 projections on the WebAssembly backend: Q, K and V are projected and
// attended in the engine's memory (WasmCompactGemm.attendProjected) in the row blocks that
// `linears` takes, so the op must equal `linears` then `attention` exactly (bound 0), context
// and probabilities. The hidden states carry planted outlier columns, so int8's per-block
// choice of outlier columns matters: blocks cut differently would give other numbers. Where
// `linears`' blocks would cut a sequence the op must not take the in-place path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startNodeWorkers } from '../../src/node/worker-threads.js';
import type { AttentionOptions, TokenLayout } from '../../src/tensor/backend.js';
import { quantizeInt8Rows } from '../../src/tensor/compact-weight.js';
import { CpuBackend } from '../../src/tensor/cpu/cpu-backend.js';
import type { CompactProjectedBlock } from '../../src/tensor/gemm/compact-gemm.js';
import { WasmCompactGemm } from '../../src/tensor/gemm/wasm-compact-gemm.js';
import { WasmGemm, type KeepProbs } from '../../src/tensor/gemm/wasm-gemm.js';
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

function randomTensor(shape: number[], next: () => number, scale = 1): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return new Tensor(shape, Float32Array.from({ length: size }, () => (next() * 2 - 1) * scale));
}

interface Case { batch: number; seq: number; scratchBytes: number; blocks: number; threads: number }

// rowsPerBlock(rows, 2 * 64 floats, bytes) rows a block, a multiple of 8: 8000 bytes give
// 16-row blocks for 40 rows (two 8-token sequences a block); 1 MiB one block for everything.
const CASES: Array<[string, Case]> = [
  ['three blocks of whole sequences, 2 threads', { batch: 5, seq: 8, scratchBytes: 8000, blocks: 3, threads: 2 }],
  ['one block, an odd sequence length (padding rows), 1 thread', { batch: 3, seq: 7, scratchBytes: 1 << 20, blocks: 1, threads: 1 }],
  ['blocks that would cut a sequence: linears then attention', { batch: 5, seq: 7, scratchBytes: 8000, blocks: 0, threads: 1 }],
];

for (const [label, c] of CASES) {
  test(`int8 selfAttention equals linears then attention: ${label}`, async () => {
    const engine = WasmGemm.create(c.threads > 1 ? { shared: true, threadedMinMacs: 0 } : { shared: false })!;
    if (c.threads > 1) engine.attachRunner(startNodeWorkers(engine.kernel, c.threads));
    const compact = new CountingCompactGemm(engine);
    const backend = new CpuBackend(engine, { compact, scratchBytes: c.scratchBytes });
    try {
      const next = mulberry32(c.batch * 100 + c.seq);
      const rows = c.batch * c.seq;
      const x = randomTensor([rows, HIDDEN], next);
      // Two outlier columns, 60x the rest, in the first sequence only: the block that holds it
      // splits them off for all of its rows, the other blocks do not.
      for (let r = 0; r < c.seq; r++) { x.data[r * HIDDEN + 5] *= 60; x.data[r * HIDDEN + 41] *= -60; }
      const project = (name: string) => {
        const weight = randomTensor([HIDDEN, HIDDEN], next, 0.2);
        return backend.prepareCompactLinear(name, quantizeInt8Rows(weight.data, HIDDEN, HIDDEN), randomTensor([HIDDEN], next, 0.1));
      };
      const projections = { query: project('q'), key: project('k'), value: project('v') };
      // The last sequence has padding at its end; the others are whole.
      const mask = new Uint8Array(rows).fill(1);
      mask.fill(0, rows - 2, rows);
      const tokens: TokenLayout = { batch: c.batch, seq: c.seq, mask };
      for (const keepProbs of [true, false]) {
        const options: AttentionOptions = { numHeads: HEADS, keepProbs };
        const before = compact.blocks;
        const got = backend.selfAttention(x, projections, tokens, options);
        assert.is(compact.blocks - before, c.blocks, 'blocks attended in place');
        const [q, k, v] = backend.linears(x, [projections.query, projections.key, projections.value]);
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
