// splade-ts/formats: the checkpoint file formats, readable without a model: safetensors
// (reader, header, writer), shard indexes, and PyTorch pickles read without running them.
export { MAX_HEADER_SIZE, SafetensorsError, SafetensorsFile, readSafetensors } from '../formats/safetensors.js';
export type { AnyDTypeArray, DTypeArrays, SafetensorsEntry } from '../formats/safetensors.js';
export { parseSafetensorsHeader, readHeaderSize, type SafetensorsHeader } from '../formats/safetensors-header.js';
export { layoutSafetensors, writeSafetensors } from '../formats/safetensors-writer.js';
export type { SafetensorsLayout, TensorToWrite } from '../formats/safetensors-writer.js';
export { ShardIndexError, parseShardIndex, shardedTensorSource, type ShardIndex } from '../formats/sharded.js';
export { CheckpointError } from '../formats/pytorch/errors.js';
export { PytorchCheckpoint, readPytorchCheckpoint } from '../formats/pytorch/pytorch-checkpoint.js';
export { ALLOWED_GLOBALS } from '../formats/pytorch/torch-pickle.js';
export { planSafetensorsConversion, type ConversionPlan } from '../formats/pytorch/convert.js';
