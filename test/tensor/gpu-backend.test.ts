// The gpu.js backend in Node: only gpu.js's WebAssembly mode exists here (no WebGL, no
// WebGPU adapter). Its ops are checked against the reference by the op-conformance harness
// (test/tensor/op-conformance.test.ts); here: device memory, limits, the kernel cache, dispose.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GpuBackend, GpuLimitError, GpuUnavailableError, DeviceTensor } from '../../src/tensor/gpu/index.js';
import { Tensor } from '../../src/tensor/tensor.js';

let backend: GpuBackend | undefined;

test('webasm opens in Node', async () => {
  backend = await GpuBackend.create({ mode: 'webasm' });
  assert.is(backend.name, 'gpu.js webasm');
});

test('activations stay on the device until read, reshape keeps them past the forward pass', async () => {
  const b = backend!;
  const x = new Tensor([2, 3], Float32Array.from([1, 2, 3, 4, 5, 6]));
  const sum = await b.add(x, x);
  assert.instance(sum, DeviceTensor);
  const kept = sum.reshape([3, 2]);
  const dropped = await b.add(sum, x);
  const unread = await b.add(x, x);
  const tokens = { batch: 1, seq: 2, mask: Uint8Array.from([1, 1]) };
  const decoder = await b.prepareLinear('d', new Tensor([1, 3], Float32Array.from([1, 0, 0])));
  await b.spladePool(sum, decoder, tokens); // ends the forward pass
  assert.equal([...dropped.data], [3, 6, 9, 12, 15, 18], 'readable until the next op');
  await b.add(x, x); // the next forward pass frees the previous one's activations
  assert.equal([...kept.data], [2, 4, 6, 8, 10, 12]);
  assert.equal([...sum.data], [2, 4, 6, 8, 10, 12], 'the reshaped view shares its storage');
  assert.throws(() => unread.data.length, /released/);
});

test('asking for a mode that is not available here is an error, never a fallback', async () => {
  for (const mode of ['webgl2', 'webgpu'] as const) {
    try {
      await GpuBackend.create({ mode });
      assert.unreachable(`${mode} opened in Node`);
    } catch (error) {
      assert.instance(error, GpuUnavailableError);
      assert.match((error as Error).message, new RegExp(`'${mode}' is not available here \\(available: webasm\\)`));
    }
  }
});

test('a tensor larger than a texture or buffer holds is refused before anything runs, naming it', async () => {
  const small = await GpuBackend.create({ mode: 'webasm', maxElements: 1000 });
  try {
    await small.prepareLinear('bert.encoder.layer.0.intermediate.dense', new Tensor([40, 30]));
    assert.unreachable();
  } catch (error) {
    assert.instance(error, GpuLimitError);
    assert.match((error as Error).message, /^bert\.encoder\.layer\.0\.intermediate\.dense\.weight \[40, 30\] has 1200 values, more than one webasm array holds here \(1000\)$/);
  }
  const layer = await small.prepareLinear('ok', new Tensor([10, 10]));
  try {
    await small.linear(new Tensor([200, 10]), layer);
    assert.unreachable();
  } catch (error) {
    assert.match((error as Error).message, /^ok output \[200, 10\] has 2000 values/);
  }
  small.dispose();
});

test('the kernel cache is bounded (one set per sequence length) and weights survive eviction', async () => {
  const b = await GpuBackend.create({ mode: 'webasm' });
  const layer = await b.prepareLinear('l', new Tensor([2, 2], Float32Array.from([1, 2, 3, 4])));
  for (let n = 1; n <= 300; n++) {
    const x = new Tensor([1, n], new Float32Array(n).fill(n));
    assert.is((await b.add(x, x)).data[n - 1], 2 * n);
  }
  const kernels = (b as unknown as { kernels: Map<string, unknown> }).kernels;
  assert.ok(kernels.size <= 256, `${kernels.size} kernels cached`);
  const y = await b.linear(new Tensor([1, 2], Float32Array.from([1, 1])), layer);
  assert.equal([...y.data], [3, 7]);
  b.dispose();
});

test('dispose frees the backend; using it afterwards is an error', async () => {
  const b = backend!;
  b.dispose();
  await assert.not.throws(() => b.dispose());
  try {
    await b.add(new Tensor([1, 1]), new Tensor([1, 1]));
    assert.unreachable();
  } catch (error) {
    assert.match((error as Error).message, /disposed/);
  }
});

test.run();
