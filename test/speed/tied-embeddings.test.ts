// Issue 6 (memory): on the WebAssembly backend, a tied MLM decoder's packed weight also serves
// the word embeddings, so the [vocab, hidden] table is not held twice. Reading rows back from
// the packed panels must give exactly the table's rows, and the model exactly the same outputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BertForMaskedLM } from '../../src/models/bert/bert-for-masked-lm.js';
import { bertInputFromRows } from '../../src/models/bert/input.js';
import type { LinearHandle } from '../../src/tensor/backend.js';
import { createBackend } from '../../src/tensor/create-backend.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { readSafetensors } from '../../src/formats/safetensors.js';
import { writeSafetensors } from '../../src/formats/safetensors-writer.js';
import { generateBertForMaskedLM } from '../../tools/generate-model.js';

function randomTable(rows: number, cols: number, seed: number): Float32Array {
  const data = new Float32Array(rows * cols);
  let state = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2 ** 32 - 0.5;
  }
  return data;
}

test('wasm-simd gatherLinearRows reads exactly the rows of the prepared weight, odd sizes too', async () => {
  const backend = await createBackend({ kernels: 'wasm-simd', threads: 1 });
  assert.type(backend.gatherLinearRows, 'function');
  for (const [rows, cols] of [[1, 1], [7, 5], [130, 33], [517, 64]]) {
    const table = new Tensor([rows, cols], randomTable(rows, cols, rows * 31 + cols));
    const layer = backend.prepareLinear('t', table) as LinearHandle;
    const ids = Int32Array.from({ length: 3 * rows + 1 }, (_, i) => (i * 7919) % rows);
    const expected = backend.gather(table, ids) as Tensor;
    const got = backend.gatherLinearRows!(layer, ids) as Tensor;
    assert.equal(got.shape, [ids.length, cols]);
    assert.ok(got.data.every((v, i) => Object.is(v, expected.data[i])), `rows ${rows}, cols ${cols}`);
    assert.throws(() => backend.gatherLinearRows!(layer, Int32Array.of(rows)), /outside/);
  }
});

test('a tied model on wasm-simd drops the word table and gives the same outputs as with it', async () => {
  const generated = generateBertForMaskedLM({ layers: 2, hidden: 64, heads: 4, intermediate: 128, maxPositions: 32, vocab: 300, seed: 3 });
  const source = readSafetensors(writeSafetensors(generated.tensors), 'tied.safetensors');
  const input = bertInputFromRows({ input_ids: [[2, 40, 299, 3, 0], [2, 7, 3, 0, 0]], attention_mask: [[1, 1, 1, 1, 0], [1, 1, 1, 0, 0]] }, generated.config);

  const shared = await BertForMaskedLM.load(generated.config, source, await createBackend({ kernels: 'wasm-simd', threads: 1 }));
  assert.ok(shared.cls.predictions.tied, 'the generated model is tied');
  assert.is(shared.bert.embeddings.wordEmbeddings, undefined, 'the table is still held');

  // The same engine without row read-back keeps the table: the outputs must not change.
  const plain = await createBackend({ kernels: 'wasm-simd', threads: 1 });
  Object.defineProperty(plain, 'gatherLinearRows', { value: undefined });
  const kept = await BertForMaskedLM.load(generated.config, source, plain);
  assert.ok(kept.bert.embeddings.wordEmbeddings, 'without gatherLinearRows the table stays');

  const a = await shared.forward(input, { splade: true, capture: ['bert.embeddings'] });
  const b = await kept.forward(input, { splade: true, capture: ['bert.embeddings'] });
  assert.equal(Array.from(a.captured.get('bert.embeddings')!.data), Array.from(b.captured.get('bert.embeddings')!.data));
  assert.equal(Array.from(a.splade!.data), Array.from(b.splade!.data));
});

test.run();
