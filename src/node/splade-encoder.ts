// The Node SpladeEncoder: a string location is a folder on disk, a Hugging Face repository id
// (found under weights/, in the Hugging Face cache, or downloaded) or an http(s) URL.
import type { ModelFiles } from '../io/model-files.js';
import { hubFolderUrl } from '../io/location-files.js';
import { urlModelFiles } from '../io/url-model-files.js';
import { SpladeEncoder as BaseSpladeEncoder, type SpladeEncoderOptions } from '../splade/encoder.js';
import type { Backend } from '../tensor/backend.js';
import type { BackendOptions } from '../tensor/backend-options.js';
import { createBackend } from './backend.js';
import { folderModelFiles } from './folder-model-files.js';
import { callbackProgress } from './hub/callback-progress.js';
import { streamProgress, type DownloadProgress } from './hub/progress.js';
import { resolveModel } from './resolve-model.js';

/**
 * SpladeEncoder whose `fromPretrained(location)` takes a folder path or a repository id such as
 * `prithivida/Splade_PP_en_v1` (see `resolveModel`); a download shows its progress on stderr,
 * as Hugging Face's Python libraries do, or tells the `onProgress` option instead when given.
 */
export class SpladeEncoder extends BaseSpladeEncoder {
  /** Kernel threads as worker_threads (unref'd: they never keep the process alive). */
  protected static override createBackend(options: BackendOptions): Promise<Backend> {
    return createBackend(options);
  }

  /** `onLoadNote` when given, else stderr, as transformers' load warnings go to its logger's stderr. */
  protected static override tellLoadNote(note: string, options: SpladeEncoderOptions): void {
    if (options.onLoadNote) options.onLoadNote(note);
    else process.stderr.write(`note: ${note}\n`);
  }

  protected static override async resolveLocation(location: string, options: SpladeEncoderOptions): Promise<ModelFiles> {
    if (/^https?:\/\//.test(location)) return urlModelFiles(location, { onProgress: options.onProgress, cache: options.cache });
    const env = options.hubEndpoint === undefined ? undefined : { ...process.env, HF_ENDPOINT: options.hubEndpoint };
    const { dir } = await resolveModel(location, { progress: downloadProgress(location, options), revision: options.revision, env });
    return folderModelFiles(dir);
  }
}

/**
 * Where a download of repository `repo` reports: `onProgress` when given (the caller draws its
 * own progress; nothing goes to stderr), else stderr, as Hugging Face's Python libraries do.
 */
function downloadProgress(repo: string, options: SpladeEncoderOptions): DownloadProgress {
  if (options.onProgress === undefined) return streamProgress(process.stderr);
  const endpoint = options.hubEndpoint ?? process.env.HF_ENDPOINT;
  const folder = hubFolderUrl(repo, endpoint === undefined || endpoint === '' ? undefined : endpoint, options.revision);
  return callbackProgress(options.onProgress, (file) => folder + file.split('/').map(encodeURIComponent).join('/'));
}
