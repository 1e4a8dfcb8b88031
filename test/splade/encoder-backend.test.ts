// SpladeEncoder's backend options: what runs is named by backendInfo, asking for what is not
// there is an error (never a silent fallback), dispose frees it, and repeated encodes on the
// gpu.js backend do not keep device memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { createBackend } from '../../src/node/backend.js';
import { disposeBackend } from '../../src/tensor/backend.js';
import { GpuUnavailableError } from '../../src/tensor/gpu/index.js';
import { BackendOptionsError, type BackendInfo } from '../../src/tensor/backend-options.js';

const f32 = fileURLToPath(new URL('../parity/fixtures/f32', import.meta.url));

/** What the CPU backend that `backend: 'cpu'` (the default) makes under Node runs. */
async function nodeCpuInfo(): Promise<BackendInfo> {
  const backend = await createBackend();
  disposeBackend(backend);
  return backend.info;
}

test('backendInfo says what runs: cpu by default, gpu.js webasm on request, auto picks the CPU without a GPU', async () => {
  const plain = await SpladeEncoder.fromPretrained(f32);
  assert.equal(plain.backendInfo, await nodeCpuInfo());
  const gpu = await SpladeEncoder.fromPretrained(f32, { backend: 'gpu', gpuMode: 'webasm' });
  assert.equal(gpu.backendInfo, { backend: 'gpu', kernels: 'gpu.js', threads: 1, gpuMode: 'webasm', name: 'gpu.js webasm', notes: [] });
  const auto = await SpladeEncoder.fromPretrained(f32, { backend: 'auto' });
  assert.is(auto.backendInfo.name, (await nodeCpuInfo()).name, 'Node has no webgpu/webgl2: auto is the CPU');
  assert.match(auto.backendInfo.notes[0], /auto chose the CPU/);
  const two = await SpladeEncoder.fromPretrained(f32, { threads: 2 });
  assert.is(two.backendInfo.name, 'cpu-wasm-simd x2');
  two.dispose();
  const reference = await SpladeEncoder.fromPretrained(f32, { kernels: 'reference' });
  assert.is(reference.backendInfo.kernels, 'reference');
  reference.dispose();
  const [a] = await plain.encode(['the atomic bomb']);
  const [b] = await gpu.encode(['the atomic bomb']);
  assert.equal([...b.indices], [...a.indices]);
  b.values.forEach((value, k) => assert.ok(Math.abs(value - a.values[k]) <= 1e-4));
  gpu.dispose();
  await assert.not.throws(() => gpu.dispose());
  plain.dispose();
  auto.dispose();
});

test('asking for what is not there is an error naming it', async () => {
  for (const [options, type, message] of [
    [{ backend: 'gpu', gpuMode: 'webgpu' }, GpuUnavailableError, /'webgpu' is not available here/],
    [{ backend: 'auto', gpuMode: 'webgl2' }, GpuUnavailableError, /'webgl2' is not available here/],
    [{ backend: 'cpu', gpuMode: 'webasm' }, BackendOptionsError, /needs backend 'gpu' or backend 'auto'/],
    [{ backend: 'quantum' }, BackendOptionsError, /unknown backend 'quantum'/],
    [{ backend: 'gpu', kernels: 'typescript' }, BackendOptionsError, /CPU kernels/],
    [{ threads: 0 }, BackendOptionsError, /threads must be an integer from 1 to 32, got 0/],
  ] as const) {
    try {
      await SpladeEncoder.fromPretrained(f32, options as never);
      assert.unreachable(JSON.stringify(options));
    } catch (error) {
      assert.instance(error, type);
      assert.match((error as Error).message, message);
    }
  }
});

test('a Backend instance takes no other backend option', async () => {
  const backend = await createBackend({ threads: 1 });
  try {
    await SpladeEncoder.fromPretrained(f32, { backend, threads: 2 });
    assert.unreachable('threads next to a Backend accepted');
  } catch (error) {
    assert.instance(error, BackendOptionsError);
    assert.match((error as Error).message, /^threads: give these to createBackend/);
  } finally {
    disposeBackend(backend);
  }
});

test.run();
