import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, parseBertConfig, parseBertConfigText } from '../../src/models/bert/config.js';

// config.json of prithivida/Splade_PP_en_v1 as transformers wrote it.
const spladeConfig = {
  _name_or_path: 'bert-base-uncased',
  architectures: ['BertForMaskedLM'],
  attention_probs_dropout_prob: 0.1,
  classifier_dropout: null,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  hidden_size: 768,
  initializer_range: 0.02,
  intermediate_size: 3072,
  layer_norm_eps: 1e-12,
  max_position_embeddings: 512,
  model_type: 'bert',
  num_attention_heads: 12,
  num_hidden_layers: 12,
  pad_token_id: 0,
  position_embedding_type: 'absolute',
  torch_dtype: 'float32',
  transformers_version: '4.34.1',
  type_vocab_size: 2,
  use_cache: true,
  vocab_size: 30522,
};

function rejects(changes: Record<string, unknown>, field: string): void {
  const json = { ...spladeConfig, ...changes };
  try {
    parseBertConfig(json, 'models/x/config.json');
  } catch (error) {
    assert.instance(error, ConfigError);
    const message = (error as Error).message;
    assert.ok(message.includes('models/x/config.json'), message);
    assert.ok(message.includes(`'${field}'`), message);
    return;
  }
  assert.unreachable(`accepted ${JSON.stringify(changes)}`);
}

test('reads a real BERT config.json', () => {
  const config = parseBertConfig(spladeConfig, 'config.json');
  assert.is(config.hidden_size, 768);
  assert.is(config.num_attention_heads, 12);
  assert.is(config.hidden_act, 'gelu');
  assert.is(config.layer_norm_eps, 1e-12);
  assert.equal(config.architectures, ['BertForMaskedLM']);
  assert.is(config.tie_word_embeddings, true);
  assert.is(config.torch_dtype, 'float32');
});

test('fills in transformers defaults for missing fields', () => {
  const config = parseBertConfig({ hidden_size: 64, num_attention_heads: 4 }, 'config.json');
  assert.is(config.vocab_size, 30522);
  assert.is(config.num_hidden_layers, 12);
  assert.is(config.intermediate_size, 3072);
  assert.is(config.max_position_embeddings, 512);
  assert.is(config.type_vocab_size, 2);
  assert.is(config.layer_norm_eps, 1e-12);
  assert.is(config.pad_token_id, 0);
  assert.is(config.model_type, 'bert');
});

test('rejects sizes that are not positive integers', () => {
  rejects({ hidden_size: 0 }, 'hidden_size');
  rejects({ vocab_size: -1 }, 'vocab_size');
  rejects({ num_hidden_layers: 1.5 }, 'num_hidden_layers');
  rejects({ intermediate_size: '3072' }, 'intermediate_size');
  rejects({ max_position_embeddings: 'big' }, 'max_position_embeddings');
  rejects({ type_vocab_size: 1e12 }, 'type_vocab_size');
});

test('rejects hidden_size not divisible by the head count', () => {
  rejects({ hidden_size: 770 }, 'hidden_size');
});

test('rejects unknown activations, model types and position embeddings', () => {
  rejects({ hidden_act: 'gelu_10' }, 'hidden_act');
  rejects({ hidden_act: 3 }, 'hidden_act');
  rejects({ model_type: 'roberta' }, 'model_type');
  rejects({ model_type: 'distilbert' }, 'model_type');
  rejects({ position_embedding_type: 'relative_key' }, 'position_embedding_type');
});

test('rejects bad numbers and ids', () => {
  rejects({ layer_norm_eps: 0 }, 'layer_norm_eps');
  rejects({ pad_token_id: 30522 }, 'pad_token_id');
  rejects({ hidden_dropout_prob: 2 }, 'hidden_dropout_prob');
  rejects({ architectures: 'BertForMaskedLM' }, 'architectures');
  rejects({ tie_word_embeddings: 'yes' }, 'tie_word_embeddings');
});

test('rejects non-objects and bad JSON text', () => {
  assert.throws(() => parseBertConfig([], 'c.json'), (e: unknown) => e instanceof ConfigError);
  assert.throws(() => parseBertConfig(null, 'c.json'), (e: unknown) => e instanceof ConfigError);
  assert.throws(
    () => parseBertConfigText('{"hidden_size": ', 'dir/config.json'),
    (e: unknown) => e instanceof ConfigError && (e as Error).message.includes('dir/config.json'),
  );
});

test.run();
