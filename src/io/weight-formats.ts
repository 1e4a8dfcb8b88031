// The weight file formats a model folder may hold, in order of preference. loadModelFolder
// takes the first format whose file is present: safetensors first (zero-copy), then the
// PyTorch pickles, read without running them (src/checkpoint/). Safetensors files on disk are
// read tensor by tensor (ModelFiles.openSafetensors); pickles are read whole.
import { pytorchFormat, shardedPytorchFormat } from './pytorch-formats.js';
import { SpladeError } from '../errors.js';
import { readSafetensors } from '../formats/safetensors.js';
import { parseShardIndex, shardedTensorSource } from '../formats/sharded.js';
import type { TensorSource } from '../tensor/tensor-source.js';
import type { ModelFiles } from './model-files.js';
import type { WeightFormat } from './weight-format.js';

export type { LoadedWeights, WeightFormat } from './weight-format.js';

/** Weights in a format splade-ts cannot read yet. */
export class UnsupportedWeightsError extends SpladeError {}

function joinName(files: ModelFiles, name: string): string {
  return files.location.endsWith('/') ? `${files.location}${name}` : `${files.location}/${name}`;
}

/**
 * A safetensors file of the folder: read tensor by tensor where the files can
 * (`ModelFiles.openSafetensors`, on disk), so the whole file is never held while a backend
 * copies the weights into its own memory; else read whole and viewed.
 */
async function safetensorsSource(files: ModelFiles, name: string): Promise<TensorSource> {
  if (files.openSafetensors) return files.openSafetensors(name);
  return readSafetensors(await files.readBytes(name), joinName(files, name));
}

export const safetensorsFormat: WeightFormat = {
  name: 'safetensors',
  file: 'model.safetensors',
  async load(files) {
    return { source: await safetensorsSource(files, 'model.safetensors'), files: ['model.safetensors'] };
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
      shards.set(file, await safetensorsSource(files, file));
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
  pytorchFormat,
  shardedPytorchFormat,
];
