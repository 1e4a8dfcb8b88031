// splade-ts/io: model folders assembled from files wherever they are (memory, URLs; folders
// on disk through splade-ts/node), the weight formats a folder may use, and the choice of a
// hub repository's files.
export type { ModelFiles } from '../io/model-files.js';
export { ModelFilesError } from '../io/model-files-error.js';
export { memoryModelFiles, type MemoryFile } from '../io/memory-model-files.js';
export { urlModelFiles, type FetchLike, type UrlModelFilesOptions } from '../io/url-model-files.js';
export type { DownloadProgress, ProgressCallback } from '../io/download-progress.js';
export { DEFAULT_CACHE_NAME, type CacheLike, type CacheStorageLike } from '../io/model-cache.js';
export { loadModelFolder, type LoadModelFolderOptions, type ModelFolder } from '../io/model-folder.js';
export {
  DEFAULT_WEIGHT_FORMATS, UnsupportedWeightsError, safetensorsFormat, shardedSafetensorsFormat, unsupportedFormat,
} from '../io/weight-formats.js';
export type { LoadedWeights, WeightFormat } from '../io/weight-format.js';
export { pytorchFormat, shardedPytorchFormat } from '../io/pytorch-formats.js';
export { isQuantizedWeight, quantizedConfig, quantizedTensors, type QuantizedDType } from '../io/quantize-model.js';
export { SUPPORTED_MODEL_TYPES, parseModelConfig, parseModelConfigText, requireBertConfig, type ModelConfig } from '../io/model-config.js';
export { loadMaskedLM, loadMaskedLMNoted, type NotedMaskedLM } from '../io/masked-lm.js';
export { LayoutError, readSpladeFolderLayout, type PoolingActivation, type SpladeFolderLayout, type StaticQueryWeights } from '../io/sparse-encoder-layout.js';
export { subfolderFiles } from '../io/subfolder-files.js';
// The choice of a hub repository's files is browser-safe (no network or disk), so it is here as
// well as in splade-ts/hub, which has no browser build: a page that reads a repository over
// HTTP picks its files with these.
export {
  HubError, HubResponseError, ModelFilesMissingError, RepoIdError,
  chooseModelFiles, isRepoId, parseModelInfo, parseRepoId, shardsFromIndex,
} from '../io/hub-repo.js';
export type { ModelFilePlan, RepoFile, RepoId, RepoListing, WeightsFormat } from '../io/hub-repo.js';
