// The browser-safe public API: nothing here may import a Node built-in (the build checks).
export { VERSION } from './version.js';
export { SpladeError } from './errors.js';
export { Tensor, ShapeError, assertShape, elementCount } from './tensor/tensor.js';
export type { DType, TensorInfo, TensorSource } from './tensor/tensor-source.js';
export type { ModelFiles } from './io/model-files.js';
export { BERT_CONFIG_DEFAULTS, BERT_HIDDEN_ACTS, ConfigError, parseBertConfig, parseBertConfigText } from './models/bert/config.js';
export type { BertConfig, BertHiddenAct } from './models/bert/config.js';
export { DTYPE_SIZE, DTYPES } from './tensor/dtype.js';
export { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16, bf16ArrayToF32, f16ArrayToF32, f32ArrayToBf16, f32ArrayToF16 } from './tensor/half.js';
export { MAX_HEADER_SIZE, SafetensorsError, SafetensorsFile, readSafetensors } from './formats/safetensors.js';
export type { AnyDTypeArray, DTypeArrays, SafetensorsEntry } from './formats/safetensors.js';
export { layoutSafetensors, writeSafetensors } from './formats/safetensors-writer.js';
export type { SafetensorsLayout, TensorToWrite } from './formats/safetensors-writer.js';
export { ShardIndexError, parseShardIndex, shardedTensorSource } from './formats/sharded.js';
export type { ShardIndex } from './formats/sharded.js';
export { ModelFilesError } from './io/model-files-error.js';
export { memoryModelFiles } from './io/memory-model-files.js';
export type { MemoryFile } from './io/memory-model-files.js';
export { urlModelFiles } from './io/url-model-files.js';
export type { FetchLike } from './io/url-model-files.js';
export { loadModelFolder, parseSpecialTokens, parseTokenizerConfig } from './io/model-folder.js';
export type { LoadModelFolderOptions, ModelFolder, SpecialTokensMap, TokenizerConfig } from './io/model-folder.js';
export {
  DEFAULT_WEIGHT_FORMATS, UnsupportedWeightsError, safetensorsFormat, shardedSafetensorsFormat, unsupportedFormat,
} from './io/weight-formats.js';
export type { LoadedWeights, WeightFormat } from './io/weight-formats.js';
export { CheckpointError } from './formats/pytorch/errors.js';
export { PytorchCheckpoint, readPytorchCheckpoint } from './formats/pytorch/pytorch-checkpoint.js';
export { ALLOWED_GLOBALS } from './formats/pytorch/torch-pickle.js';
export { planSafetensorsConversion } from './formats/pytorch/convert.js';
export type { ConversionPlan } from './formats/pytorch/convert.js';
export { pytorchFormat, shardedPytorchFormat } from './io/pytorch-formats.js';
export { BertForMaskedLM, BertModel, CAPTURE_POINTS, CaptureError, InputError, WeightError, bertInputFromRows } from './models/bert/index.js';
export type { BertInput, ForwardOptions, ForwardOutput, InputIdRows } from './models/bert/index.js';
export { attentionName, capturableNames, hiddenStateName, hiddenStateNames, type CapturableName } from './models/bert/capture-names.js';
export {
  DISTILBERT_CAPTURE_POINTS, DISTILBERT_CONFIG_DEFAULTS, DistilBertForMaskedLM, DistilBertModel, distilBertCapturableNames,
  parseDistilBertConfig, sinusoidalPositionTable,
} from './models/distilbert/index.js';
export type { DistilBertConfig } from './models/distilbert/index.js';
export type { MaskedLM, ModelSizes, ModelType } from './models/masked-lm.js';
export { SUPPORTED_MODEL_TYPES, parseModelConfig, parseModelConfigText, type ModelConfig } from './io/model-config.js';
export { loadMaskedLM } from './io/masked-lm.js';
export type { Activation, Backend, LinearHandle, TokenLayout } from './tensor/backend.js';
export { ReferenceBackend } from './tensor/reference/reference-backend.js';
export * from './splade/index.js';
export { BertTokenizer, TokenizerError } from './tokenizer/index.js';
export type { BatchEncoding, EncodeOptions, Encoding, VocabOptions } from './tokenizer/index.js';
export { dumpActivations, type DumpOptions, type NamedTensors } from './inspect/dump.js';
export { explanationToHtml, type ReportOptions } from './inspect/report-html.js';
export { parseSafetensorsHeader, readHeaderSize } from './formats/safetensors-header.js';
export type { SafetensorsHeader } from './formats/safetensors-header.js';
export { BACKEND_CHOICES, BackendChoiceError, GPU_MODE_NAMES, selectBackend } from './tensor/select-backend.js';
export type { BackendChoice, BackendSelection, GpuMode } from './tensor/select-backend.js';
export { readTensorData } from './tensor/gpu/device-tensor.js';
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
export { createBackend, BACKEND_NAMES } from './tensor/cpu/create-backend.js';
export { disposeBackend } from './tensor/backend.js';
export type { BackendName, BackendOptions } from './tensor/cpu/create-backend.js';
export { CpuBackend } from './tensor/cpu/cpu-backend.js';
export { WebWorkerStartError, startWebWorkers, webWorkersUsable } from './tensor/wasm/web-workers.js';
export { WEB_DEFAULT_MAX_THREADS, createWebBackend, defaultWebThreadCount } from './tensor/cpu/web-backend.js';
export type { WebBackendOptions } from './tensor/cpu/web-backend.js';
