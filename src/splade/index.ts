export {
  SpladeEncoder,
  MissingTokenizerError,
  setTokenizerLoader,
  type EncodeOptions,
  type ModelLocation,
  type SpladeEncoderOptions,
  type TextTokenizer,
  type TokenizerLoader,
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
