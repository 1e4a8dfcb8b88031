export { DistilBertForMaskedLM, DistilBertModel } from './distilbert-for-masked-lm.js';
export { DistilBertEmbeddings } from './embeddings.js';
export { MultiHeadSelfAttention } from './attention.js';
export { FFN, Transformer, TransformerBlock } from './transformer.js';
export {
  DISTILBERT_CONFIG_DEFAULTS, DISTILBERT_LAYER_NORM_EPS, distilBertSizes, parseDistilBertConfig, type DistilBertConfig,
} from './config.js';
export {
  DISTILBERT_CAPTURE_POINTS, distilBertAttentionName, distilBertCapturableNames, distilBertHiddenStateName,
} from './capture.js';
export { sinusoidalPositionTable } from './sinusoidal.js';
