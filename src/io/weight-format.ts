// What a weight format of a model folder is (safetensors, shards, PyTorch pickles): the
// formats themselves are in weight-formats.ts and pytorch-formats.ts.
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
