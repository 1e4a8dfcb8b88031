export { RobertaForMaskedLM } from './roberta-for-masked-lm.js';
export { parseRobertaConfig, robertaSequenceLength, ROBERTA_CONFIG_DEFAULTS, type RobertaConfig } from './config.js';
export { ROBERTA_CAPTURE_POINTS } from './capture.js';
export { robertaPositionIds } from './position-ids.js';
