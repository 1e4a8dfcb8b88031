// config.json of a Hugging Face DistilBERT checkpoint (transformers' DistilBertConfig),
// validated, with DistilBertConfig's defaults for every field the file leaves out.
import { BERT_HIDDEN_ACTS, type BertHiddenAct } from '../bert/config.js';
import { ConfigFields } from '../config-fields.js';
import type { ModelSizes } from '../masked-lm.js';

/** A DistilBERT config as config.json spells it, with transformers' defaults filled in. */
export interface DistilBertConfig {
  readonly model_type: 'distilbert';
  /** e.g. `['DistilBertForMaskedLM']`. */
  readonly architectures?: readonly string[];
  readonly vocab_size: number;
  /** The hidden size (BERT's `hidden_size`). */
  readonly dim: number;
  /** The feed-forward size (BERT's `intermediate_size`). */
  readonly hidden_dim: number;
  readonly n_layers: number;
  readonly n_heads: number;
  /** The feed-forward and MLM-head activation, by transformers' ACT2FN name. */
  readonly activation: BertHiddenAct;
  readonly dropout: number;
  readonly attention_dropout: number;
  readonly max_position_embeddings: number;
  /**
   * Whether the position table is the fixed sinusoid of "Attention is all you need"; the
   * checkpoint usually holds it anyway, else it is computed as transformers does.
   */
  readonly sinusoidal_pos_embds: boolean;
  readonly initializer_range: number;
  readonly pad_token_id: number;
  /** Whether `vocab_projector` shares the word embedding matrix (transformers' default: true). */
  readonly tie_word_embeddings: boolean;
  readonly torch_dtype?: string;
  readonly transformers_version?: string;
}

/** DistilBERT's LayerNorms all use this epsilon (hard-coded in modeling_distilbert.py). */
export const DISTILBERT_LAYER_NORM_EPS = 1e-12;

/** transformers' DistilBertConfig defaults (distilbert-base-uncased). */
export const DISTILBERT_CONFIG_DEFAULTS: DistilBertConfig = {
  model_type: 'distilbert',
  vocab_size: 30522,
  dim: 768,
  hidden_dim: 3072,
  n_layers: 6,
  n_heads: 12,
  activation: 'gelu',
  dropout: 0.1,
  attention_dropout: 0.1,
  max_position_embeddings: 512,
  sinusoidal_pos_embds: false,
  initializer_range: 0.02,
  pad_token_id: 0,
  tie_word_embeddings: true,
};

/**
 * Validates a parsed DistilBERT config.json and fills in defaults.
 * @throws ConfigError naming `source` and the field
 */
export function parseDistilBertConfig(json: unknown, source: string): DistilBertConfig {
  const fields = new ConfigFields(json, source);
  const d = DISTILBERT_CONFIG_DEFAULTS;
  const modelType = fields.get('model_type');
  if (modelType !== 'distilbert') fields.fail('model_type', `is ${JSON.stringify(modelType)}, expected 'distilbert'`);
  const dim = fields.positiveInt('dim', d.dim);
  const heads = fields.positiveInt('n_heads', d.n_heads);
  if (dim % heads !== 0) fields.fail('dim', `(${dim}) must be divisible by n_heads (${heads})`);
  const architectures = fields.architectures();
  const vocabSize = fields.positiveInt('vocab_size', d.vocab_size);
  return {
    model_type: 'distilbert',
    ...(architectures ? { architectures } : {}),
    vocab_size: vocabSize,
    dim,
    hidden_dim: fields.positiveInt('hidden_dim', d.hidden_dim),
    n_layers: fields.positiveInt('n_layers', d.n_layers),
    n_heads: heads,
    activation: fields.oneOf('activation', d.activation, BERT_HIDDEN_ACTS),
    dropout: fields.probability('dropout', d.dropout),
    attention_dropout: fields.probability('attention_dropout', d.attention_dropout),
    max_position_embeddings: fields.positiveInt('max_position_embeddings', d.max_position_embeddings),
    sinusoidal_pos_embds: fields.boolean('sinusoidal_pos_embds', d.sinusoidal_pos_embds),
    initializer_range: fields.number('initializer_range', d.initializer_range, (v) => v >= 0, 'a non-negative number'),
    pad_token_id: fields.padTokenId(d.pad_token_id, vocabSize),
    tie_word_embeddings: fields.boolean('tie_word_embeddings', d.tie_word_embeddings),
    ...fields.provenance(),
  };
}

/** The config's sizes by BERT's names, as transformers' DistilBertConfig.attribute_map maps them. */
export function distilBertSizes(config: DistilBertConfig): ModelSizes {
  return {
    vocab_size: config.vocab_size,
    hidden_size: config.dim,
    num_hidden_layers: config.n_layers,
    num_attention_heads: config.n_heads,
    intermediate_size: config.hidden_dim,
    max_position_embeddings: config.max_position_embeddings,
    // No token type embeddings: only type 0 is accepted.
    type_vocab_size: 1,
  };
}
