// Which LayerNorm each linear weight reads (the float columns of int8 come from it), checked
// against the tensor names transformers saves: every weight that reads a LayerNorm output is
// mapped, to a LayerNorm that exists, and no other weight is.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBertConfig } from '../../src/models/bert/config.js';
import { bertLayerNormReadBy } from '../../src/models/bert/layer-norm-inputs.js';
import { parseDistilBertConfig } from '../../src/models/distilbert/config.js';
import { distilBertLayerNormReadBy } from '../../src/models/distilbert/layer-norm-inputs.js';
import { bertForMaskedLMSpecs, distilBertForMaskedLMSpecs } from '../../tools/generate-model.js';

/** Each of `names` that `readBy` maps, with its LayerNorm, checked to be a LayerNorm of the model (its weight and bias among `names`). */
function mappedLayerNorms(names: readonly string[], readBy: (name: string) => string | undefined): Map<string, string> {
  const mapped = new Map(names.map((n) => [n, readBy(n)] as const).filter((e): e is [string, string] => e[1] !== undefined));
  for (const ln of mapped.values()) assert.ok(names.includes(`${ln}.weight`) && names.includes(`${ln}.bias`), `${ln} is a LayerNorm of the model`);
  return mapped;
}

test('BERT: query, key, value read the previous layer (or the embeddings), the feed-forward the attention, the head the last layer', () => {
  const config = parseBertConfig({ hidden_size: 8, num_attention_heads: 2, num_hidden_layers: 3, intermediate_size: 16, vocab_size: 50 }, 'test');
  const names = [...bertForMaskedLMSpecs(config).map((s) => s.name), 'cls.predictions.decoder.weight'];
  const mapped = mappedLayerNorms(names, (n) => bertLayerNormReadBy(n, 3));
  assert.is(mapped.get('bert.encoder.layer.0.attention.self.key.weight'), 'bert.embeddings.LayerNorm');
  assert.is(mapped.get('bert.encoder.layer.2.attention.self.value.weight'), 'bert.encoder.layer.1.output.LayerNorm');
  assert.is(mapped.get('bert.encoder.layer.1.intermediate.dense.weight'), 'bert.encoder.layer.1.attention.output.LayerNorm');
  assert.is(mapped.get('cls.predictions.transform.dense.weight'), 'bert.encoder.layer.2.output.LayerNorm');
  assert.is(mapped.get('bert.embeddings.word_embeddings.weight'), 'cls.predictions.transform.LayerNorm');
  assert.is(mapped.get('cls.predictions.decoder.weight'), 'cls.predictions.transform.LayerNorm');
  // 3 layers x (q, k, v, intermediate) + the transform + the word embeddings and the decoder.
  assert.is(mapped.size, 3 * 4 + 3);
  for (const name of ['bert.encoder.layer.0.attention.output.dense.weight', 'bert.encoder.layer.2.output.dense.weight', 'bert.encoder.layer.0.attention.self.query.bias']) {
    assert.is(bertLayerNormReadBy(name, 3), undefined, name);
  }
});

test('DistilBERT: q_lin, k_lin, v_lin read the previous output_layer_norm (or the embeddings), lin1 the sa_layer_norm, the head the last layer', () => {
  const config = parseDistilBertConfig({ model_type: 'distilbert', dim: 8, n_heads: 2, n_layers: 2, hidden_dim: 16, vocab_size: 50 }, 'test');
  const names = [...distilBertForMaskedLMSpecs(config).map((s) => s.name), 'vocab_projector.weight'];
  const mapped = mappedLayerNorms(names, (n) => distilBertLayerNormReadBy(n, 2));
  assert.is(mapped.get('distilbert.transformer.layer.0.attention.q_lin.weight'), 'distilbert.embeddings.LayerNorm');
  assert.is(mapped.get('distilbert.transformer.layer.1.attention.v_lin.weight'), 'distilbert.transformer.layer.0.output_layer_norm');
  assert.is(mapped.get('distilbert.transformer.layer.1.ffn.lin1.weight'), 'distilbert.transformer.layer.1.sa_layer_norm');
  assert.is(mapped.get('vocab_transform.weight'), 'distilbert.transformer.layer.1.output_layer_norm');
  assert.is(mapped.get('vocab_projector.weight'), 'vocab_layer_norm');
  assert.is(mapped.size, 2 * 4 + 3);
  assert.is(distilBertLayerNormReadBy('distilbert.transformer.layer.0.ffn.lin2.weight', 2), undefined);
});

test.run();
