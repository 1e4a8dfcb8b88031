// config.json of any model family splade-ts runs: the family is config.json's `model_type`
// (or, when a hand-written config leaves it out, its `architectures`), and the family's own
// parser validates the rest.
import { SpladeError } from '../errors.js';
import { ConfigError, parseBertConfig, type BertConfig } from '../models/bert/config.js';
import { parseDistilBertConfig, type DistilBertConfig } from '../models/distilbert/config.js';
import { checkQuantizationConfig } from './quantization-config.js';
import { parseRobertaConfig, robertaSequenceLength, XLM_ROBERTA_CONFIG_DEFAULTS, type RobertaConfig } from '../models/roberta/config.js';

/** A parsed config.json: `model_type` says which family. */
export type ModelConfig = BertConfig | DistilBertConfig | RobertaConfig;

/**
 * The `model_type`s that load, with the masked-LM class each is run as. XLM-RoBERTa is
 * RoBERTa's architecture under another name (same weights and names, `roberta.` prefix,
 * positions after padding_idx): it is run as RobertaForMaskedLM, its config parsed as a
 * RobertaConfig; only its tokenizer (SentencePiece Unigram) differs.
 */
export const SUPPORTED_MODEL_TYPES = {
  bert: 'BertForMaskedLM', distilbert: 'DistilBertForMaskedLM', roberta: 'RobertaForMaskedLM', 'xlm-roberta': 'XLMRobertaForMaskedLM',
} as const;

type Family = keyof typeof SUPPORTED_MODEL_TYPES;

function isFamily(modelType: unknown): modelType is Family {
  return typeof modelType === 'string' && Object.hasOwn(SUPPORTED_MODEL_TYPES, modelType);
}

function familyOf(raw: Record<string, unknown>, source: string): Family {
  const modelType = raw.model_type;
  if (modelType === undefined || modelType === null) {
    // A hand-written config without model_type: its architectures, else BERT.
    const architectures = Array.isArray(raw.architectures) ? raw.architectures : [];
    const named = (prefix: string): boolean => architectures.some((a) => typeof a === 'string' && a.startsWith(prefix));
    return named('DistilBert') ? 'distilbert' : named('Roberta') ? 'roberta' : named('XLMRoberta') ? 'xlm-roberta' : 'bert';
  }
  if (isFamily(modelType)) return modelType;
  const supported = Object.keys(SUPPORTED_MODEL_TYPES).map((t) => `'${t}'`).join(', ');
  throw new ConfigError(`${source}: field 'model_type' is ${JSON.stringify(modelType)}; supported: ${supported}`);
}

/**
 * Validates a parsed config.json of a supported family and fills in that family's defaults;
 * a `quantization_config` must describe weights the loader reads (checkQuantizationConfig).
 * @throws ConfigError naming `source` and the field
 */
export function parseModelConfig(json: unknown, source: string): ModelConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError(`${source}: config must be a JSON object`);
  const raw = json as Record<string, unknown>;
  const config = parseFamilyConfig(raw, source);
  checkQuantizationConfig(raw, source);
  return config;
}

function parseFamilyConfig(raw: Record<string, unknown>, source: string): ModelConfig {
  switch (familyOf(raw, source)) {
    case 'distilbert':
      return parseDistilBertConfig({ ...raw, model_type: 'distilbert' }, source);
    case 'roberta':
      return parseRobertaConfig({ ...raw, model_type: 'roberta' }, source);
    case 'xlm-roberta':
      return parseRobertaConfig({ ...raw, model_type: 'roberta' }, source, XLM_ROBERTA_CONFIG_DEFAULTS);
    case 'bert':
      return parseBertConfig(raw, source);
  }
}

/** Reads config.json text: JSON syntax errors become a ConfigError naming `source`. */
export function parseModelConfigText(text: string, source: string): ModelConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    if (error instanceof SpladeError) throw error;
    throw new ConfigError(`${source}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return parseModelConfig(json, source);
}

/**
 * The config as a BertConfig, for code that runs BERT only (benchmarks, BERT tests).
 * @throws ConfigError naming `source` when it is another family
 */
export function requireBertConfig(config: ModelConfig, source = 'config.json'): BertConfig {
  if (config.model_type !== 'bert') throw new ConfigError(`${source}: model_type is '${config.model_type}', expected a BERT model`);
  return config;
}

/**
 * The longest sequence a model of `config` takes: max_position_embeddings, less RoBERTa's
 * positions below pad_token_id + 1 (what the loaded model's `sizes` report too).
 */
export function maxSequenceLength(config: ModelConfig): number {
  return config.model_type === 'roberta' ? robertaSequenceLength(config) : config.max_position_embeddings;
}
