// The Node entry: everything of the browser-safe API plus file-system loading.
export * from './index.js';
export { FileAccessError, writeFileAtomic } from './node/files.js';
export { openSafetensorsFile, readSafetensorsFile, readSafetensorsHeaderFile, writeSafetensorsFile } from './node/safetensors-file.js';
export { folderModelFiles } from './node/folder-model-files.js';
export { loadModelFolderFromDisk } from './node/model-folder.js';
export { readPytorchCheckpointFile } from './node/pytorch-file.js';
export { ConvertSourceError, convertToSafetensors } from './node/convert.js';
export type { ConversionResult } from './node/convert.js';
// Shadows the browser SpladeEncoder of './index.js': here a string location is a folder path.
export { SpladeEncoder } from './node/splade-encoder.js';
export { resolveModel, ModelNotFoundError } from './node/resolve-model.js';
export type { ResolveModelOptions, ResolvedModel, ModelSource } from './node/resolve-model.js';
export { fetchModel, defaultModelDir, ConversionFailedError } from './node/hub/fetch-model.js';
export type { FetchModelOptions, FetchModelResult } from './node/hub/fetch-model.js';
export { hubConnectionFromEnv, tokenFromEnv, hfHomeDir, HubConfigError, DEFAULT_ENDPOINT } from './node/hub/hub-env.js';
export type { HubEnv } from './node/hub/hub-env.js';
export {
  HubError,
  RepoNotFoundError,
  RevisionNotFoundError,
  HubAuthError,
  HubFileMissingError,
  HubUnreachableError,
  ChecksumMismatchError,
  HubHttpError,
} from './node/hub/errors.js';
export { streamProgress, silentProgress } from './node/hub/progress.js';
export type { DownloadProgress } from './node/hub/progress.js';
export { hubCacheDir } from './node/hub/hf-cache.js';
export { FolderBusyError } from './node/hub/folder-lock.js';
export { createNodeBackend } from './node/backend.js';
export { buildIndexFile, fileRunStorage, openIndexFile } from './node/index-file.js';
