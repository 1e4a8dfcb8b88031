// The workers' spin policy: idle workers spin only when every thread has a core of its own
// (issue 14: never spin on a core that the calling thread needs), and a backend with more
// threads than cores (workers sleeping at once) still computes like the reference.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startNodeWorkers } from '../../src/node/worker-threads.js';
import { availableParallelism } from 'node:os';
import { CpuBackend } from '../../src/tensor/cpu/cpu-backend.js';
import { WasmGemm } from '../../src/tensor/gemm/wasm-gemm.js';
import { SPIN_MS, WORKER_SPIN_MS, slotBase, workerSpinMs } from '../../src/tensor/wasm/worker-protocol.js';
import { checkConformance, describeFailures } from '../tensor/conformance/index.js';

test('workers spin only when the threads fit on the cores', () => {
  assert.is(workerSpinMs(1, 1), WORKER_SPIN_MS);
  assert.is(workerSpinMs(2, 2), WORKER_SPIN_MS);
  assert.is(workerSpinMs(16, 32), WORKER_SPIN_MS);
  assert.is(workerSpinMs(3, 2), 0);
  assert.is(workerSpinMs(4, 1), 0);
});

test('more threads than cores: the workers are told not to spin, and the results still match the reference', async () => {
  const threads = availableParallelism() + 1;
  const engine = WasmGemm.create({ shared: true, threadedMinMacs: 0 })!;
  engine.attachRunner(startNodeWorkers(engine.kernel, threads));
  const words = engine.arena.i32(0, 256);
  for (let slot = 1; slot < threads; slot++) assert.is(words[slotBase(slot) + SPIN_MS], 0, `slot ${slot}`);
  const backend = new CpuBackend(engine);
  try {
    assert.equal(describeFailures(await checkConformance(backend)), []);
  } finally {
    backend.dispose();
  }
});

test.run();
