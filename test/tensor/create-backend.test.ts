// createBackend, the one factory: the options' vocabulary (backend, threads, kernels, gpuMode),
// contradictions refused with the same words everywhere, the default thread count capped (a
// machine reporting 48 cores gets 16 threads, never an error), and `info` saying exactly what
// runs, with a note whenever it is not what was asked for.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createBackend as createNodeBackend, NODE_THREADS } from '../../src/node/backend.js';
import { BertForMaskedLM } from '../../src/models/bert/bert-for-masked-lm.js';
import { requireBertConfig } from '../../src/io/model-config.js';
import { bertInputFromRows } from '../../src/models/bert/input.js';
import { loadModelFolderFromDisk } from '../../src/node/model-folder.js';
import { disposeBackend, type Backend } from '../../src/tensor/backend.js';
import { BackendOptionsError, DEFAULT_MAX_THREADS, type BackendOptions } from '../../src/tensor/backend-options.js';
import { createBackend, createBackendOn, type ThreadPlatform } from '../../src/tensor/create-backend.js';
import { webWorkersUsable } from '../../src/tensor/wasm/web-workers.js';
import { fileURLToPath } from 'node:url';

const f32 = fileURLToPath(new URL('../parity/fixtures/f32', import.meta.url));

async function withBackend(make: Promise<Backend>, check: (backend: Backend) => void | Promise<void>): Promise<void> {
  const backend = await make;
  try {
    await check(backend);
  } finally {
    disposeBackend(backend);
  }
}

test('cpu (the default) is the fastest CPU kernels: wasm-simd, threads as asked', async () => {
  await withBackend(createNodeBackend({ threads: 2 }), (b) => {
    assert.equal(b.info, { backend: 'cpu', kernels: 'wasm-simd', threads: 2, name: 'cpu-wasm-simd x2', notes: [] });
  });
  await withBackend(createNodeBackend({ backend: 'cpu', threads: 1 }), (b) => {
    assert.equal(b.info, { backend: 'cpu', kernels: 'wasm-simd', threads: 1, name: 'cpu-wasm-simd', notes: [] });
  });
});

test('kernels for experts: typescript and reference', async () => {
  await withBackend(createNodeBackend({ kernels: 'typescript' }), (b) => {
    assert.equal(b.info, { backend: 'cpu', kernels: 'typescript', threads: 1, name: 'cpu-typescript', notes: [] });
  });
  await withBackend(createNodeBackend({ kernels: 'reference' }), (b) => {
    assert.equal(b.info, { backend: 'cpu', kernels: 'reference', threads: 1, name: 'cpu-reference', notes: [] });
  });
});

test('gpu is gpu.js; auto without a hardware GPU is the CPU and says why', async () => {
  await withBackend(createNodeBackend({ backend: 'gpu', gpuMode: 'webasm' }), (b) => {
    assert.equal(b.info, { backend: 'gpu', kernels: 'gpu.js', threads: 1, gpuMode: 'webasm', name: 'gpu.js webasm', notes: [] });
  });
  await withBackend(createNodeBackend({ backend: 'auto', threads: 1 }), (b) => {
    assert.is(b.info.backend, 'cpu');
    assert.is(b.info.notes.length, 1);
    assert.match(b.info.notes[0], /^auto chose the CPU: gpu\.js modes here: webasm, none on a hardware GPU/);
  });
});

test('contradictory or unknown options are refused, naming them', async () => {
  const cases: Array<[BackendOptions, RegExp]> = [
    [{ backend: 'gpu', kernels: 'wasm-simd' }, /kernels 'wasm-simd' chooses CPU kernels: it does not go with backend 'gpu'/],
    [{ backend: 'gpu', threads: 2 }, /threads are CPU threads: they do not go with backend 'gpu'/],
    [{ backend: 'cpu', gpuMode: 'webasm' }, /gpuMode 'webasm' needs backend 'gpu' or backend 'auto'/],
    [{ gpuMode: 'webasm' }, /needs backend 'gpu' or backend 'auto'/],
    [{ backend: 'auto', gpuMode: 'webasm', kernels: 'typescript' }, /give one/],
    [{ kernels: 'typescript', threads: 2 }, /kernels 'typescript' run on one thread, got threads 2 \(threads need kernels 'wasm-simd'\)/],
    [{ backend: 'quantum' as never }, /unknown backend 'quantum' \(choose from auto, cpu, gpu\)/],
    [{ kernels: 'fortran' as never }, /unknown kernels 'fortran'/],
    [{ gpuMode: 'metal' as never, backend: 'gpu' }, /unknown gpuMode 'metal'/],
  ];
  for (const threads of [0, -1, 2.5, 33, Number.NaN]) cases.push([{ threads }, /threads must be an integer from 1 to 32/]);
  // A misspelt name would otherwise be ignored and the default run in its place.
  cases.push([{ thread: 2 } as never, /createBackend: unknown option 'thread' \(did you mean 'threads'\?\); the options are backend, threads, /]);
  cases.push([{ Backend: 'cpu' } as never, /unknown option 'Backend' \(did you mean 'backend'\?\)/]);
  cases.push([null as never, /createBackend: the options must be an object, got null/]);
  for (const threadedMinMacs of [-1, Number.NaN, '0']) {
    cases.push([{ threadedMinMacs } as never, /threadedMinMacs must be a number of at least 0, got/]);
  }
  cases.push([{ wasmModule: new Uint8Array(8) } as never, /wasmModule must be a WebAssembly\.Module \(splade-ts\/kernels\.wasm compiled\), got/]);
  for (const [options, message] of cases) {
    try {
      disposeBackend(await createNodeBackend(options));
      assert.unreachable(JSON.stringify(options));
    } catch (error) {
      assert.instance(error, BackendOptionsError, JSON.stringify(options));
      assert.match((error as Error).message, message);
    }
  }
});

test('a machine reporting 48 cores gets DEFAULT_MAX_THREADS threads by default, and they compute', async () => {
  const big: ThreadPlatform = { cores: () => 48, startWorkers: NODE_THREADS.startWorkers };
  const backend = await createBackendOn(big, {});
  try {
    assert.is(DEFAULT_MAX_THREADS, 16);
    assert.equal(backend.info, { backend: 'cpu', kernels: 'wasm-simd', threads: 16, name: 'cpu-wasm-simd x16', notes: [] });
    const folder = await loadModelFolderFromDisk(f32);
    const config = requireBertConfig(folder.config);
    const model = await BertForMaskedLM.load(config, folder.weights, backend);
    const input = bertInputFromRows({ input_ids: [[2, 40, 41, 42, 3]] }, config);
    const single = await BertForMaskedLM.load(config, folder.weights, await createBackend({ kernels: 'reference' }));
    const [a, b] = [await model.forward(input, { splade: true }), await single.forward(input, { splade: true })];
    // Same math in another summation order: float32 rounding only.
    a.splade!.data.forEach((value, i) => assert.ok(Math.abs(value - b.splade!.data[i]) <= 1e-4, `term ${i}`));
  } finally {
    disposeBackend(backend);
  }
});

test('the Node default is the core count, capped', async () => {
  await withBackend(createNodeBackend(), (b) => {
    assert.is(b.info.threads, Math.min(NODE_THREADS.cores() as number, DEFAULT_MAX_THREADS));
  });
});

test('where Web Workers cannot run (Node is no cross-origin isolated context), the browser factory runs one thread and says why when more were asked for', async () => {
  assert.is(webWorkersUsable(), false);
  await withBackend(createBackend(), (b) => assert.equal(b.info.notes, []));
  await withBackend(createBackend({ threads: 4 }), (b) => {
    assert.is(b.info.threads, 1);
    assert.match(b.info.notes.join('\n'), /^1 thread instead of 4: this context is not cross-origin isolated/);
  });
});

test('workers that fail to start mean one thread, with a note', async () => {
  const failing: ThreadPlatform = { cores: () => 4, startWorkers: () => Promise.reject(new Error('blocked by CSP')) };
  await withBackend(createBackendOn(failing, {}), (b) => {
    assert.is(b.info.threads, 1);
    assert.equal(b.info.notes, ['1 thread instead of 4: the worker threads did not start (blocked by CSP)']);
  });
});

test.run();
