// The forward-pass scope (Backend.scope) on gpu.js's webasm mode: every path that runs the
// model (encode, explain, inspect's dump with captures, a plain forward with captures) frees
// its device arrays when the forward pass ends, so the count of live device arrays is flat
// across 20 calls of each; what the caller keeps stays readable.
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bertInputFromRows } from '../../src/models/bert/input.js';
import { dumpActivations } from '../../src/inspect/dump.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { explainText } from '../../src/splade/explain.js';
import type { GpuBackend } from '../../src/tensor/gpu/index.js';
import { Tensor } from '../../src/tensor/tensor.js';

const f32 = fileURLToPath(new URL('../parity/fixtures/f32', import.meta.url));
const encoder = await SpladeEncoder.fromPretrained(f32, { backend: 'gpu', gpuMode: 'webasm' });
const backend = encoder.model.backend as GpuBackend;
const rows = { input_ids: [[2, 40, 41, 42, 3], [2, 7, 3, 0, 0]], attention_mask: [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]] };

const paths: Array<[string, () => Promise<unknown>]> = [
  ['encode', () => encoder.encode(['the atomic bomb', 'manhattan'])],
  ['encodeInputIds', () => encoder.encodeInputIds(rows)],
  ['explain', () => explainText(encoder, 'the atomic bomb')],
  ['inspect (dumpActivations with captures)', () => dumpActivations(encoder.model, bertInputFromRows(rows, encoder.model.sizes), {
    hiddenStates: true, attentions: true, logits: true, capture: ['bert.encoder.layer.*.intermediate'],
  })],
];

for (const [name, run] of paths) {
  test(`${name}: live device arrays flat over 20 calls`, async () => {
    await run(); // first use uploads the LayerNorm weights once
    const before = backend.liveDeviceArrays;
    const counts: number[] = [];
    for (let i = 0; i < 20; i++) {
      await run();
      counts.push(backend.liveDeviceArrays);
    }
    assert.equal(counts, new Array<number>(20).fill(before), `${name}: ${counts.join(', ')} (before: ${before})`);
  });
}

test('what a forward pass hands out stays readable after its scope released the device', async () => {
  const explanation = await explainText(encoder, 'the atomic bomb');
  const dumped = await dumpActivations(encoder.model, bertInputFromRows(rows, encoder.model.sizes), { hiddenStates: true });
  await encoder.encode(['something else']); // more forward passes in between
  assert.ok(explanation.attentions.every((a) => a.data.every(Number.isFinite)));
  for (const [, tensor] of dumped) assert.ok(tensor.data.length > 0 && tensor.data.every(Number.isFinite));
});

test('ops outside a scope are freed at the next forward pass, as before', async () => {
  const x = new Tensor([2, 3], Float32Array.from([1, 2, 3, 4, 5, 6]));
  const before = backend.liveDeviceArrays;
  await backend.add(x, x);
  assert.ok(backend.liveDeviceArrays > before);
  await backend.scope(async () => undefined);
  assert.is(backend.liveDeviceArrays, before);
});

test('dispose frees every device array', () => {
  encoder.dispose();
  assert.is(backend.liveDeviceArrays, 0);
});

test.run();
