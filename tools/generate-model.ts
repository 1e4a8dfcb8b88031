// Writes random-weight BertForMaskedLM, DistilBertForMaskedLM, RobertaForMaskedLM or
// XLMRobertaForMaskedLM folders in exact Hugging Face layout, for tests and benchmarks: model.safetensors with the tensor names
// transformers saves (the decoder is tied to the word embeddings, so cls.predictions.decoder.* /
// vocab_projector.weight / lm_head.decoder.* is absent), config.json as transformers writes it,
// the tokenizer files (vocab.txt, RoBERTa's tokenizer.json, vocab.json and merges.txt, or
// XLM-RoBERTa's SentencePiece Unigram tokenizer.json), tokenizer_config.json and
// special_tokens_map.json.
//
//   npm run generate-model -- --out DIR [--architecture DistilBertForMaskedLM] [--preset tiny|base] ...
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseBertConfig, type BertConfig, type BertHiddenAct } from '../src/models/bert/config.js';
import { bertLayerNormReadBy } from '../src/models/bert/layer-norm-inputs.js';
import { parseDistilBertConfig, type DistilBertConfig } from '../src/models/distilbert/config.js';
import { distilBertLayerNormReadBy } from '../src/models/distilbert/layer-norm-inputs.js';
import { sinusoidalPositionTable } from '../src/models/distilbert/sinusoidal.js';
import { robertaNameOf } from '../src/models/roberta/capture.js';
import { parseRobertaConfig, type RobertaConfig } from '../src/models/roberta/config.js';
import { robertaLayerNormReadBy } from '../src/models/roberta/layer-norm-inputs.js';
import { writeFileAtomic } from '../src/node/files.js';
import { writeSafetensorsFile } from '../src/node/safetensors-file.js';
import type { TensorToWrite } from '../src/formats/safetensors-writer.js';
import { bertBaseUncasedVocab } from './bert-vocab.js';
import { mulberry32 as uniform } from './random.js';
import { robertaVocab, writeRobertaTokenizerFiles } from './roberta-tokenizer-files.js';
import { writeXlmrTokenizerFiles, xlmrVocab } from './xlmr-tokenizer-files.js';

export type FloatDType = 'F32' | 'F16' | 'BF16';

export interface GenerateModelOptions {
  readonly layers?: number;
  readonly hidden?: number;
  readonly heads?: number;
  readonly intermediate?: number;
  readonly maxPositions?: number;
  /**
   * 'bert-base-uncased' (default): the real 30,522-token vocab. A number N: a small vocab of
   * N tokens drawn from it (specials, ASCII characters and their ## forms, then the most
   * frequent words), so tiny models still tokenize ordinary English.
   */
  readonly vocab?: 'bert-base-uncased' | number;
  readonly typeVocabSize?: number;
  readonly hiddenAct?: BertHiddenAct;
  readonly dtype?: FloatDType;
  /** PRNG seed: the same options and seed give the same bytes. */
  readonly seed?: number;
  /**
   * 'perturbed' (default): transformers' init (weights ~ N(0, 0.02), embeddings' padding row
   * zero) plus N(0, 0.02) noise on biases and LayerNorm parameters, so that parity tests notice
   * a dropped bias. 'hf': exactly transformers' init (biases 0, LayerNorm weight 1).
   */
  readonly init?: 'perturbed' | 'hf';
  /** Also save `bert.embeddings.position_ids` (I64), as transformers before 4.31 did. */
  readonly positionIds?: boolean;
  /**
   * Plant this many outlier features (default 0), as trained BERTs carry them: the same few
   * hidden dimensions get, in every LayerNorm, a gain about 10x the others' and a bias of
   * ±50-200, so those dimensions of every LayerNorm output sit at 50-200 where the rest stay
   * near 1. The other weights are unchanged (the dimensions come from a PRNG of their own).
   * In such a random model the outliers swamp everything downstream: every text gets nearly
   * the same SPLADE vector. See `readableOutliers`. BERT and DistilBERT alike.
   */
  readonly outliers?: number;
  /**
   * Plant `outliers` so that the model still tells texts apart (see plantReadableOutliers):
   * the same LayerNorm outputs of 50-200, with the residual and the weights that read them
   * kept in check as a trained model keeps them.
   */
  readonly readableOutliers?: boolean;
  /** DistilBERT only: `sinusoidal_pos_embds`, the position table the fixed sinusoid (saved, as transformers saves it). */
  readonly sinusoidal?: boolean;
}

/** The transformers classes the generator writes. */
export const ARCHITECTURES = ['BertForMaskedLM', 'DistilBertForMaskedLM', 'RobertaForMaskedLM', 'XLMRobertaForMaskedLM'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export const PRESETS: Readonly<Record<'tiny' | 'base', GenerateModelOptions>> = {
  tiny: { layers: 2, hidden: 32, heads: 4, intermediate: 64, maxPositions: 64, vocab: 1000 },
  base: { layers: 12, hidden: 768, heads: 12, intermediate: 3072, maxPositions: 512, vocab: 'bert-base-uncased' },
};

/** A generated model, in memory. */
export interface GeneratedModel {
  readonly config: BertConfig;
  /** config.json as transformers writes it. */
  readonly configJson: Record<string, unknown>;
  readonly vocab: readonly string[];
  /** Tensors in the order transformers' state_dict lists them. */
  readonly tensors: ReadonlyArray<readonly [string, TensorToWrite]>;
}

/** Fills `out` with N(mean, std) samples (Box-Muller). */
function normal(random: () => number, out: Float32Array, std: number, mean = 0): Float32Array {
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    out[i] = mean + std * r * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(angle);
  }
  return out;
}

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

/** A small vocab drawn from bert-base-uncased (see GenerateModelOptions.vocab). */
export function smallVocab(size: number): string[] {
  const full = bertBaseUncasedVocab();
  const chars = full.filter((t) => /^[\x21-\x7e]$/.test(t));
  const suffixes = full.filter((t) => /^##[a-z0-9]$/.test(t));
  const base = [...SPECIALS, ...chars, ...suffixes];
  if (size < base.length) throw new Error(`a small vocab needs at least ${base.length} tokens (specials and ASCII characters), got ${size}`);
  const taken = new Set(base);
  const words = full.slice(1996).filter((t) => !taken.has(t) && /^(##)?[a-z]+$/.test(t));
  return [...base, ...words.slice(0, size - base.length)];
}

/** One parameter of BertForMaskedLM and how transformers initializes it. */
export interface TensorSpec {
  readonly name: string;
  readonly shape: number[];
  /** weight: N(0, initializer_range); bias: 0; norm: LayerNorm weight, 1. */
  readonly kind: 'weight' | 'bias' | 'norm';
}

/**
 * The parameters transformers saves for BertForMaskedLM, in state_dict order. No pooler
 * (BertForMaskedLM has none) and no cls.predictions.decoder.* (tied to the word embeddings
 * and cls.predictions.bias, so save_pretrained drops them).
 */
export function bertForMaskedLMSpecs(config: BertConfig): TensorSpec[] {
  const H = config.hidden_size;
  const specs: TensorSpec[] = [];
  const linear = (prefix: string, outSize: number, inSize: number): void => {
    specs.push({ name: `${prefix}.weight`, shape: [outSize, inSize], kind: 'weight' });
    specs.push({ name: `${prefix}.bias`, shape: [outSize], kind: 'bias' });
  };
  const layerNorm = (prefix: string): void => {
    specs.push({ name: `${prefix}.weight`, shape: [H], kind: 'norm' });
    specs.push({ name: `${prefix}.bias`, shape: [H], kind: 'bias' });
  };
  specs.push({ name: 'bert.embeddings.word_embeddings.weight', shape: [config.vocab_size, H], kind: 'weight' });
  specs.push({ name: 'bert.embeddings.position_embeddings.weight', shape: [config.max_position_embeddings, H], kind: 'weight' });
  specs.push({ name: 'bert.embeddings.token_type_embeddings.weight', shape: [config.type_vocab_size, H], kind: 'weight' });
  layerNorm('bert.embeddings.LayerNorm');
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const layer = `bert.encoder.layer.${i}`;
    linear(`${layer}.attention.self.query`, H, H);
    linear(`${layer}.attention.self.key`, H, H);
    linear(`${layer}.attention.self.value`, H, H);
    linear(`${layer}.attention.output.dense`, H, H);
    layerNorm(`${layer}.attention.output.LayerNorm`);
    linear(`${layer}.intermediate.dense`, config.intermediate_size, H);
    linear(`${layer}.output.dense`, H, config.intermediate_size);
    layerNorm(`${layer}.output.LayerNorm`);
  }
  specs.push({ name: 'cls.predictions.bias', shape: [config.vocab_size], kind: 'bias' });
  linear('cls.predictions.transform.dense', H, H);
  layerNorm('cls.predictions.transform.LayerNorm');
  return specs;
}

/**
 * The values of each parameter in turn, from one seeded stream: transformers' init (weights
 * N(0, std), biases 0, LayerNorm weights 1), with `perturb` N(0, std) noise on biases and
 * LayerNorm parameters.
 */
function initializer(seed: number, perturb: boolean, std: number): (spec: TensorSpec) => Float32Array {
  const random = uniform(seed);
  return (spec) => {
    const data = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    if (spec.kind === 'weight') return normal(random, data, std);
    if (!perturb) return spec.kind === 'norm' ? data.fill(1) : data;
    return normal(random, data, std, spec.kind === 'norm' ? 1 : 0);
  };
}

/** Builds a random BertForMaskedLM in memory. */
export function generateBertForMaskedLM(options: GenerateModelOptions = {}): GeneratedModel {
  const o = { ...PRESETS.base, ...options };
  const vocab = o.vocab === 'bert-base-uncased' || o.vocab === undefined ? bertBaseUncasedVocab() : smallVocab(o.vocab);
  const configJson: Record<string, unknown> = {
    architectures: ['BertForMaskedLM'],
    attention_probs_dropout_prob: 0.1,
    classifier_dropout: null,
    hidden_act: o.hiddenAct ?? 'gelu',
    hidden_dropout_prob: 0.1,
    hidden_size: o.hidden,
    initializer_range: 0.02,
    intermediate_size: o.intermediate,
    layer_norm_eps: 1e-12,
    max_position_embeddings: o.maxPositions,
    model_type: 'bert',
    num_attention_heads: o.heads,
    num_hidden_layers: o.layers,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
    torch_dtype: { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[o.dtype ?? 'F32'],
    transformers_version: '4.34.1',
    type_vocab_size: o.typeVocabSize ?? 2,
    use_cache: true,
    vocab_size: vocab.length,
  };
  const config = parseBertConfig(configJson, 'generated config.json');
  const dtype = o.dtype ?? 'F32';
  const fill = initializer(o.seed ?? 0, (o.init ?? 'perturbed') === 'perturbed', config.initializer_range);
  const tensors: [string, TensorToWrite][] = bertForMaskedLMSpecs(config).map((spec) => {
    const data = fill(spec);
    if (spec.name === 'bert.embeddings.word_embeddings.weight') {
      // nn.Embedding(padding_idx=pad_token_id) starts with that row zeroed.
      data.fill(0, config.pad_token_id * config.hidden_size, (config.pad_token_id + 1) * config.hidden_size);
    }
    return [spec.name, { dtype, shape: spec.shape, data }];
  });
  plantAnyOutliers(tensors, config.hidden_size, o, (name) => bertLayerNormReadBy(name, config.num_hidden_layers) !== undefined);
  if (o.positionIds) {
    const ids = new BigInt64Array(config.max_position_embeddings).map((_, i) => BigInt(i));
    tensors.splice(1, 0, ['bert.embeddings.position_ids', { dtype: 'I64', shape: [1, config.max_position_embeddings], data: ids }]);
  }
  return { config, configJson, vocab, tensors };
}

/** The hidden dimensions planted as outliers by `outliers: count` with this seed. */
export function outlierDims(hidden: number, count: number, seed: number): number[] {
  const random = uniform(seed);
  const dims = new Set<number>();
  while (dims.size < Math.min(count, hidden)) dims.add(Math.floor(random() * hidden));
  return [...dims].sort((a, b) => a - b);
}

/**
 * Plants `options.outliers` outlier features, of the kind `options.readableOutliers` says, when
 * asked for; `readsLayerNorm` tells the weights that read a LayerNorm output (the model's own
 * wiring, src/models/{bert,distilbert}/layer-norm-inputs.ts).
 */
function plantAnyOutliers(
  tensors: Array<[string, TensorToWrite]>, hidden: number, options: GenerateModelOptions, readsLayerNorm: (name: string) => boolean,
): void {
  if (!options.outliers) return;
  const dims = outlierDims(hidden, options.outliers, (options.seed ?? 0) + 7919);
  if (options.readableOutliers) plantReadableOutliers(tensors, hidden, dims, (options.seed ?? 0) + 7920, readsLayerNorm);
  else plantOutliers(tensors, dims, (options.seed ?? 0) + 7920);
}

/** A LayerNorm's gain or bias: BERT's `LayerNorm.weight`, DistilBERT's `*_layer_norm.weight` too. */
const LAYER_NORM = { weight: /(LayerNorm|layer_norm)\.weight$/, bias: /(LayerNorm|layer_norm)\.bias$/ } as const;

/** Sets every LayerNorm's gain (~10) and bias (±50-200) at the outlier dimensions. */
function plantOutliers(tensors: Array<[string, TensorToWrite]>, dims: number[], seed: number): void {
  const random = uniform(seed);
  const sign = dims.map(() => (random() < 0.5 ? -1 : 1));
  for (const [name, tensor] of tensors) {
    const data = tensor.data as Float32Array;
    if (LAYER_NORM.weight.test(name)) dims.forEach((d) => { data[d] = 10 * (0.8 + 0.4 * random()); });
    if (LAYER_NORM.bias.test(name)) dims.forEach((d, i) => { data[d] = sign[i] * (50 + 150 * random()); });
  }
}

/** The bias of a block's output projection, which adds onto the residual (BERT, DistilBERT). */
const OUTPUT_PROJECTION_BIAS = /\.layer\.\d+\.((attention\.)?output\.dense|attention\.out_lin|ffn\.lin2)\.bias$/;

/**
 * Outlier features a random model survives: every LayerNorm's bias at `dims` is ±50-200 (its
 * gain stays ~1), so those dimensions of every LayerNorm output, the activations the next
 * multiplies read, sit at 50-200 where the rest stay near 1, as with plantOutliers. Where
 * plantOutliers gives every text the same SPLADE vector (cosine 1 - 1e-14 between different
 * texts), two more changes keep texts apart, as a trained model keeps its outlier dimensions
 * in check (Bondarenko et al. 2021):
 * - each block's output projection (attention.output.dense and output.dense; DistilBERT's
 *   attention.out_lin and ffn.lin2) has minus the residual's LayerNorm bias there, so the
 *   constant does not make up nearly all of the next LayerNorm input's variance (that
 *   LayerNorm divided the ordinary features by ~7, 25 times);
 * - the weights that read a LayerNorm output take those dimensions at 1/100, so the constant
 *   does not swamp the tokens' part of every projection (cosine 0.999 between texts without).
 * The gain stays ~1: in a random post-LayerNorm model a larger gain there feeds back through
 * the residual (a gain of 3 already made different texts' vectors 0.999 alike).
 */
function plantReadableOutliers(
  tensors: Array<[string, TensorToWrite]>, hidden: number, dims: number[], seed: number, readsLayerNorm: (name: string) => boolean,
): void {
  const random = uniform(seed);
  const sign = dims.map(() => (random() < 0.5 ? -1 : 1));
  // The bias of the LayerNorm last planted (tensors come in module order).
  let residualBias: Float32Array | undefined;
  for (const [name, tensor] of tensors) {
    const data = tensor.data as Float32Array;
    if (LAYER_NORM.bias.test(name)) {
      dims.forEach((d, i) => { data[d] = sign[i] * (50 + 150 * random()); });
      residualBias = data;
    }
    if (OUTPUT_PROJECTION_BIAS.test(name) && residualBias) {
      for (const d of dims) data[d] = -residualBias[d];
    }
    // The weights that read a LayerNorm output ([out, hidden], a column a hidden dimension).
    if (readsLayerNorm(name)) {
      for (let row = 0; row < data.length; row += hidden) for (const d of dims) data[row + d] /= 100;
    }
  }
}

/**
 * The parameters transformers saves for DistilBertForMaskedLM, in state_dict order, without
 * vocab_projector.weight (tied to the word embeddings, so save_pretrained drops it).
 */
export function distilBertForMaskedLMSpecs(config: DistilBertConfig): TensorSpec[] {
  const D = config.dim;
  const specs: TensorSpec[] = [];
  const linear = (prefix: string, outSize: number, inSize: number): void => {
    specs.push({ name: `${prefix}.weight`, shape: [outSize, inSize], kind: 'weight' });
    specs.push({ name: `${prefix}.bias`, shape: [outSize], kind: 'bias' });
  };
  const layerNorm = (prefix: string): void => {
    specs.push({ name: `${prefix}.weight`, shape: [D], kind: 'norm' });
    specs.push({ name: `${prefix}.bias`, shape: [D], kind: 'bias' });
  };
  specs.push({ name: 'distilbert.embeddings.word_embeddings.weight', shape: [config.vocab_size, D], kind: 'weight' });
  specs.push({ name: 'distilbert.embeddings.position_embeddings.weight', shape: [config.max_position_embeddings, D], kind: 'weight' });
  layerNorm('distilbert.embeddings.LayerNorm');
  for (let i = 0; i < config.n_layers; i++) {
    const layer = `distilbert.transformer.layer.${i}`;
    for (const name of ['q_lin', 'k_lin', 'v_lin', 'out_lin']) linear(`${layer}.attention.${name}`, D, D);
    layerNorm(`${layer}.sa_layer_norm`);
    linear(`${layer}.ffn.lin1`, config.hidden_dim, D);
    linear(`${layer}.ffn.lin2`, D, config.hidden_dim);
    layerNorm(`${layer}.output_layer_norm`);
  }
  linear('vocab_transform', D, D);
  layerNorm('vocab_layer_norm');
  specs.push({ name: 'vocab_projector.bias', shape: [config.vocab_size], kind: 'bias' });
  return specs;
}

/** A generated DistilBertForMaskedLM, in memory. */
export interface GeneratedDistilBert extends Omit<GeneratedModel, 'config'> {
  readonly config: DistilBertConfig;
}

/** Builds a random DistilBertForMaskedLM in memory (same sizes options as BERT's). */
export function generateDistilBertForMaskedLM(options: GenerateModelOptions = {}): GeneratedDistilBert {
  const o = { ...PRESETS.base, ...options };
  const vocab = o.vocab === 'bert-base-uncased' || o.vocab === undefined ? bertBaseUncasedVocab() : smallVocab(o.vocab);
  const dtype = o.dtype ?? 'F32';
  // DistilBertConfig.to_json_string: every __init__ field, keys sorted.
  const configJson: Record<string, unknown> = {
    activation: o.hiddenAct ?? 'gelu',
    architectures: ['DistilBertForMaskedLM'],
    attention_dropout: 0.1,
    dim: o.hidden,
    dropout: 0.1,
    hidden_dim: o.intermediate,
    initializer_range: 0.02,
    max_position_embeddings: o.maxPositions,
    model_type: 'distilbert',
    n_heads: o.heads,
    n_layers: o.layers,
    pad_token_id: 0,
    qa_dropout: 0.1,
    seq_classif_dropout: 0.2,
    sinusoidal_pos_embds: o.sinusoidal ?? false,
    torch_dtype: { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[dtype],
    transformers_version: '4.34.1',
    vocab_size: vocab.length,
  };
  const config = parseDistilBertConfig(configJson, 'generated config.json');
  const fill = initializer(o.seed ?? 0, (o.init ?? 'perturbed') === 'perturbed', config.initializer_range);
  const tensors: [string, TensorToWrite][] = distilBertForMaskedLMSpecs(config).map((spec) => {
    let data = fill(spec);
    if (spec.name === 'distilbert.embeddings.word_embeddings.weight') {
      data.fill(0, config.pad_token_id * config.dim, (config.pad_token_id + 1) * config.dim);
    }
    if (spec.name === 'distilbert.embeddings.position_embeddings.weight' && config.sinusoidal_pos_embds) {
      data = sinusoidalPositionTable(config.max_position_embeddings, config.dim, spec.name).data;
    }
    return [spec.name, { dtype, shape: spec.shape, data }];
  });
  plantAnyOutliers(tensors, config.dim, o, (name) => distilBertLayerNormReadBy(name, config.n_layers) !== undefined);
  return { config, configJson, vocab, tensors };
}

/** Writes a random DistilBertForMaskedLM folder to `dir` (created if needed). */
export async function writeRandomDistilBertFolder(dir: string, options: GenerateModelOptions = {}): Promise<GeneratedDistilBert> {
  const model = generateDistilBertForMaskedLM(options);
  await writeFolder(dir, model, model.config.max_position_embeddings, 'DistilBertTokenizer');
  return model;
}

/** A generated RoBERTa model, in memory (its vocabulary GPT-2's, see roberta-tokenizer-files.ts). */
export interface GeneratedRoberta extends Omit<GeneratedModel, 'config'> {
  readonly config: RobertaConfig;
}

/**
 * Builds a random RobertaForMaskedLM in memory (same sizes options as BERT's; `maxPositions`
 * is the longest sequence, so the table has 2 more rows, as roberta-base's 514). Its tensors
 * are BERT's under RoBERTa's names, in RobertaForMaskedLM's state_dict order.
 */
export function generateRobertaForMaskedLM(options: GenerateModelOptions = {}): GeneratedRoberta {
  // `vocab` does not apply: the vocabulary is always GPT-2's byte-level BPE one.
  return generateRobertaLike(options, robertaVocab(), 'RobertaForMaskedLM', 'roberta');
}

/**
 * Builds a random XLMRobertaForMaskedLM in memory: RobertaForMaskedLM's tensors and names
 * (XLM-RoBERTa is the same architecture), config.json with model_type xlm-roberta, the
 * vocabulary the 3,002 pieces of the SentencePiece fixture (see xlmr-tokenizer-files.ts).
 */
export function generateXlmRobertaForMaskedLM(options: GenerateModelOptions = {}): GeneratedRoberta {
  return generateRobertaLike(options, xlmrVocab(), 'XLMRobertaForMaskedLM', 'xlm-roberta');
}

function generateRobertaLike(options: GenerateModelOptions, vocab: string[], architecture: string, modelType: string): GeneratedRoberta {
  const o = { ...PRESETS.base, ...options };
  const dtype = o.dtype ?? 'F32';
  // RobertaConfig.to_json_string (XLMRobertaConfig's has the same keys), keys sorted.
  const configJson: Record<string, unknown> = {
    architectures: [architecture], attention_probs_dropout_prob: 0.1, bos_token_id: 0, classifier_dropout: null,
    eos_token_id: 2, hidden_act: o.hiddenAct ?? 'gelu', hidden_dropout_prob: 0.1, hidden_size: o.hidden, initializer_range: 0.02,
    intermediate_size: o.intermediate, layer_norm_eps: 1e-5, max_position_embeddings: (o.maxPositions ?? 512) + 2, model_type: modelType,
    num_attention_heads: o.heads, num_hidden_layers: o.layers, pad_token_id: 1, position_embedding_type: 'absolute',
    torch_dtype: { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[dtype], transformers_version: '4.48.2',
    type_vocab_size: o.typeVocabSize ?? 1, use_cache: true, vocab_size: vocab.length,
  };
  const config = parseRobertaConfig({ ...configJson, model_type: 'roberta' }, 'generated config.json');
  const fill = initializer(o.seed ?? 0, (o.init ?? 'perturbed') === 'perturbed', config.initializer_range);
  const specs = bertForMaskedLMSpecs({ ...config, model_type: 'bert' }).map((spec) => ({ ...spec, name: robertaNameOf(spec.name) }));
  // RobertaLMHead registers dense, layer_norm, decoder, then bias: lm_head.bias comes last.
  const ordered = [...specs.filter((spec) => spec.name !== 'lm_head.bias'), ...specs.filter((spec) => spec.name === 'lm_head.bias')];
  const padRow = (data: Float32Array): Float32Array => data.fill(0, config.pad_token_id * config.hidden_size, (config.pad_token_id + 1) * config.hidden_size);
  const tensors: [string, TensorToWrite][] = ordered.map((spec) => {
    const data = fill(spec);
    // Both embeddings are nn.Embedding(padding_idx=pad_token_id): that row starts zeroed.
    if (spec.name === 'roberta.embeddings.word_embeddings.weight' || spec.name === 'roberta.embeddings.position_embeddings.weight') padRow(data);
    return [spec.name, { dtype, shape: spec.shape, data }];
  });
  plantAnyOutliers(tensors, config.hidden_size, o, (name) => robertaLayerNormReadBy(name, config.num_hidden_layers) !== undefined);
  return { config, configJson, vocab, tensors };
}

/** Writes a random XLMRobertaForMaskedLM folder to `dir`: config.json, model.safetensors, tokenizer.json, tokenizer_config.json. */
export async function writeRandomXlmRobertaFolder(dir: string, options: GenerateModelOptions = {}): Promise<GeneratedRoberta> {
  const model = generateXlmRobertaForMaskedLM(options);
  await mkdir(dir, { recursive: true });
  await writeSafetensorsFile(join(dir, 'model.safetensors'), model.tensors, { format: 'pt' });
  await writeFileAtomic(join(dir, 'config.json'), pythonJson(model.configJson));
  writeXlmrTokenizerFiles(dir, (model.configJson.max_position_embeddings as number) - 2);
  return model;
}

/** Writes a random RobertaForMaskedLM folder to `dir`, with tokenizer.json, vocab.json and merges.txt. */
export async function writeRandomRobertaFolder(dir: string, options: GenerateModelOptions = {}): Promise<GeneratedRoberta> {
  const model = generateRobertaForMaskedLM(options);
  await mkdir(dir, { recursive: true });
  await writeSafetensorsFile(join(dir, 'model.safetensors'), model.tensors, { format: 'pt' });
  await writeFileAtomic(join(dir, 'config.json'), pythonJson(model.configJson));
  writeRobertaTokenizerFiles(dir, { layout: 'both' });
  return model;
}

const TOKENIZER_CONFIG = {
  clean_up_tokenization_spaces: true,
  cls_token: '[CLS]',
  do_basic_tokenize: true,
  do_lower_case: true,
  mask_token: '[MASK]',
  model_max_length: 512,
  never_split: null,
  pad_token: '[PAD]',
  sep_token: '[SEP]',
  strip_accents: null,
  tokenize_chinese_chars: true,
  tokenizer_class: 'BertTokenizer',
  unk_token: '[UNK]',
};

const SPECIAL_TOKENS_MAP = { cls_token: '[CLS]', mask_token: '[MASK]', pad_token: '[PAD]', sep_token: '[SEP]', unk_token: '[UNK]' };

/** Python's json.dumps(indent=2) layout, as transformers writes its JSON files. */
function pythonJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/**
 * Writes a random BertForMaskedLM folder to `dir` (created if needed).
 * @returns the generated model (config, vocab, tensors)
 */
export async function writeRandomBertFolder(dir: string, options: GenerateModelOptions = {}): Promise<GeneratedModel> {
  const model = generateBertForMaskedLM(options);
  await writeFolder(dir, model, model.config.max_position_embeddings, 'BertTokenizer');
  return model;
}

async function writeFolder(
  dir: string,
  model: Omit<GeneratedModel, 'config'>,
  maxLength: number,
  tokenizerClass: string,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeSafetensorsFile(join(dir, 'model.safetensors'), model.tensors, { format: 'pt' });
  await writeFileAtomic(join(dir, 'config.json'), pythonJson(model.configJson));
  await writeFileAtomic(join(dir, 'vocab.txt'), model.vocab.join('\n') + '\n');
  await writeFileAtomic(join(dir, 'tokenizer_config.json'),
    pythonJson({ ...TOKENIZER_CONFIG, model_max_length: maxLength, tokenizer_class: tokenizerClass }));
  await writeFileAtomic(join(dir, 'special_tokens_map.json'), pythonJson(SPECIAL_TOKENS_MAP));
}

const USAGE = `usage: npm run generate-model -- --out DIR [options]

Writes a random-weight BertForMaskedLM (DistilBertForMaskedLM, RobertaForMaskedLM,
XLMRobertaForMaskedLM) folder in
Hugging Face layout.
  --architecture NAME    BertForMaskedLM (default), DistilBertForMaskedLM (--layers is n_layers,
                         --hidden dim, --heads n_heads, --intermediate hidden_dim) or
                         RobertaForMaskedLM (GPT-2's byte-level BPE vocabulary; --max-positions is
                         the longest sequence, the table 2 longer) or XLMRobertaForMaskedLM (the
                         same, with a 3,002-piece SentencePiece Unigram tokenizer.json)
  --preset tiny|base     sizes to start from (default base: bert-base-uncased, 438 MB F32)
  --layers N  --hidden N  --heads N  --intermediate N  --max-positions N
  --vocab-size N         a small vocab of N tokens (default: the real 30,522-token vocab)
  --dtype F32|F16|BF16   (default F32)
  --seed N               (default 0)
  --init perturbed|hf    perturbed (default) adds noise to biases and LayerNorm; hf is exact HF init
  --hidden-act NAME      (default gelu)
  --position-ids         also save bert.embeddings.position_ids, as old transformers did
  --outliers N           plant N outlier features (LayerNorm gain ~10x, outputs 50-200)
  --readable-outliers    plant them so that texts stay apart (see readableOutliers)
  --sinusoidal           DistilBERT: sinusoidal_pos_embds true (the sinusoid saved as the table)`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      out: { type: 'string' },
      preset: { type: 'string' },
      layers: { type: 'string' },
      hidden: { type: 'string' },
      heads: { type: 'string' },
      intermediate: { type: 'string' },
      'max-positions': { type: 'string' },
      'vocab-size': { type: 'string' },
      dtype: { type: 'string' },
      seed: { type: 'string' },
      init: { type: 'string' },
      'hidden-act': { type: 'string' },
      'position-ids': { type: 'boolean' },
      outliers: { type: 'string' },
      'readable-outliers': { type: 'boolean' },
      architecture: { type: 'string' },
      sinusoidal: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.out) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const preset = values.preset ?? 'base';
  if (preset !== 'tiny' && preset !== 'base') throw new Error(`--preset must be tiny or base, got ${preset}`);
  const int = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^[0-9]+$/.test(text)) throw new Error(`--${name} must be a non-negative integer, got ${text}`);
    return Number(text);
  };
  const dtype = values.dtype ?? 'F32';
  if (dtype !== 'F32' && dtype !== 'F16' && dtype !== 'BF16') throw new Error(`--dtype must be F32, F16 or BF16, got ${dtype}`);
  const init = values.init ?? 'perturbed';
  if (init !== 'perturbed' && init !== 'hf') throw new Error(`--init must be perturbed or hf, got ${init}`);
  if (values['readable-outliers'] && !values.outliers) throw new Error('--readable-outliers needs --outliers N');
  const options: GenerateModelOptions = {
    ...PRESETS[preset],
    ...defined({
      layers: int('layers', values.layers),
      hidden: int('hidden', values.hidden),
      heads: int('heads', values.heads),
      intermediate: int('intermediate', values.intermediate),
      maxPositions: int('max-positions', values['max-positions']),
      vocab: int('vocab-size', values['vocab-size']),
      seed: int('seed', values.seed),
      outliers: int('outliers', values.outliers),
      ...(values['readable-outliers'] ? { readableOutliers: true } : {}),
      hiddenAct: values['hidden-act'] as BertHiddenAct | undefined,
    }),
    dtype,
    init,
    positionIds: values['position-ids'] ?? false,
    sinusoidal: values.sinusoidal ?? false,
  };
  const architecture = values.architecture ?? 'BertForMaskedLM';
  if (!(ARCHITECTURES as readonly string[]).includes(architecture)) throw new Error(`--architecture must be one of ${ARCHITECTURES.join(', ')}, got ${architecture}`);
  if (options.sinusoidal && architecture !== 'DistilBertForMaskedLM') throw new Error('--sinusoidal is a DistilBertForMaskedLM option');
  if (values['vocab-size'] && architecture === 'RobertaForMaskedLM') throw new Error('--vocab-size: RobertaForMaskedLM always has GPT-2\'s byte-level BPE vocabulary');
  if (values['vocab-size'] && architecture === 'XLMRobertaForMaskedLM') throw new Error('--vocab-size: XLMRobertaForMaskedLM always has the 3,002-piece SentencePiece fixture\'s vocabulary');
  const started = Date.now();
  const model = architecture === 'DistilBertForMaskedLM'
    ? await writeRandomDistilBertFolder(values.out, options)
    : architecture === 'RobertaForMaskedLM'
      ? await writeRandomRobertaFolder(values.out, options)
      : architecture === 'XLMRobertaForMaskedLM'
        ? await writeRandomXlmRobertaFolder(values.out, options)
        : await writeRandomBertFolder(values.out, options);
  const j = model.configJson;
  const [layers, hidden, heads, intermediate] = architecture === 'DistilBertForMaskedLM'
    ? [j.n_layers, j.dim, j.n_heads, j.hidden_dim]
    : [j.num_hidden_layers, j.hidden_size, j.num_attention_heads, j.intermediate_size];
  console.log(`wrote ${values.out}: ${architecture}, ${layers} layers, hidden ${hidden}, ` +
    `${heads} heads, intermediate ${intermediate}, vocab ${model.vocab.length}, ${dtype}, ` +
    `${model.tensors.length} tensors (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// Run as a command only when this file itself is the entry: bundled into another program
// (bench/device/pack.sh), import.meta.url is that program's, which must not start this CLI.
const entry = process.argv[1];
if (entry && /generate-model\.[cm]?[jt]s$/.test(entry) && import.meta.url === pathToFileURL(entry).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`generate-model: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
