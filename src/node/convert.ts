// `splade convert`'s work on disk: read a pickle checkpoint (a .bin, a shard index or a model
// folder) and write it as safetensors atomically (a temporary file, then rename).
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { planSafetensorsConversion, type ConversionPlan } from '../formats/pytorch/convert.js';
import { PYTORCH_INDEX, PYTORCH_WEIGHTS, readPytorchFromFiles, readPytorchShards } from '../io/pytorch-formats.js';
import type { PytorchCheckpoint } from '../formats/pytorch/pytorch-checkpoint.js';
import { SpladeError } from '../errors.js';
import type { ModelFiles } from '../io/model-files.js';
import { shardedTensorSource } from '../formats/sharded.js';
import { fileError } from './files.js';
import { folderModelFiles } from './folder-model-files.js';
import { mlmFolderOf } from './model-folder.js';
import { refuseOutputOverInput } from './same-file.js';
import { writeSafetensorsFile } from './safetensors-file.js';

/** A conversion source that is not a pickle checkpoint, a shard index or a folder holding one. */
export class ConvertSourceError extends SpladeError {}

/** What a conversion wrote. */
export interface ConversionResult {
  readonly source: string;
  readonly out: string;
  readonly tensorCount: number;
  /** Tied duplicates written once: dropped name -> kept name. */
  readonly dropped: ReadonlyMap<string, string>;
}

/**
 * Reads the PyTorch checkpoint at `source` (`pytorch_model.bin` or any `.bin` torch.save file,
 * a `*.index.json` shard index, or a model folder holding either) and writes `out` as
 * safetensors: same names, dtypes and values, tied duplicates once, `__metadata__` format pt.
 */
export async function convertToSafetensors(source: string, out: string): Promise<ConversionResult> {
  const { checkpoints, paths } = await readSource(source);
  // The output is renamed over `out`: were it a file of the checkpoint, the checkpoint would be gone.
  await refuseOutputOverInput(out, paths, (path) => `the checkpoint file ${path}${path === source ? '' : ` (of ${source})`}`);
  const plan: ConversionPlan = planSafetensorsConversion(checkpoints);
  await writeSafetensorsFile(out, plan.tensors, plan.metadata);
  return { source, out, tensorCount: plan.tensors.length, dropped: plan.dropped };
}

/** The checkpoints read, and the files they were read from. */
interface SourceRead {
  readonly checkpoints: PytorchCheckpoint[];
  readonly paths: readonly string[];
}

async function readSource(source: string): Promise<SourceRead> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(source)).isDirectory();
  } catch (error) {
    throw fileError(source, 'read', error);
  }
  if (isFolder) {
    const files = folderModelFiles(await mlmFolderOf(source));
    if (await files.has(PYTORCH_WEIGHTS)) return readOne(files, PYTORCH_WEIGHTS);
    if (await files.has(PYTORCH_INDEX)) return readCheckedShards(files, PYTORCH_INDEX);
    throw new ConvertSourceError(`${files.location}: the folder has neither ${PYTORCH_WEIGHTS} nor ${PYTORCH_INDEX}`);
  }
  const files = folderModelFiles(dirname(source));
  if (source.endsWith('.json')) return readCheckedShards(files, basename(source));
  return readOne(files, basename(source));
}

async function readOne(files: ModelFiles, name: string): Promise<SourceRead> {
  return { checkpoints: [await readPytorchFromFiles(files, name)], paths: [join(files.location, name)] };
}

/** The shards of an index, checked to hold exactly the tensors the index assigns them. */
async function readCheckedShards(files: ModelFiles, indexName: string): Promise<SourceRead> {
  const { index, indexPath, shards } = await readPytorchShards(files, indexName);
  shardedTensorSource(index, shards, indexPath); // throws ShardIndexError on any mismatch
  return { checkpoints: [...shards.values()], paths: [indexName, ...index.shardFiles].map((name) => join(files.location, name)) };
}
