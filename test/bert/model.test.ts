import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BertForMaskedLM } from '../../src/models/bert/bert-for-masked-lm.js';
import { CAPTURE_POINTS, CaptureError } from '../../src/models/bert/capture.js';
import { parseBertConfigText, type BertConfig } from '../../src/models/bert/config.js';
import { bertInputFromRows, InputError } from '../../src/models/bert/input.js';
import { WeightError, candidateNames } from '../../src/models/bert/weights.js';
import { readSafetensors, type SafetensorsFile } from '../../src/formats/safetensors.js';
import { writeSafetensors, type TensorToWrite } from '../../src/formats/safetensors-writer.js';
import { createBackend } from '../../src/tensor/create-backend.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { rejects } from '../helpers/rejects.js';

/** WebAssembly SIMD on the calling thread (what the model ran on before it took a backend). */
const backend = await createBackend({ threads: 1 });

const fixtures = fileURLToPath(new URL('../parity/fixtures/', import.meta.url));

function fixture(name: string): { config: BertConfig; weights: SafetensorsFile } {
  const dir = join(fixtures, name);
  return {
    config: parseBertConfigText(readFileSync(join(dir, 'config.json'), 'utf8'), `${dir}/config.json`),
    weights: readSafetensors(readFileSync(join(dir, 'model.safetensors')), `${dir}/model.safetensors`),
  };
}

/** The fixture's tensors, edited: `edit` returns the tensors to write (by name). */
function rewrite(weights: SafetensorsFile, edit: (tensors: Map<string, TensorToWrite>) => void): SafetensorsFile {
  const tensors = new Map<string, TensorToWrite>();
  for (const name of weights.names()) {
    const info = weights.info(name)!;
    tensors.set(name, { dtype: 'F32', shape: info.shape, data: weights.float32(name) });
  }
  edit(tensors);
  return readSafetensors(writeSafetensors(tensors), 'edited.safetensors');
}

const input = (config: BertConfig) => bertInputFromRows({ input_ids: [[2, 40, 41, 3, 0], [2, 7, 3, 0, 0]], attention_mask: [[1, 1, 1, 1, 0], [1, 1, 1, 0, 0]] }, config);

test('checkpoint names: bert. prefix optional, legacy gamma/beta', () => {
  assert.equal(candidateNames('bert.embeddings.LayerNorm.weight'), [
    'bert.embeddings.LayerNorm.weight', 'embeddings.LayerNorm.weight', 'bert.embeddings.LayerNorm.gamma', 'embeddings.LayerNorm.gamma',
  ]);
  assert.equal(candidateNames('cls.predictions.bias'), ['cls.predictions.bias']);
});

test('a missing tensor is an error naming it and the spellings tried', async () => {
  const { config, weights } = fixture('f32');
  const edited = rewrite(weights, (t) => t.delete('bert.encoder.layer.1.attention.self.key.weight'));
  await rejects(BertForMaskedLM.load(config, edited, backend), (e: unknown) =>
    e instanceof WeightError && /missing tensor 'bert.encoder.layer.1.attention.self.key.weight'/.test(e.message)
      && /'encoder.layer.1.attention.self.key.weight'/.test(e.message));
});

test('a tensor of the wrong shape is an error naming it and both shapes', async () => {
  const { config, weights } = fixture('f32');
  const bigger = { ...config, intermediate_size: 65 };
  await rejects(BertForMaskedLM.load(bigger, weights, backend), (e: unknown) =>
    e instanceof WeightError && /'bert.encoder.layer.0.intermediate.dense.weight' has shape \[64, 32\], the config expects \[65, 32\]/.test(e.message));
});

test('a weight holding NaN or an infinity is an error naming the file, tensor and position, in every dtype', async () => {
  const { config, weights } = fixture('f32');
  const name = 'bert.encoder.layer.0.intermediate.dense.weight';
  const withValue = (tensor: string, index: number, value: number, dtype: 'F32' | 'F16' = 'F32') => rewrite(weights, (t) => {
    const data = Float32Array.from(t.get(tensor)!.data as Float32Array);
    data[index] = value;
    t.set(tensor, { dtype, shape: t.get(tensor)!.shape, data });
  });
  const k = config.hidden_size;
  for (const dtype of [undefined, 'f16', 'int8'] as const) {
    await rejects(BertForMaskedLM.load(config, withValue(name, 3 * k + 5, NaN), backend, { dtype }), (e: unknown) =>
      e instanceof WeightError && e.message === `edited.safetensors: tensor '${name}' holds NaN at [3, 5]: weights must be finite (a corrupt or overflowed checkpoint?)`);
    await rejects(BertForMaskedLM.load(config, withValue(name, 7, -Infinity), backend, { dtype }), /'bert\.encoder\.layer\.0\.intermediate\.dense\.weight' holds -Infinity at \[0, 7\]/);
  }
  // A float16 tensor kept as float16 (its bits checked), and a tensor that is not a linear weight.
  await rejects(BertForMaskedLM.load(config, withValue(name, k + 1, Infinity, 'F16'), backend), /'bert\.encoder\.layer\.0\.intermediate\.dense\.weight' holds Infinity at \[1, 1\]/);
  await rejects(BertForMaskedLM.load(config, withValue('bert.embeddings.position_embeddings.weight', 2 * k, NaN), backend), /'bert\.embeddings\.position_embeddings\.weight' holds NaN at \[2, 0\]/);
  // An int8 weight's scale.
  const int8 = rewrite(weights, (t) => {
    const { shape } = t.get(name)!;
    t.set(name, { dtype: 'I8', shape, data: new Int8Array(shape[0] * shape[1]).fill(3) });
    t.set(`${name}_scale`, { dtype: 'F32', shape: [shape[0], 1], data: new Float32Array(shape[0]).fill(0.01).fill(NaN, 4, 5) });
  });
  await rejects(BertForMaskedLM.load(config, int8, backend), /'bert\.encoder\.layer\.0\.intermediate\.dense\.weight_scale' holds NaN at \[4\]/);
});

test('the decoder is tied to the word embeddings unless the checkpoint has its own', async () => {
  const tied = fixture('f32');
  const model = await BertForMaskedLM.load(tied.config, tied.weights, backend);
  assert.ok(model.cls.predictions.tied);
  const untied = fixture('untied-decoder');
  assert.not.ok((await BertForMaskedLM.load(untied.config, untied.weights, backend)).cls.predictions.tied);
  const withoutDecoder = rewrite(untied.weights, (t) => t.delete('cls.predictions.decoder.weight'));
  await rejects(BertForMaskedLM.load(untied.config, withoutDecoder, backend), (e: unknown) =>
    e instanceof WeightError && /cls.predictions.decoder.weight/.test(e.message) && /tie_word_embeddings/.test(e.message));
});

test('a missing MLM head is an error naming the first tensor it needs', async () => {
  const { config, weights } = fixture('f32');
  const bare = rewrite(weights, (t) => { for (const name of [...t.keys()]) if (name.startsWith('cls.')) t.delete(name); });
  await rejects(BertForMaskedLM.load(config, bare, backend), /missing tensor 'cls\.predictions\./);
});

test('capture keeps every named activation with Hugging Face shapes', async () => {
  const { config, weights } = fixture('f32');
  const model = await BertForMaskedLM.load(config, weights, backend);
  const names = CAPTURE_POINTS.map(([name]) => name.replace('{i}', '*'));
  const out = await model.forward(input(config), { capture: names, splade: true });
  const [B, S, H, A, I, V] = [2, 5, config.hidden_size, config.num_attention_heads, config.intermediate_size, config.vocab_size];
  const shape = (name: string) => out.captured.get(name)?.shape;
  assert.equal(shape('bert.embeddings'), [B, S, H]);
  for (const layer of [0, 1]) {
    const p = `bert.encoder.layer.${layer}`;
    assert.equal(shape(`${p}.attention.self`), [B, S, H]);
    assert.equal(shape(`${p}.attention.self.attention_probs`), [B, A, S, S]);
    assert.equal(shape(`${p}.attention.output`), [B, S, H]);
    assert.equal(shape(`${p}.attention`), [B, S, H]);
    assert.equal(shape(`${p}.intermediate`), [B, S, I]);
    assert.equal(shape(`${p}.output`), [B, S, H]);
    assert.equal(shape(p), [B, S, H]);
  }
  assert.equal(shape('cls.predictions.transform'), [B, S, H]);
  assert.equal(shape('cls.predictions'), [B, S, V]);
  assert.equal(Array.from(out.captured.get('bert.encoder')!.data), Array.from(out.lastHiddenState.data));
  assert.equal(Array.from(out.captured.get('bert.encoder.layer.1')!.data), Array.from(out.lastHiddenState.data));
  // The pooled vector is the masked max of log(1 + relu(logits)) over the captured logits.
  const logits = out.captured.get('cls.predictions')!.data;
  const mask = [[1, 1, 1, 1, 0], [1, 1, 1, 0, 0]];
  for (let b = 0; b < B; b++) for (let v = 0; v < V; v++) {
    let m = 0;
    for (let t = 0; t < S; t++) if (mask[b][t]) m = Math.max(m, Math.log1p(Math.max(0, logits[(b * S + t) * V + v])));
    assert.ok(Math.abs(out.splade!.data[b * V + v] - m) < 1e-6, `splade[${b}][${v}]`);
  }
});

test('released activations are never kept or returned ones, and a later pass leaves earlier results alone', async () => {
  // The model hands the activations it is done with back to the backend (Backend.release),
  // which reuses their buffers for later results. Each released tensor is poisoned with NaN
  // here first: a tensor a capture keeps, or one the forward pass returns, released by mistake
  // would show it at once (a buffer released and then reused for a result is overwritten).
  const { config, weights } = fixture('f32');
  const own = await createBackend({ threads: 1 });
  let released = 0;
  const release = own.release!.bind(own);
  own.release = (t) => {
    released++;
    t.data.fill(Number.NaN);
    release(t);
  };
  const model = await BertForMaskedLM.load(config, weights, own);
  const names = CAPTURE_POINTS.map(([name]) => name.replace('{i}', '*')).filter((n) => !n.startsWith('cls.predictions.decoder') && n !== 'cls.predictions' && n !== 'cls');
  // Capturing every module keeps nearly every activation, so few are left to release.
  const cases: Array<[capture: string[], fewestReleased: number]> = [[names, 1], [['bert.encoder.layer.0.intermediate'], 11], [[], 11]];
  for (const [capture, fewestReleased] of cases) {
    released = 0;
    const out = await model.forward(input(config), { capture, splade: true, outputHiddenStates: true });
    const results = new Map<string, Tensor>([
      ...out.captured, ...out.hiddenStates!.map((t, i) => [`hidden state ${i}`, t] as const),
      ['lastHiddenState', out.lastHiddenState], ['splade', out.splade!],
    ]);
    assert.ok(released >= fewestReleased, `capturing ${capture.length} names: only ${released} tensors released`);
    const before = new Map([...results].map(([name, t]) => [name, Array.from(t.data)]));
    for (const [name, values] of before) assert.ok(values.every(Number.isFinite), `capturing ${capture.length} names: ${name} was released`);
    const other = bertInputFromRows({ input_ids: [[2, 9, 8, 7, 3], [2, 5, 3, 0, 0]], attention_mask: [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]] }, config);
    await model.forward(other, { splade: true });
    const again = await model.forward(input(config), { splade: true });
    for (const [name, t] of results) assert.equal(Array.from(t.data), before.get(name), `${name} changed by later passes`);
    assert.equal(Array.from(again.splade!.data), before.get('splade'), 'the same input, the same vector, on reused buffers');
  }
  own.dispose?.();
});

test('a capture name that matches nothing is an error listing the known names', async () => {
  const { config, weights } = fixture('f32');
  const model = await BertForMaskedLM.load(config, weights, backend);
  await rejects(model.forward(input(config), { capture: ['bert.encoder.layer.7.output'] }), (e: unknown) =>
    e instanceof CaptureError && /'bert.encoder.layer.7.output'/.test(e.message) && /bert.embeddings/.test(e.message));
  const out = await model.forward(input(config));
  assert.is(out.captured.size, 0);
  assert.is(out.splade, undefined);
});

test('forward rejects a hand-built batch with an id outside the vocabulary', async () => {
  const { config, weights } = fixture('f32');
  const model = await BertForMaskedLM.load(config, weights, backend);
  const bad = { ...input(config), inputIds: Int32Array.from([2, 40, 41, 3, 0, 2, 7, 999, 0, 0]) };
  await rejects(model.forward(bad), (e: unknown) => e instanceof InputError && /input_ids\[1\]\[2\] = 999/.test(e.message));
});

test.run();
