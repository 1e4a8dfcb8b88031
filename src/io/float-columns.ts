// Which input columns of an int8 weight `splade quantize` keeps in float32: the same as loading
// the model with `dtype: 'int8'` keeps (Int8Weight.floatColumns), for any supported family.
import { bertLayerNormReadBy } from '../models/bert/layer-norm-inputs.js';
import { Weights } from '../models/bert/weights.js';
import { distilBertLayerNormReadBy } from '../models/distilbert/layer-norm-inputs.js';
import { robertaLayerNormReadBy } from '../models/roberta/layer-norm-inputs.js';
import type { TensorSource } from '../tensor/tensor-source.js';
import type { ModelConfig } from './model-config.js';

/**
 * The float columns of a weight of `source` (named as the source names it, with or without
 * the base model's prefix) with k input columns; undefined: none.
 */
export function floatColumnChooser(config: ModelConfig, source: TensorSource): (name: string, k: number) => Int32Array | undefined {
  const [base, readBy] = familyWiring(config);
  const root = Weights.of(source, base, 'int8', readBy);
  return (name, k) => root.floatColumnsOf(name, k) ?? root.floatColumnsOf(`${base}.${name}`, k);
}

/** The base model's prefix and the LayerNorm each weight reads, by family. */
function familyWiring(config: ModelConfig): readonly [string, (name: string) => string | undefined] {
  switch (config.model_type) {
    case 'distilbert':
      return ['distilbert', (name) => distilBertLayerNormReadBy(name, config.n_layers)];
    case 'roberta':
      return ['roberta', (name) => robertaLayerNormReadBy(name, config.num_hidden_layers)];
    case 'bert':
      return ['bert', (name) => bertLayerNormReadBy(name, config.num_hidden_layers)];
  }
}
