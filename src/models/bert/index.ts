export { BertForMaskedLM, BertModel, type ForwardOptions, type ForwardOutput, type LoadOptions } from './bert-for-masked-lm.js';
export { CAPTURE_POINTS, CaptureError, SAME_OUTPUTS, type SameOutputs } from './capture.js';
export { InputError, bertInputFromRows, checkBertInput, type BertInput, type InputIdRows } from './input.js';
export { WeightError } from './weights.js';
export { parseBertConfig, parseBertConfigText, ConfigError, type BertConfig } from './config.js';
