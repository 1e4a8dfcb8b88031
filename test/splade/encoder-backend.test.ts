// SpladeEncoder's backend options: what runs is named by backendInfo, asking for what is not
// there is an error (never a silent fallback), dispose frees it, and repeated encodes on the
// gpu.js backend do not keep device memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { createNodeBackend } from '../../src/node/backend.js';
import { disposeBackend } from '../../src/tensor/backend.js';
import { GpuUnavailableError } from '../../src/tensor/gpu/index.js';
import { BackendChoiceError } from '../../src/tensor/select-backend.js';

const f32 = fileURLToPath(new URL('../parity/fixtures/f32', import.meta.url));

/** The name of the CPU backend that `backend: 'cpu'` (the default) makes under Node. */
function nodeCpuBackendName(): string {
  const backend = createNodeBackend();
  disposeBackend(backend);
  return backend.name;
}

test('backendInfo says what runs: cpu by default, gpu.js webasm on request, auto picks the CPU without a GPU', async () => {
  const plain = await SpladeEncoder.fromPretrained(f32);
  assert.is(plain.backendInfo, nodeCpuBackendName());
  const gpu = await SpladeEncoder.fromPretrained(f32, { backend: 'gpu', gpuMode: 'webasm' });
  assert.is(gpu.backendInfo, 'gpu.js webasm');
  const auto = await SpladeEncoder.fromPretrained(f32, { backend: 'auto' });
  assert.is(auto.backendInfo, nodeCpuBackendName(), 'Node has no webgpu/webgl2: auto is the CPU');
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
    [{ backend: 'cpu', gpuMode: 'webasm' }, BackendChoiceError, /needs backend 'gpu' or 'auto'/],
    [{ backend: 'quantum' }, BackendChoiceError, /unknown backend 'quantum'/],
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

test('1,000 encodes on gpu.js webasm keep no activations alive', async () => {
  const encoder = await SpladeEncoder.fromPretrained(f32, { backend: 'gpu', gpuMode: 'webasm' });
  const backend = encoder.model.backend as unknown as { arena: unknown[]; retired: unknown[] };
  let live = 0;
  for (let i = 0; i < 1000; i++) {
    await encoder.encode([i % 2 ? 'the atomic bomb' : 'manhattan']);
    live = Math.max(live, backend.arena.length + backend.retired.length);
  }
  const perForward = backend.retired.length;
  assert.ok(perForward > 0 && live <= perForward, `live ${live}, one forward ${perForward}`);
  encoder.dispose();
  assert.is(backend.retired.length, 0);
});

test.run();
