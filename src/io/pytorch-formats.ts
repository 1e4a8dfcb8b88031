// The PyTorch pickle weight formats of a model folder: `pytorch_model.bin`, or a sharded
// `pytorch_model.bin.index.json`. loadModelFolder tries them after the safetensors formats,
// so a folder with only a pickle loads like one with `model.safetensors`.
import type { ModelFiles } from './model-files.js';
import type { WeightFormat } from './weight-format.js';
import { parseShardIndex, shardedTensorSource, type ShardIndex } from '../formats/sharded.js';
import { readPytorchCheckpoint, type PytorchCheckpoint } from '../formats/pytorch/pytorch-checkpoint.js';

export const PYTORCH_WEIGHTS = 'pytorch_model.bin';
export const PYTORCH_INDEX = 'pytorch_model.bin.index.json';

function pathIn(files: ModelFiles, name: string): string {
  return files.location.endsWith('/') ? `${files.location}${name}` : `${files.location}/${name}`;
}

/** Reads one pickle checkpoint of the folder (one buffer: contiguous tensors are views of it). */
export async function readPytorchFromFiles(files: ModelFiles, name: string): Promise<PytorchCheckpoint> {
  return readPytorchCheckpoint(await files.readBytes(name), pathIn(files, name));
}

/** A sharded pickle checkpoint: its index and each shard, read. */
export interface PytorchShards {
  readonly index: ShardIndex;
  readonly indexPath: string;
  readonly shards: ReadonlyMap<string, PytorchCheckpoint>;
}

/** Reads a shard index (e.g. `pytorch_model.bin.index.json`) and every shard it names. */
export async function readPytorchShards(files: ModelFiles, indexName: string): Promise<PytorchShards> {
  const indexPath = pathIn(files, indexName);
  const index = parseShardIndex(await files.readText(indexName), indexPath);
  const shards = new Map<string, PytorchCheckpoint>();
  for (const file of index.shardFiles) shards.set(file, await readPytorchFromFiles(files, file));
  return { index, indexPath, shards };
}

export const pytorchFormat: WeightFormat = {
  name: 'pytorch',
  file: PYTORCH_WEIGHTS,
  async load(files) {
    return { source: await readPytorchFromFiles(files, PYTORCH_WEIGHTS), files: [PYTORCH_WEIGHTS] };
  },
};

export const shardedPytorchFormat: WeightFormat = {
  name: 'sharded pytorch',
  file: PYTORCH_INDEX,
  async load(files) {
    const { index, indexPath, shards } = await readPytorchShards(files, PYTORCH_INDEX);
    return { source: shardedTensorSource(index, shards, indexPath), files: [PYTORCH_INDEX, ...index.shardFiles] };
  },
};
