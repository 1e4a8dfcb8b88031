// DistilBERT's config.json reads its own field names through the readers BERT's uses
// (src/models/config-fields.ts): each bad field is refused with the file and the field named.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/models/bert/config.js';
import { DISTILBERT_CONFIG_DEFAULTS, parseDistilBertConfig } from '../../src/models/distilbert/config.js';

// config.json of distilbert-base-uncased as transformers writes it (DistilBertForMaskedLM).
const distilConfig = {
  activation: 'gelu',
  architectures: ['DistilBertForMaskedLM'],
  attention_dropout: 0.1,
  dim: 768,
  dropout: 0.1,
  hidden_dim: 3072,
  initializer_range: 0.02,
  max_position_embeddings: 512,
  model_type: 'distilbert',
  n_heads: 12,
  n_layers: 6,
  pad_token_id: 0,
  qa_dropout: 0.1,
  seq_classif_dropout: 0.2,
  sinusoidal_pos_embds: false,
  tie_weights_: true,
  transformers_version: '4.35.0',
  vocab_size: 30522,
};

function rejects(changes: Record<string, unknown>, field: string): void {
  try {
    parseDistilBertConfig({ ...distilConfig, ...changes }, 'models/d/config.json');
  } catch (error) {
    assert.instance(error, ConfigError);
    const message = (error as Error).message;
    assert.ok(message.includes('models/d/config.json') && message.includes(`'${field}'`), message);
    return;
  }
  assert.unreachable(`accepted ${JSON.stringify(changes)}`);
}

test('reads a real DistilBERT config.json, and fills in defaults for a minimal one', () => {
  const config = parseDistilBertConfig(distilConfig, 'config.json');
  assert.equal([config.dim, config.n_heads, config.n_layers, config.activation], [768, 12, 6, 'gelu']);
  assert.equal(config.architectures, ['DistilBertForMaskedLM']);
  assert.is(config.transformers_version, '4.35.0');
  assert.is(config.torch_dtype, undefined);
  const minimal = parseDistilBertConfig({ model_type: 'distilbert' }, 'config.json');
  assert.equal(minimal, { ...DISTILBERT_CONFIG_DEFAULTS });
});

test('refuses each kind of bad field, naming it', () => {
  rejects({ model_type: 'bert' }, 'model_type');
  rejects({ dim: 0 }, 'dim');
  rejects({ dim: 770 }, 'dim');
  rejects({ n_heads: 2.5 }, 'n_heads');
  rejects({ hidden_dim: '3072' }, 'hidden_dim');
  rejects({ activation: 'gelu_10' }, 'activation');
  rejects({ dropout: 2 }, 'dropout');
  rejects({ attention_dropout: -0.1 }, 'attention_dropout');
  rejects({ initializer_range: -1 }, 'initializer_range');
  rejects({ sinusoidal_pos_embds: 'no' }, 'sinusoidal_pos_embds');
  rejects({ pad_token_id: 30522 }, 'pad_token_id');
  rejects({ architectures: [1] }, 'architectures');
  rejects({ torch_dtype: 16 }, 'torch_dtype');
});

test('refuses a config that is not a JSON object', () => {
  assert.throws(() => parseDistilBertConfig([], 'c.json'), (e: unknown) => e instanceof ConfigError && (e as Error).message.includes('c.json'));
});

test.run();
