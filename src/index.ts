// splade-ts: the front door (browsers, workers, edge runtimes; the Node entry adds file paths
// and repo ids). What a user needs to encode, decode, score and choose a backend; everything
// else is behind a subpath: splade-ts/tensor, /formats, /models, /io, /tokenizer, /inspect,
// and in Node /node and /hub. Nothing here may import a Node built-in (the build checks).
export { VERSION } from './version.js';
export { SpladeError } from './errors.js';
export {
  SpladeEncoder,
  EncoderDisposedError,
  MissingTokenizerError,
  type ModelLocation,
  type SpladeEncodeOptions,
  type SpladeEncoderOptions,
  type TextTokenizer,
} from './splade/encoder.js';
export {
  SparseVectorError,
  decode,
  dot,
  pruneThreshold,
  pruneTopK,
  sparseFromDense,
  sparseVector,
  type SparseVector,
} from './splade/sparse-vector.js';
// OpenSearch's pruning, the `prune` option of encode, also for vectors made elsewhere (docs/model.md).
export { parsePrune, pruneVector, type Prune } from './splade/prune.js';
export { InputError } from './models/bert/input.js';
export { BertTokenizer, TokenizerError } from './tokenizer/index.js';
export type { ModelFiles } from './io/model-files.js';
export { ModelFilesError } from './io/model-files-error.js';
export { memoryModelFiles, type MemoryFile } from './io/memory-model-files.js';
export { urlModelFiles, type FetchLike } from './io/url-model-files.js';
export { disposeBackend, type Backend } from './tensor/backend.js';
export { WEIGHT_DTYPES, type WeightDType } from './tensor/compact-weight.js';
export { createBackend } from './tensor/create-backend.js';
export { BackendOptionsError } from './tensor/backend-options.js';
export type { BackendChoice, BackendInfo, BackendOptions, GpuMode, KernelChoice } from './tensor/backend-options.js';
