// The weight file formats a model folder may hold, in order of preference. loadModelFolder
// takes the first format whose file is present. The list is meant to grow: a PyTorch pickle
// reader replaces the `pytorch_model.bin` entries below with real loaders.
import { SpladeError } from '../errors.js';
import { readSafetensors } from '../tensor/safetensors.js';
import { parseShardIndex, shardedTensorSource } from '../tensor/sharded.js';
import type { TensorSource } from '../tensor/tensor-source.js';
import type { ModelFiles } from './model-files.js';

/** The weights of a model folder, loaded. */
export interface LoadedWeights {
  readonly source: TensorSource;
  /** The files read, e.g. ['model.safetensors'] or the index and its shards. */
  readonly files: readonly string[];
}

/** One way a folder can store its weights. */
export interface WeightFormat {
  /** A short name for messages and `ModelFolder.weightFormat`, e.g. 'safetensors'. */
  readonly name: string;
  /** The file whose presence selects this format. */
  readonly file: string;
  load(files: ModelFiles): Promise<LoadedWeights>;
}

/** Weights in a format splade-ts cannot read yet. */
export class UnsupportedWeightsError extends SpladeError {}

function joinName(files: ModelFiles, name: string): string {
  return files.location.endsWith('/') ? `${files.location}${name}` : `${files.location}/${name}`;
}

export const safetensorsFormat: WeightFormat = {
  name: 'safetensors',
  file: 'model.safetensors',
  async load(files) {
    const bytes = await files.readBytes('model.safetensors');
    return { source: readSafetensors(bytes, joinName(files, 'model.safetensors')), files: ['model.safetensors'] };
  },
};

export const shardedSafetensorsFormat: WeightFormat = {
  name: 'sharded safetensors',
  file: 'model.safetensors.index.json',
  async load(files) {
    const indexName = 'model.safetensors.index.json';
    const indexPath = joinName(files, indexName);
    const index = parseShardIndex(await files.readText(indexName), indexPath);
    const shards = new Map<string, TensorSource>();
    for (const file of index.shardFiles) {
      shards.set(file, readSafetensors(await files.readBytes(file), joinName(files, file)));
    }
    return { source: shardedTensorSource(index, shards, indexPath), files: [indexName, ...index.shardFiles] };
  },
};

/** A placeholder for a format with no reader yet: selecting it is an error that says so. */
export function unsupportedFormat(name: string, file: string, why: string): WeightFormat {
  return {
    name,
    file,
    load: async (files) => {
      throw new UnsupportedWeightsError(`${joinName(files, file)}: ${why}`);
    },
  };
}

/** The formats tried by default, in order. */
export const DEFAULT_WEIGHT_FORMATS: readonly WeightFormat[] = [
  safetensorsFormat,
  shardedSafetensorsFormat,
  unsupportedFormat('pytorch', 'pytorch_model.bin',
    'PyTorch pickle checkpoints are not readable yet; convert the folder to model.safetensors'),
  unsupportedFormat('sharded pytorch', 'pytorch_model.bin.index.json',
    'sharded PyTorch pickle checkpoints are not readable yet; convert the folder to model.safetensors'),
];
