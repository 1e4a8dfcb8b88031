// splade-ts/hub: Hugging Face repository ids, resolving them (weights/, the HF cache, a
// download) and downloading, verified and resumable. One error family: HubError.
export {
  HubError, HubResponseError, ModelFilesMissingError, RepoIdError,
  chooseModelFiles, isRepoId, parseModelInfo, parseRepoId, shardsFromIndex,
} from '../io/hub-repo.js';
export type { ModelFilePlan, RepoFile, RepoId, RepoListing, WeightsFormat } from '../io/hub-repo.js';
export { resolveModel, ModelNotFoundError } from '../node/resolve-model.js';
export type { ResolveModelOptions, ResolvedModel, ModelSource } from '../node/resolve-model.js';
export { fetchModel, defaultModelDir, ConversionFailedError } from '../node/hub/fetch-model.js';
export type { FetchModelOptions, FetchModelResult } from '../node/hub/fetch-model.js';
export { hubConnectionFromEnv, tokenFromEnv, hfHomeDir, HubConfigError, DEFAULT_ENDPOINT } from '../node/hub/hub-env.js';
export type { HubEnv } from '../node/hub/hub-env.js';
export {
  RepoNotFoundError, RevisionNotFoundError, HubAuthError, HubFileMissingError, HubUnreachableError, ChecksumMismatchError, HubHttpError,
} from '../node/hub/errors.js';
export { streamProgress, silentProgress, type DownloadProgress } from '../node/hub/progress.js';
export { hubCacheDir } from '../node/hub/hf-cache.js';
export { FolderBusyError } from '../node/hub/folder-lock.js';
