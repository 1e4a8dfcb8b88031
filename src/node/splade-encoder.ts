// The Node SpladeEncoder: a string location is a folder on disk (or an http(s) URL).
import type { ModelFiles } from '../io/model-files.js';
import { urlModelFiles } from '../io/url-model-files.js';
import { SpladeEncoder as BaseSpladeEncoder } from '../splade/encoder.js';
import type { Backend } from '../tensor/backend.js';
import { createNodeBackend } from './backend.js';
import { folderModelFiles } from './folder-model-files.js';

/** SpladeEncoder whose `fromPretrained('dir')` reads the model folder `dir` from disk. */
export class SpladeEncoder extends BaseSpladeEncoder {
  /** WebAssembly SIMD with one worker thread per core (unref'd: they never keep the process alive). */
  protected static override defaultBackend(): Backend {
    return createNodeBackend();
  }

  protected static override resolveLocation(location: string): ModelFiles {
    return /^https?:\/\//.test(location) ? urlModelFiles(location) : folderModelFiles(location);
  }
}
