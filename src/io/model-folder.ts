// A Hugging Face model folder: config.json, weights, tokenizer files. Reads through
// ModelFiles, so it works the same on a disk folder, in-memory files or a URL.
import type { TensorSource } from '../tensor/tensor-source.js';
import { parseModelConfigText, type ModelConfig } from './model-config.js';
import { ModelFilesError } from './model-files-error.js';
import type { ModelFiles } from './model-files.js';
import { DEFAULT_WEIGHT_FORMATS, type WeightFormat } from './weight-formats.js';

/** A loaded model folder. */
export interface ModelFolder {
  readonly files: ModelFiles;
  /** config.json, parsed by its `model_type` (BertConfig or DistilBertConfig). */
  readonly config: ModelConfig;
  readonly weights: TensorSource;
  /** The format the weights were read in, e.g. 'safetensors'. */
  readonly weightFormat: string;
  /** The weight files read. */
  readonly weightFiles: readonly string[];
  /** Which tokenizer files the folder has (read them through `files`). */
  readonly hasVocabTxt: boolean;
  readonly hasTokenizerJson: boolean;
}

export interface LoadModelFolderOptions {
  /** Weight formats to try, in order (default {@link DEFAULT_WEIGHT_FORMATS}). */
  readonly weightFormats?: readonly WeightFormat[];
}

/**
 * Loads config.json (validated) and the weights (the first format of `weightFormats` whose file
 * is present) of a model folder, and notes which tokenizer files it has (the tokenizer reads
 * them itself: `loadTokenizer`).
 * @throws SpladeError subclasses naming the folder and the file at fault
 */
export async function loadModelFolder(files: ModelFiles, options: LoadModelFolderOptions = {}): Promise<ModelFolder> {
  const where = files.location;
  if (!(await files.has('config.json'))) throw new ModelFilesError(`${where}: no config.json (is this a Hugging Face model folder?)`);
  const config = parseModelConfigText(await files.readText('config.json'), `${where}/config.json`);

  const formats = options.weightFormats ?? DEFAULT_WEIGHT_FORMATS;
  let format: WeightFormat | undefined;
  for (const candidate of formats) {
    if (await files.has(candidate.file)) {
      format = candidate;
      break;
    }
  }
  if (!format) {
    throw new ModelFilesError(`${where}: no weights found (looked for ${formats.map((f) => f.file).join(', ')})`);
  }
  const weights = await format.load(files);

  const [hasVocabTxt, hasTokenizerJson] = await Promise.all([files.has('vocab.txt'), files.has('tokenizer.json')]);
  return {
    files,
    config,
    weights: weights.source,
    weightFormat: format.name,
    weightFiles: weights.files,
    hasVocabTxt,
    hasTokenizerJson,
  };
}
