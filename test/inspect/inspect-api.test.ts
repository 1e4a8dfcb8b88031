// The inspection API: transformers' hidden_states/attentions, module captures, the listing of
// capturable names, and where each SPLADE term's weight comes from.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BertForMaskedLM } from '../../src/models/bert/bert-for-masked-lm.js';
import { requireBertConfig } from '../../src/io/model-config.js';
import { attentionName, capturableNames, hiddenStateNames } from '../../src/models/bert/capture-names.js';
import { bertInputFromRows } from '../../src/models/bert/input.js';
import { loadModelFolderFromDisk } from '../../src/node/model-folder.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { explainText } from '../../src/splade/explain.js';
import { termOrigins } from '../../src/splade/term-origins.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';
import { writePlainSparseEncoderFolder } from '../helpers/sparse-encoder-folders.js';
import { createBackend } from '../../src/tensor/create-backend.js';

const f32 = fileURLToPath(new URL('../parity/fixtures/f32/', import.meta.url));
const rows = { input_ids: [[2, 40, 41, 42, 3], [2, 7, 3, 0, 0]], attention_mask: [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]] };

async function fixtureModel(): Promise<BertForMaskedLM> {
  const folder = await loadModelFolderFromDisk(f32);
  return BertForMaskedLM.load(requireBertConfig(folder.config), folder.weights, await createBackend({ threads: 1 }));
}

test('outputHiddenStates: embeddings first, then every layer, the last one the last hidden state', async () => {
  const model = await fixtureModel();
  const input = bertInputFromRows(rows, model.config);
  const layers = model.config.num_hidden_layers;
  const out = await model.forward(input, { outputHiddenStates: true, capture: ['bert.embeddings', 'bert.encoder.layer.0.output'] });
  assert.is(out.hiddenStates!.length, layers + 1);
  assert.equal(out.hiddenStates![0].data, out.captured.get('bert.embeddings')!.data);
  assert.equal(out.hiddenStates![1].data, out.captured.get('bert.encoder.layer.0.output')!.data);
  assert.equal(out.hiddenStates![layers].data, out.lastHiddenState.data);
  for (const h of out.hiddenStates!) assert.equal(h.shape, [2, 5, model.config.hidden_size]);
  // Only what the caller named is in `captured`: hidden states do not leak into it.
  assert.equal([...out.captured.keys()], ['bert.embeddings', 'bert.encoder.layer.0.output']);
  assert.is(out.attentions, undefined);
});

test('outputAttentions: probabilities per layer, rows sum to 1 (padded query rows too), padding keys get 0', async () => {
  const model = await fixtureModel();
  const input = bertInputFromRows(rows, model.config);
  const out = await model.forward(input, { outputAttentions: true });
  const heads = model.config.num_attention_heads;
  assert.is(out.attentions!.length, model.config.num_hidden_layers);
  assert.is(out.captured.size, 0);
  for (const a of out.attentions!) {
    assert.equal(a.shape, [2, heads, 5, 5]);
    for (let h = 0; h < heads; h++) {
      for (let q = 0; q < 5; q++) {
        const row = a.data.subarray(((1 * heads + h) * 5 + q) * 5, ((1 * heads + h) * 5 + q + 1) * 5);
        assert.ok(Math.abs(row.reduce((s, x) => s + x, 0) - 1) < 1e-5, `layer row ${q} sums to 1`);
        assert.equal([row[3], row[4]], [0, 0], 'padding keys get no attention');
      }
    }
  }
  const again = await model.forward(input, { capture: [attentionName(1)] });
  assert.equal(again.captured.get(attentionName(1))!.data, out.attentions![1].data);
});

test('capturing attention.self keeps its context and its probabilities, for every layer with *', async () => {
  const model = await fixtureModel();
  const out = await model.forward(bertInputFromRows(rows, model.config), { capture: ['bert.encoder.layer.*.attention.self'] });
  const names = [...out.captured.keys()];
  for (let i = 0; i < model.config.num_hidden_layers; i++) {
    assert.ok(names.includes(`bert.encoder.layer.${i}.attention.self`));
    assert.ok(names.includes(`bert.encoder.layer.${i}.attention.self.attention_probs`));
  }
  assert.is(names.length, 2 * model.config.num_hidden_layers);
});

test('capturableNames lists every name once with its shape, and each can be captured', async () => {
  const model = await fixtureModel();
  const { config } = model;
  const names = capturableNames(config);
  // embeddings and its LayerNorm; per layer query, key, value, self, attention_probs, output.dense,
  // output.LayerNorm, attention.output, attention, intermediate.dense, intermediate_act_fn,
  // intermediate, output.dense, output.LayerNorm, output, the layer; then bert.encoder, bert,
  // transform.dense, transform_act_fn, transform.LayerNorm, transform, decoder, predictions, cls
  assert.is(names.length, 2 + 16 * config.num_hidden_layers + 9);
  assert.is(new Set(names.map((n) => n.name)).size, names.length);
  assert.equal(names[0], { name: 'bert.embeddings', shape: ['batch', 'seq', config.hidden_size], description: names[0].description });
  assert.equal(names.find((n) => n.name === 'bert.encoder.layer.1.intermediate')!.shape, ['batch', 'seq', config.intermediate_size]);
  assert.equal(hiddenStateNames(2), ['bert.embeddings', 'bert.encoder.layer.0', 'bert.encoder.layer.1']);
  const out = await model.forward(bertInputFromRows(rows, config), { capture: names.map((n) => n.name) });
  for (const { name, shape } of names) {
    const expected = shape.map((d) => (d === 'batch' ? 2 : d === 'seq' ? 5 : d));
    assert.equal(out.captured.get(name)?.shape, expected, name);
  }
});

test('termOrigins: the max over real tokens, padding ignored, every token\'s weight', () => {
  // [1 sequence, 3 positions (the last is padding), 4 terms]
  const logits = new Tensor([1, 3, 4], Float32Array.from([
    1.0, -2.0, 0.5, -1.0,
    3.0, -1.0, 0.2, -0.5,
    9.0, 9.0, 9.0, 9.0,
  ]));
  const origins = termOrigins(logits, [1, 1, 0], 0);
  assert.equal(origins.map((o) => [o.termId, o.fromToken]), [[0, 1], [2, 0]], 'term 1 and 3 are never positive on real tokens');
  assert.ok(Math.abs(origins[0].weight - Math.log1p(3)) < 1e-6);
  assert.equal(Array.from(origins[1].perToken), [Math.fround(Math.log1p(0.5)), Math.fround(Math.log1p(Math.fround(0.2))), 0]);
  assert.throws(() => termOrigins(logits, [1, 1], 0), /attention mask has 2 values/);
  assert.throws(() => termOrigins(logits, [1, 1, 0], 1), /row 1 is outside the batch of 1/);
});

test('explainText: the same terms and weights as the fused SPLADE pooling, each from its argmax token', async () => {
  const dir = tempDir('explain-api');
  await writeRandomBertFolder(join(dir, 'model'), { layers: 2, hidden: 32, heads: 4, intermediate: 64, maxPositions: 64, vocab: 1500, seed: 11 });
  const encoder = await SpladeEncoder.fromPretrained(join(dir, 'model'));
  const text = 'The Manhattan Project and its atomic bomb helped bring an end to World War II.';
  const [vector] = await encoder.encode([text]);
  const explanation = await explainText(encoder, text);
  const byId = new Map(explanation.terms.map((t) => [t.termId, t]));
  assert.is(byId.size, vector.indices.length);
  vector.indices.forEach((id, i) => {
    const term = byId.get(id)!;
    assert.ok(Math.abs(term.weight - vector.values[i]) < 1e-5, `term ${id}: ${term.weight} vs ${vector.values[i]}`);
    assert.ok(Math.abs(Math.max(...term.perToken) - term.weight) < 1e-6);
    assert.is(term.perToken[term.fromToken], Math.max(...term.perToken));
    assert.is(term.inInput, explanation.inputIds.includes(id));
  });
  for (let i = 1; i < explanation.terms.length; i++) assert.ok(explanation.terms[i - 1].weight >= explanation.terms[i].weight);
  assert.equal(explanation.tokens, explanation.inputIds.map((id) => encoder.tokenizer!.idToToken(id)));
  assert.is(explanation.attentions.length, 2);
  assert.equal(explanation.attentions[0].shape, [4, explanation.tokens.length, explanation.tokens.length]);
});

test('explainText follows the folder: log1p_relu pooling and max_seq_length of a sentence-transformers folder', async () => {
  const dir = tempDir('explain-st');
  const mlm = join(dir, 'model');
  await writeRandomBertFolder(mlm, { layers: 2, hidden: 32, heads: 4, intermediate: 64, maxPositions: 64, vocab: 1500, seed: 12 });
  const st = join(dir, 'st');
  writePlainSparseEncoderFolder(st, mlm, { pooling_strategy: 'max', activation_function: 'log1p_relu' });
  writeFileSync(join(st, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 10 }));
  const encoder = await SpladeEncoder.fromPretrained(st);
  const text = 'The Manhattan Project and its atomic bomb helped bring an end to World War II.';
  const [vector] = await encoder.encode([text]);
  const explanation = await explainText(encoder, text);
  assert.is(explanation.inputIds.length, 10, 'cut to max_seq_length');
  assert.is(explanation.poolingActivation, 'log1p_relu', 'the report can say how weights are made');
  const byId = new Map(explanation.terms.map((t) => [t.termId, t]));
  assert.is(byId.size, vector.indices.length);
  // 1e-5: the pooled kernel's float32 log1p against Math.log1p, as in the test above.
  vector.indices.forEach((id, i) => assert.ok(Math.abs(byId.get(id)!.weight - vector.values[i]) < 1e-5, `term ${id}: ${byId.get(id)!.weight} vs ${vector.values[i]}`));
});

test.run();
