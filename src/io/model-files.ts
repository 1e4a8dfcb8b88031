import type { TensorSource } from '../tensor/tensor-source.js';

/**
 * The files of a Hugging Face model folder (config.json, weights, tokenizer files),
 * wherever they are: a folder on disk (Node), in-memory buffers or `File`s (browsers),
 * or a base URL. Model loading reads only through this, so one loader serves every runtime.
 */
export interface ModelFiles {
  /** Where the files are (a path or URL), for error messages. */
  readonly location: string;
  /** Whether the file exists. */
  has(name: string): Promise<boolean>;
  /** The file's bytes; throws a SpladeError naming the file when it is missing. */
  readBytes(name: string): Promise<Uint8Array>;
  /** The file as UTF-8 text; throws a SpladeError naming the file when it is missing. */
  readText(name: string): Promise<string>;
  /**
   * Optional: the safetensors file `name`, header validated, its tensors read from storage
   * when asked for (each into its own array) instead of the whole file into memory. Files on
   * disk (Node) have it; the weight loader falls back to `readBytes` where it is absent.
   */
  openSafetensors?(name: string): Promise<TensorSource>;
}
