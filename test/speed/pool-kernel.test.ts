// gemm_pool (the SPLADE projection and max-pooling in one job per thread, each thread owning
// a vocabulary range) against the reference backend: odd vocabulary sizes (the last block
// and the last panel partly padding), several blocks, sequences without real tokens, on one
// thread and split over two worker threads with every multiply threaded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startNodeWorkers } from '../../src/node/worker-threads.js';
import { CpuBackend } from '../../src/tensor/cpu/cpu-backend.js';
import { WasmGemm } from '../../src/tensor/gemm/wasm-gemm.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { mulberry32 } from '../../tools/random.js';

function tensor(shape: number[], seed: number, scale: number): Tensor {
  const next = mulberry32(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return new Tensor(shape, Float32Array.from({ length: size }, () => (next() * 2 - 1) * scale));
}

function backend(threads: number, poolBlockFloats: number): CpuBackend {
  const engine = WasmGemm.create({ shared: threads > 1, threadedMinMacs: 0 })!;
  if (threads > 1) engine.attachRunner(startNodeWorkers(engine.kernel, threads));
  return new CpuBackend(engine, { poolBlockFloats });
}

const reference = new ReferenceBackend();
/**
 * max |actual - expected| / max |expected|. The pooled maximum is exact given the logits, and
 * the logits are the same packed kernel's sums as the unpooled path's (1e-5 relative is the
 * float32 summation-order allowance the project's conformance check used for spladePool).
 */
const TOLERANCE = 1e-5;
const cases: Array<[number[], number, number, number]> = [
  // lengths, hidden, vocab, pool block floats (small: several vocabulary blocks)
  [[5], 7, 13, 1 << 20],
  [[3, 0, 11, 1], 33, 1001, 400],
  [[16, 9], 64, 3001, 2000],
  [[0, 0], 8, 50, 64],
];
for (const threads of [1, 2]) {
  test(`gemm_pool equals the reference spladePool on odd shapes, ${threads} thread(s)`, () => {
    for (const [lengths, hidden, vocab, block] of cases) {
      const seq = Math.max(...lengths, 1);
      const mask = new Uint8Array(lengths.length * seq);
      lengths.forEach((n, b) => mask.fill(1, b * seq, b * seq + n));
      const tokens = { batch: lengths.length, seq, mask };
      const states = tensor([lengths.length * seq, hidden], hidden, 2);
      const w = tensor([vocab, hidden], vocab, 0.5);
      const bias = tensor([vocab], 3, 0.5);
      const mine = backend(threads, block);
      try {
        const got = mine.spladePool(states, mine.prepareLinear('decoder', w, bias), tokens).data;
        const want = reference.spladePool(states, reference.prepareLinear('decoder', w, bias), tokens).data;
        let diff = 0, scale = 0, positive = 0;
        want.forEach((x, i) => {
          diff = Math.max(diff, Math.abs(got[i] - x));
          scale = Math.max(scale, Math.abs(x));
          if (x > 0) positive++;
        });
        const what = `lengths [${lengths.join(', ')}], hidden ${hidden}, vocab ${vocab}`;
        // Sequences without a real token pool to all zeros, exactly.
        if (scale === 0) assert.equal(Array.from(got).filter((x) => x !== 0), [], what);
        else {
          assert.ok(positive > 0, `${what}: some weights are positive`);
          assert.ok(diff / scale <= TOLERANCE, `${what}: relative difference ${(diff / scale).toExponential(2)}`);
        }
      } finally {
        mine.dispose();
      }
    }
  });
}

test.run();
