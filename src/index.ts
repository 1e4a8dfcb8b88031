// The browser-safe public API: nothing here may import a Node built-in (the build checks).
export { VERSION } from './version.js';
export { SpladeError } from './errors.js';
export { Tensor, ShapeError, assertShape, elementCount } from './tensor/tensor.js';
export type { DType, TensorInfo, TensorSource } from './tensor/tensor-source.js';
export type { ModelFiles } from './io/model-files.js';
export {
  chooseModelFiles,
  isRepoId,
  parseModelInfo,
  parseRepoId,
  shardsFromIndex,
  HubResponseError,
  ModelFilesMissingError,
  RepoIdError,
} from './io/hub-repo.js';
export type { ModelFilePlan, RepoFile, RepoId, RepoListing, WeightsFormat } from './io/hub-repo.js';
