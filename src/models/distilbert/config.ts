// config.json of a Hugging Face DistilBERT checkpoint (transformers' DistilBertConfig),
// validated, with DistilBertConfig's defaults for every field the file leaves out.
import { BERT_HIDDEN_ACTS, ConfigError, type BertHiddenAct } from '../bert/config.js';
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

const MAX_DIMENSION = 1 << 24;

/**
 * Validates a parsed DistilBERT config.json and fills in defaults.
 * @throws ConfigError naming `source` and the field
 */
export function parseDistilBertConfig(json: unknown, source: string): DistilBertConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`${source}: config must be a JSON object`);
  }
  const raw = json as Record<string, unknown>;
  const fail = (field: string, why: string): never => {
    throw new ConfigError(`${source}: field '${field}' ${why}`);
  };
  const d = DISTILBERT_CONFIG_DEFAULTS;
  if (raw.model_type !== 'distilbert') fail('model_type', `is ${JSON.stringify(raw.model_type)}, expected 'distilbert'`);

  const positiveInt = (field: keyof DistilBertConfig & string, fallback: number): number => {
    const value = raw[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > MAX_DIMENSION) {
      fail(field, `must be a positive integer (at most ${MAX_DIMENSION}), got ${JSON.stringify(value)}`);
    }
    return value as number;
  };
  const number = (field: keyof DistilBertConfig & string, fallback: number, check: (v: number) => boolean, what: string): number => {
    const value = raw[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) fail(field, `must be ${what}, got ${JSON.stringify(value)}`);
    return value as number;
  };
  const boolean = (field: keyof DistilBertConfig & string, fallback: boolean): boolean => {
    const value = raw[field] ?? fallback;
    if (typeof value !== 'boolean') fail(field, `must be true or false, got ${JSON.stringify(value)}`);
    return value as boolean;
  };
  const optionalString = (field: string): string | undefined => {
    const value = raw[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') fail(field, `must be a string, got ${JSON.stringify(value)}`);
    return value as string;
  };

  const dim = positiveInt('dim', d.dim);
  const heads = positiveInt('n_heads', d.n_heads);
  if (dim % heads !== 0) fail('dim', `(${dim}) must be divisible by n_heads (${heads})`);
  const activation = raw.activation ?? d.activation;
  if (typeof activation !== 'string' || !(BERT_HIDDEN_ACTS as readonly string[]).includes(activation)) {
    fail('activation', `is ${JSON.stringify(activation)}; supported: ${BERT_HIDDEN_ACTS.join(', ')}`);
  }
  let architectures: string[] | undefined;
  if (raw.architectures !== undefined && raw.architectures !== null) {
    if (!Array.isArray(raw.architectures) || raw.architectures.some((a) => typeof a !== 'string')) {
      fail('architectures', `must be an array of strings, got ${JSON.stringify(raw.architectures)}`);
    }
    architectures = raw.architectures as string[];
  }
  const vocabSize = positiveInt('vocab_size', d.vocab_size);
  const pad = raw.pad_token_id ?? d.pad_token_id;
  if (typeof pad !== 'number' || !Number.isInteger(pad) || pad < 0 || pad >= vocabSize) {
    fail('pad_token_id', `must be an integer in [0, vocab_size=${vocabSize}), got ${JSON.stringify(pad)}`);
  }
  const probability = (v: number): boolean => v >= 0 && v <= 1;
  const torchDtype = optionalString('torch_dtype');
  const transformersVersion = optionalString('transformers_version');
  return {
    model_type: 'distilbert',
    ...(architectures ? { architectures } : {}),
    vocab_size: vocabSize,
    dim,
    hidden_dim: positiveInt('hidden_dim', d.hidden_dim),
    n_layers: positiveInt('n_layers', d.n_layers),
    n_heads: heads,
    activation: activation as BertHiddenAct,
    dropout: number('dropout', d.dropout, probability, 'a number in [0, 1]'),
    attention_dropout: number('attention_dropout', d.attention_dropout, probability, 'a number in [0, 1]'),
    max_position_embeddings: positiveInt('max_position_embeddings', d.max_position_embeddings),
    sinusoidal_pos_embds: boolean('sinusoidal_pos_embds', d.sinusoidal_pos_embds),
    initializer_range: number('initializer_range', d.initializer_range, (v) => v >= 0, 'a non-negative number'),
    pad_token_id: pad as number,
    tie_word_embeddings: boolean('tie_word_embeddings', d.tie_word_embeddings),
    ...(torchDtype !== undefined ? { torch_dtype: torchDtype } : {}),
    ...(transformersVersion !== undefined ? { transformers_version: transformersVersion } : {}),
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
