// config.json of a Hugging Face BERT checkpoint, validated, with the defaults of transformers'
// BertConfig for every field the file leaves out (so a minimal config.json reads as
// transformers would read it).
import { ConfigError, ConfigFields } from '../config-fields.js';

export { ConfigError };

/**
 * The activations of BERT's intermediate (feed-forward) layer that splade-ts accepts, by
 * their transformers `ACT2FN` names:
 * - `gelu`: x·Φ(x) with the exact erf (BERT's own)
 * - `gelu_new`, `gelu_pytorch_tanh`: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
 * - `gelu_fast`: the same tanh formula written as 0.5·x·(1 + tanh(0.7978845608·x·(1 + 0.044715·x²)))
 * - `quick_gelu`: x·sigmoid(1.702·x)
 * - `relu`: max(0, x)
 * - `silu`, `swish`: x·sigmoid(x)
 */
export const BERT_HIDDEN_ACTS = [
  'gelu',
  'gelu_new',
  'gelu_pytorch_tanh',
  'gelu_fast',
  'quick_gelu',
  'relu',
  'silu',
  'swish',
] as const;

export type BertHiddenAct = (typeof BERT_HIDDEN_ACTS)[number];

/** A BERT config as config.json spells it (snake_case), with transformers' defaults filled in. */
/**
 * What BERT's modules read of a config: every BertConfig field but the family name. RoBERTa's
 * encoder is BERT's (transformers copies the modules), so RobertaConfig has these fields too.
 */
export type BertArchitecture = Omit<BertConfig, 'model_type'>;

export interface BertConfig {
  readonly model_type: 'bert';
  /** e.g. `['BertForMaskedLM']`; absent in some hand-written configs. */
  readonly architectures?: readonly string[];
  readonly vocab_size: number;
  readonly hidden_size: number;
  readonly num_hidden_layers: number;
  readonly num_attention_heads: number;
  readonly intermediate_size: number;
  readonly hidden_act: BertHiddenAct;
  readonly hidden_dropout_prob: number;
  readonly attention_probs_dropout_prob: number;
  readonly max_position_embeddings: number;
  readonly type_vocab_size: number;
  readonly initializer_range: number;
  readonly layer_norm_eps: number;
  readonly pad_token_id: number;
  /** Only 'absolute' (learned position embeddings) is supported. */
  readonly position_embedding_type: 'absolute';
  /** Whether the MLM decoder shares the word embedding matrix (transformers' default: true). */
  readonly tie_word_embeddings: boolean;
  /** The dtype the checkpoint was saved from, e.g. 'float32' (informational). */
  readonly torch_dtype?: string;
  readonly transformers_version?: string;
}

/** transformers' BertConfig defaults (bert-base-uncased). */
export const BERT_CONFIG_DEFAULTS: BertConfig = {
  model_type: 'bert',
  vocab_size: 30522,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
  pad_token_id: 0,
  position_embedding_type: 'absolute',
  tie_word_embeddings: true,
};

/**
 * Validates a parsed config.json and fills in defaults.
 * @param json the parsed JSON
 * @param source where it came from (a path or URL), named in errors
 * @throws ConfigError naming `source` and the field
 */
export function parseBertConfig(json: unknown, source: string): BertConfig {
  const fields = new ConfigFields(json, source);
  const modelType = fields.get('model_type') ?? 'bert';
  if (modelType !== 'bert') fields.fail('model_type', `is ${JSON.stringify(modelType)}; only 'bert' models are supported`);
  return { model_type: 'bert', ...parseBertArchitecture(fields, BERT_CONFIG_DEFAULTS) };
}

/**
 * The fields BERT's modules read, validated, with `d`'s values for those the file leaves out
 * (BERT's defaults, or another family's that shares the architecture).
 */
export function parseBertArchitecture(fields: ConfigFields, d: BertArchitecture): BertArchitecture {
  const hiddenSize = fields.positiveInt('hidden_size', d.hidden_size);
  const heads = fields.positiveInt('num_attention_heads', d.num_attention_heads);
  if (hiddenSize % heads !== 0) fields.fail('hidden_size', `(${hiddenSize}) must be divisible by num_attention_heads (${heads})`);
  const positionType = fields.get('position_embedding_type') ?? d.position_embedding_type;
  if (positionType !== 'absolute') {
    fields.fail('position_embedding_type', `is ${JSON.stringify(positionType)}; only 'absolute' is supported`);
  }
  const architectures = fields.architectures();
  const vocabSize = fields.positiveInt('vocab_size', d.vocab_size);
  return {
    ...(architectures ? { architectures } : {}),
    vocab_size: vocabSize,
    hidden_size: hiddenSize,
    num_hidden_layers: fields.positiveInt('num_hidden_layers', d.num_hidden_layers),
    num_attention_heads: heads,
    intermediate_size: fields.positiveInt('intermediate_size', d.intermediate_size),
    hidden_act: fields.oneOf('hidden_act', d.hidden_act, BERT_HIDDEN_ACTS),
    hidden_dropout_prob: fields.probability('hidden_dropout_prob', d.hidden_dropout_prob),
    attention_probs_dropout_prob: fields.probability('attention_probs_dropout_prob', d.attention_probs_dropout_prob),
    max_position_embeddings: fields.positiveInt('max_position_embeddings', d.max_position_embeddings),
    type_vocab_size: fields.positiveInt('type_vocab_size', d.type_vocab_size),
    initializer_range: fields.number('initializer_range', d.initializer_range, (v) => v >= 0, 'a non-negative number'),
    layer_norm_eps: fields.number('layer_norm_eps', d.layer_norm_eps, (v) => v > 0 && v < 1, 'a positive number below 1'),
    pad_token_id: fields.padTokenId(d.pad_token_id, vocabSize),
    position_embedding_type: 'absolute',
    tie_word_embeddings: fields.boolean('tie_word_embeddings', d.tie_word_embeddings),
    ...fields.provenance(),
  };
}

/** Reads config.json text: JSON syntax errors become a ConfigError naming `source`. */
export function parseBertConfigText(text: string, source: string): BertConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${source}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return parseBertConfig(json, source);
}
