export { RobertaForMaskedLM } from './roberta-for-masked-lm.js';
export { parseRobertaConfig, robertaSequenceLength, ROBERTA_CONFIG_DEFAULTS, type RobertaConfig } from './config.js';
export { ROBERTA_CAPTURE_POINTS, ROBERTA_SAME_OUTPUTS } from './capture.js';
export { robertaPositionIds } from './position-ids.js';
