// Every backend and mode Node runs, through the one op-conformance harness
// (test/tensor/conformance/): the reference against itself, the CPU backend on WebAssembly
// SIMD (one thread, and two threads splitting even the smallest multiply and attention layer,
// also one sequence a hand-off, and a scratch budget small enough that linear layers, the
// feed-forward block and LayerNorm go through in many row blocks), on the TypeScript
// kernel, both with small pooling blocks, and gpu.js's webasm mode. The browser modes (gpu.js
// webgl2 and webgpu) run the same harness in test/browser/gpu-ops.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Backend } from '../../src/tensor/backend.js';
import { CpuBackend } from '../../src/tensor/cpu/cpu-backend.js';
import { TypeScriptGemm } from '../../src/tensor/gemm/typescript-gemm.js';
import { WasmGemm, type JobRunner } from '../../src/tensor/gemm/wasm-gemm.js';
import { GpuBackend } from '../../src/tensor/gpu/index.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { startNodeWorkers } from '../../src/node/worker-threads.js';
import { JOB_KIND, JOB_KIND_MASK } from '../../src/tensor/wasm/worker-protocol.js';
import { checkConformance, describeFailures, worstRatios } from './conformance/index.js';

/** Jobs handed to worker threads, in all and by kernel, counted so the test can see the threads ran. */
let jobsOnWorkers = 0;
const jobsOnWorkersByKind = new Map<number, number>();

function wasm(options: { threads?: number; poolBlockFloats?: number; attentionBlockBytes?: number; scratchBytes?: number; scoreBlockBytes?: number } = {}): CpuBackend {
  const threads = options.threads ?? 1;
  const { scoreBlockBytes } = options;
  const engine = WasmGemm.create(threads > 1 ? { shared: true, threadedMinMacs: 0, scoreBlockBytes } : { shared: false, scoreBlockBytes });
  assert.ok(engine, 'Node has WebAssembly SIMD');
  if (threads > 1) {
    const runner = startNodeWorkers(engine.kernel, threads);
    const counting: JobRunner = {
      threads: runner.threads,
      run: (jobs, local) => {
        jobsOnWorkers += jobs.length - 1;
        for (const job of jobs.slice(1)) jobsOnWorkersByKind.set(job & JOB_KIND_MASK, (jobsOnWorkersByKind.get(job & JOB_KIND_MASK) ?? 0) + 1);
        runner.run(jobs, local);
      },
      dispose: () => runner.dispose(),
    };
    engine.attachRunner(counting);
  }
  return new CpuBackend(engine, options);
}

const BACKENDS: Array<[string, () => Backend | Promise<Backend>]> = [
  ['the reference against itself', () => new ReferenceBackend()],
  ['cpu on wasm-simd, 1 thread', () => wasm()],
  ['cpu on wasm-simd, 2 threads (threadedMinMacs 0)', () => wasm({ threads: 2 })],
  ['cpu on wasm-simd, small pooling blocks', () => wasm({ poolBlockFloats: 1000 })],
  ['cpu on wasm-simd, 2 threads, one sequence an attention hand-off', () => wasm({ threads: 2, attentionBlockBytes: 1 })],
  ['cpu on wasm-simd, 2 threads, attention queries one row panel a task', () => wasm({ threads: 2, scoreBlockBytes: 1 })],
  ['cpu on wasm-simd, 1 thread, attention queries one row panel a task', () => wasm({ scoreBlockBytes: 1 })],
  ['cpu on wasm-simd, 2 threads, 4 KiB of scratch an op (multiplies and LayerNorm in row blocks)', () => wasm({ threads: 2, scratchBytes: 4096 })],
  ['cpu on typescript', () => new CpuBackend(new TypeScriptGemm())],
  ['cpu on typescript, small pooling blocks', () => new CpuBackend(new TypeScriptGemm(), { poolBlockFloats: 777 })],
  ['gpu.js webasm', () => GpuBackend.create({ mode: 'webasm' })],
];

for (const [label, make] of BACKENDS) {
  test(`every op on ${label} matches the reference within its bounds`, async () => {
    const backend = await make();
    try {
      const results = await checkConformance(backend);
      assert.equal(describeFailures(results), []);
      if (backend.gatherLinearRows) assert.ok(results.some((r) => r.op === 'gatherLinearRows'), 'the optional op was checked');
      if (backend.feedForward) assert.ok(results.some((r) => r.op.startsWith('feedForward')), 'the optional feedForward was checked');
      if (backend.linearNorm) assert.ok(results.some((r) => r.op.startsWith('linearNorm')), 'the optional linearNorm was checked');
      const ratios = Object.entries(worstRatios(results)).map(([op, r]) => `${op} ${r.toFixed(2)}`);
      console.log(`op conformance on ${backend.name}: ${results.length} checks; worst error/bound: ${ratios.join(', ')}`);
    } finally {
      backend.dispose?.();
    }
  });
}

test('the wasm-simd backends have the optional gatherLinearRows; two threads really split the multiplies, pooling, attention and LayerNorm', () => {
  assert.type(wasm().gatherLinearRows, 'function');
  assert.ok(jobsOnWorkers > 100, `${jobsOnWorkers} jobs ran on the worker thread`);
  // int8 quantization and its outlier scan run only on compact weights: test/speed/compact-gemm.test.ts counts their jobs.
  for (const [kind, code] of Object.entries(JOB_KIND).filter(([name]) => !name.startsWith('int8'))) {
    const count = jobsOnWorkersByKind.get(code) ?? 0;
    assert.ok(count > 0, `no ${kind} job ran on the worker thread`);
  }
});

test.run();
