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
import { CpuBackend } from '../../src/tensor/cpu/cpu-backend.js';
import { WasmGemm } from '../../src/tensor/gemm/wasm-gemm.js';
import { readSafetensors } from '../../src/formats/safetensors.js';
import { writeSafetensors } from '../../src/formats/safetensors-writer.js';
import { generateBertForMaskedLM } from '../../tools/generate-model.js';

// The rows' values (odd sizes, repeated ids) are checked by the op-conformance harness
// (test/tensor/conformance/, case gatherLinearRows); here: ids outside the weight are refused.
test('wasm-simd gatherLinearRows refuses an id outside the prepared weight, naming the layer', () => {
  const backend = new CpuBackend(WasmGemm.create({ shared: false })!);
  const layer = backend.prepareLinear('t', new Tensor([7, 5])) as LinearHandle;
  for (const id of [7, -1]) assert.throws(() => backend.gatherLinearRows!(layer, Int32Array.of(0, id)), new RegExp(`^t: row ${id} outside \\[0, 7\\)$`));
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
