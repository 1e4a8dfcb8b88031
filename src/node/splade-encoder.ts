// The Node SpladeEncoder: a string location is a folder on disk, a Hugging Face repository id
// (found under weights/, in the Hugging Face cache, or downloaded) or an http(s) URL.
import type { ModelFiles } from '../io/model-files.js';
import { urlModelFiles } from '../io/url-model-files.js';
import { SpladeEncoder as BaseSpladeEncoder, type SpladeEncoderOptions } from '../splade/encoder.js';
import type { Backend } from '../tensor/backend.js';
import type { BackendOptions } from '../tensor/backend-options.js';
import { createBackend } from './backend.js';
import { folderModelFiles } from './folder-model-files.js';
import { streamProgress } from './hub/progress.js';
import { resolveModel } from './resolve-model.js';

/**
 * SpladeEncoder whose `fromPretrained(location)` takes a folder path or a repository id such as
 * `prithivida/Splade_PP_en_v1` (see `resolveModel`); a download shows its progress on stderr,
 * as Hugging Face's Python libraries do.
 */
export class SpladeEncoder extends BaseSpladeEncoder {
  /** Kernel threads as worker_threads (unref'd: they never keep the process alive). */
  protected static override createBackend(options: BackendOptions): Promise<Backend> {
    return createBackend(options);
  }

  protected static override async resolveLocation(location: string, options: SpladeEncoderOptions): Promise<ModelFiles> {
    if (/^https?:\/\//.test(location)) return urlModelFiles(location, { onProgress: options.onProgress, cache: options.cache });
    const env = options.hubEndpoint === undefined ? undefined : { ...process.env, HF_ENDPOINT: options.hubEndpoint };
    const { dir } = await resolveModel(location, { progress: streamProgress(process.stderr), revision: options.revision, env });
    return folderModelFiles(dir);
  }
}
