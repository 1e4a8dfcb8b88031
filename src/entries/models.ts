// splade-ts/models: the networks, one class per Hugging Face module, for people who look
// inside (activations by Hugging Face name) or run the forward pass themselves.
export {
  BertForMaskedLM, BertModel, CAPTURE_POINTS, CaptureError, InputError, WeightError, bertInputFromRows, checkBertInput,
} from '../models/bert/index.js';
export type { BertInput, ForwardOptions, ForwardOutput, InputIdRows, LoadOptions } from '../models/bert/index.js';
export { BERT_CONFIG_DEFAULTS, BERT_HIDDEN_ACTS, ConfigError, parseBertConfig, parseBertConfigText } from '../models/bert/config.js';
export type { BertConfig, BertHiddenAct } from '../models/bert/config.js';
export { attentionName, capturableNames, hiddenStateName, hiddenStateNames, type CapturableName } from '../models/bert/capture-names.js';
export {
  DISTILBERT_CAPTURE_POINTS, DISTILBERT_CONFIG_DEFAULTS, DistilBertForMaskedLM, DistilBertModel, distilBertCapturableNames,
  parseDistilBertConfig, sinusoidalPositionTable,
} from '../models/distilbert/index.js';
export type { DistilBertConfig } from '../models/distilbert/index.js';
export {
  ROBERTA_CAPTURE_POINTS, ROBERTA_CONFIG_DEFAULTS, RobertaForMaskedLM, parseRobertaConfig, robertaPositionIds, robertaSequenceLength,
} from '../models/roberta/index.js';
export type { RobertaConfig } from '../models/roberta/index.js';
export type { MaskedLM, ModelSizes, ModelType } from '../models/masked-lm.js';
