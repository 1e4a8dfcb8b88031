// The Node SpladeEncoder: a string location is a folder on disk (or an http(s) URL).
import type { ModelFiles } from '../io/model-files.js';
import { urlModelFiles } from '../io/url-model-files.js';
import { SpladeEncoder as BaseSpladeEncoder } from '../splade/encoder.js';
import { folderModelFiles } from './folder-model-files.js';

/** SpladeEncoder whose `fromPretrained('dir')` reads the model folder `dir` from disk. */
export class SpladeEncoder extends BaseSpladeEncoder {
  protected static override resolveLocation(location: string): ModelFiles {
    return /^https?:\/\//.test(location) ? urlModelFiles(location) : folderModelFiles(location);
  }
}
