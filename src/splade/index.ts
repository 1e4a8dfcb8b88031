export {
  SpladeEncoder,
  MissingTokenizerError,
  type SpladeEncodeOptions,
  type ModelLocation,
  type SpladeEncoderOptions,
  type TextTokenizer,
} from './encoder.js';
export {
  SparseVectorError,
  decode,
  dot,
  pruneThreshold,
  pruneTopK,
  sparseFromDense,
  sparseVector,
  type SparseVector,
} from './sparse-vector.js';
