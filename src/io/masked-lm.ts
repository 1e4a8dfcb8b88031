// Builds the masked language model a folder's config.json names: BertForMaskedLM for
// `model_type: "bert"`, DistilBertForMaskedLM for `"distilbert"`.
import { BertForMaskedLM, type LoadOptions } from '../models/bert/bert-for-masked-lm.js';
import { bertLayerNormReadBy } from '../models/bert/layer-norm-inputs.js';
import { Weights } from '../models/bert/weights.js';
import { distilBertLayerNormReadBy } from '../models/distilbert/layer-norm-inputs.js';
import { DistilBertForMaskedLM } from '../models/distilbert/distilbert-for-masked-lm.js';
import type { MaskedLM } from '../models/masked-lm.js';
import type { Backend } from '../tensor/backend.js';
import type { TensorSource } from '../tensor/tensor-source.js';
import type { ModelConfig } from './model-config.js';

/**
 * Loads the weights of `source` as the model `config` describes, onto `backend`, held as
 * `options.dtype` (default: as stored).
 * @throws WeightError naming a missing tensor, or a tensor and both shapes when they differ
 */
export function loadMaskedLM(config: ModelConfig, source: TensorSource, backend: Backend, options: LoadOptions = {}): Promise<MaskedLM> {
  return config.model_type === 'distilbert'
    ? DistilBertForMaskedLM.load(config, source, backend, options)
    : BertForMaskedLM.load(config, source, backend, options);
}

/**
 * For `splade quantize`: the input columns int8 keeps in float32 for a weight of the source
 * (named as the source names it, with or without the base model's prefix) with k input
 * columns, as loading the model with `dtype: 'int8'` chooses them; undefined: none.
 */
export function floatColumnChooser(config: ModelConfig, source: TensorSource): (name: string, k: number) => Int32Array | undefined {
  const [base, readBy] = config.model_type === 'distilbert'
    ? ['distilbert', (name: string) => distilBertLayerNormReadBy(name, config.n_layers)] as const
    : ['bert', (name: string) => bertLayerNormReadBy(name, config.num_hidden_layers)] as const;
  const root = Weights.of(source, base, 'int8', readBy);
  return (name, k) => root.floatColumnsOf(name, k) ?? root.floatColumnsOf(`${base}.${name}`, k);
}
