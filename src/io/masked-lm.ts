// Builds the masked language model a folder's config.json names: BertForMaskedLM for
// `model_type: "bert"`, DistilBertForMaskedLM for `"distilbert"`, RobertaForMaskedLM for
// `"roberta"`.
import { BertForMaskedLM, type LoadOptions } from '../models/bert/bert-for-masked-lm.js';
import { DistilBertForMaskedLM } from '../models/distilbert/distilbert-for-masked-lm.js';
import type { MaskedLM } from '../models/masked-lm.js';
import { RobertaForMaskedLM } from '../models/roberta/roberta-for-masked-lm.js';
import type { Backend } from '../tensor/backend.js';
import type { TensorSource } from '../tensor/tensor-source.js';
import type { ModelConfig } from './model-config.js';

/**
 * Loads the weights of `source` as the model `config` describes, onto `backend`, held as
 * `options.dtype` (default: as stored).
 * @throws WeightError naming a missing tensor, or a tensor and both shapes when they differ
 */
export function loadMaskedLM(config: ModelConfig, source: TensorSource, backend: Backend, options: LoadOptions = {}): Promise<MaskedLM> {
  switch (config.model_type) {
    case 'distilbert':
      return DistilBertForMaskedLM.load(config, source, backend, options);
    case 'roberta':
      return RobertaForMaskedLM.load(config, source, backend, options);
    case 'bert':
      return BertForMaskedLM.load(config, source, backend, options);
  }
}
