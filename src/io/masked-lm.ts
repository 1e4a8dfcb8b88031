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
import { recordingSource, unusedTensors, unusedTensorsNote } from './unused-tensors.js';

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

/** A loaded model and what loading it noticed. */
export interface NotedMaskedLM {
  readonly model: MaskedLM;
  /**
   * What transformers would warn about while loading, one sentence each: the checkpoint's
   * tensors the model did not use (see unused-tensors.ts). Empty for a checkpoint that fits.
   */
  readonly notes: readonly string[];
}

/** loadMaskedLM, and the notes on what the checkpoint holds that the model did not use. */
export async function loadMaskedLMNoted(config: ModelConfig, source: TensorSource, backend: Backend, options: LoadOptions = {}): Promise<NotedMaskedLM> {
  const recorded = recordingSource(source);
  const model = await loadMaskedLM(config, recorded.source, backend, options);
  const note = unusedTensorsNote(unusedTensors(source, recorded.used, config.model_type), source.description, model.architecture);
  return { model, notes: note === undefined ? [] : [note] };
}
