// RoBERTa's config.json and position ids: transformers' RobertaConfig defaults, the family found
// by model_type or architectures, the sequence length its position table allows, and
// create_position_ids_from_input_ids's ids (the parity fixtures check them against torch too).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseModelConfig } from '../../src/io/model-config.js';
import { ConfigError } from '../../src/models/config-fields.js';
import { robertaSequenceLength } from '../../src/models/roberta/config.js';
import { robertaPositionIds } from '../../src/models/roberta/position-ids.js';

test('config.json: model_type roberta gets RobertaConfig defaults (vocabulary 50265, padding id 1)', () => {
  const config = parseModelConfig({ model_type: 'roberta' }, 'c.json');
  assert.is(config.model_type, 'roberta');
  if (config.model_type !== 'roberta') return;
  assert.equal([config.vocab_size, config.pad_token_id, config.hidden_size, config.max_position_embeddings, config.type_vocab_size],
    [50265, 1, 768, 512, 2]);
  assert.is(robertaSequenceLength(config), 510);
  assert.is(robertaSequenceLength({ max_position_embeddings: 514, pad_token_id: 1 }), 512);
});

test('config.json: a hand-written config without model_type is RoBERTa by its architectures', () => {
  assert.is(parseModelConfig({ architectures: ['RobertaForMaskedLM'], hidden_size: 8, num_attention_heads: 2 }, 'c.json').model_type, 'roberta');
});

test('config.json: a position table with no room past the padding id is refused, naming the field', () => {
  assert.throws(() => parseModelConfig({ model_type: 'roberta', max_position_embeddings: 3, pad_token_id: 1 }, 'x/config.json'),
    (e: unknown) => e instanceof ConfigError && /x\/config\.json: field 'max_position_embeddings' \(3\) leaves no room/.test(e.message));
});

test('position ids: padding id + rank among the non-padding tokens; padding tokens (even inside a row) take the padding id', () => {
  const input = {
    batch: 2, seq: 5,
    inputIds: Int32Array.from([0, 7, 8, 9, 2, 0, 7, 1, 2, 1]),
    attentionMask: Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]),
    tokenTypeIds: new Int32Array(10),
  };
  assert.equal(Array.from(robertaPositionIds(1)(input)), [2, 3, 4, 5, 6, 2, 3, 1, 4, 1]);
});

test.run();
