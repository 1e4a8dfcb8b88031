// config.json of a Hugging Face RoBERTa checkpoint (`model_type: "roberta"`): BERT's fields
// (RobertaConfig is BertConfig with other defaults), validated as BERT's are.
import { ConfigFields } from '../config-fields.js';
import { BERT_CONFIG_DEFAULTS, parseBertArchitecture, type BertArchitecture } from '../bert/config.js';

export interface RobertaConfig extends BertArchitecture {
  readonly model_type: 'roberta';
}

/** transformers' RobertaConfig defaults: BertConfig's, with RoBERTa's vocabulary and padding id. */
export const ROBERTA_CONFIG_DEFAULTS: RobertaConfig = {
  ...BERT_CONFIG_DEFAULTS,
  model_type: 'roberta',
  vocab_size: 50265,
  pad_token_id: 1,
};

/** transformers' XLMRobertaConfig defaults: RobertaConfig's, but BERT's vocabulary size. */
export const XLM_ROBERTA_CONFIG_DEFAULTS: RobertaConfig = { ...ROBERTA_CONFIG_DEFAULTS, vocab_size: 30522 };

/**
 * Validates a parsed RoBERTa config.json and fills in defaults (RobertaConfig's, or
 * XLM_ROBERTA_CONFIG_DEFAULTS for an XLM-RoBERTa config read as RoBERTa's).
 * @throws ConfigError naming `source` and the field
 */
export function parseRobertaConfig(json: unknown, source: string, defaults: RobertaConfig = ROBERTA_CONFIG_DEFAULTS): RobertaConfig {
  const fields = new ConfigFields(json, source);
  const modelType = fields.get('model_type') ?? 'roberta';
  if (modelType !== 'roberta') fields.fail('model_type', `is ${JSON.stringify(modelType)}; expected 'roberta'`);
  const config: RobertaConfig = { model_type: 'roberta', ...parseBertArchitecture(fields, defaults) };
  if (robertaSequenceLength(config) < 2) {
    fields.fail('max_position_embeddings', `(${config.max_position_embeddings}) leaves no room for a sequence: RoBERTa's positions start after pad_token_id (${config.pad_token_id})`);
  }
  return config;
}

/**
 * The longest sequence a RoBERTa model takes: its positions start at pad_token_id + 1 (see
 * position-ids.ts), so roberta-base's 514 position embeddings hold 512 tokens.
 */
export function robertaSequenceLength(config: Pick<RobertaConfig, 'max_position_embeddings' | 'pad_token_id'>): number {
  return config.max_position_embeddings - config.pad_token_id - 1;
}
