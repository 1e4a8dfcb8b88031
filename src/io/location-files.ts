// What a string location means where there is no file system (browsers, Web Workers, edge
// runtimes): a URL, or a Hugging Face repository id read over HTTP from the hub, as
// transformers.js reads one. Node's entry reads folders and downloads instead (src/node).
import { isRepoId } from './hub-repo.js';
import type { ModelFiles } from './model-files.js';
import { urlModelFiles, type UrlModelFilesOptions } from './url-model-files.js';

/** The Hugging Face hub. */
export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** Where a location is, and how its files are fetched (`fetch`, `onProgress`, `cache`, `caches`: see urlModelFiles). */
export interface LocationOptions extends UrlModelFilesOptions {
  /** Where a repository id is fetched from (default DEFAULT_HUB_ENDPOINT). */
  readonly hubEndpoint?: string;
  /** Branch, tag or commit of a repository id (default `main`). */
  readonly revision?: string;
  /**
   * What a relative location is relative to: the page's or worker's own URL where there is
   * one (`globalThis.location`); where there is none, a location is a URL or a repository id.
   */
  readonly base?: string;
}

/** The URL of a repository's files at `revision`: `<endpoint>/<owner>/<name>/resolve/<revision>/`. */
export function hubFolderUrl(repo: string, endpoint = DEFAULT_HUB_ENDPOINT, revision = 'main'): string {
  return `${endpoint.replace(/\/+$/, '')}/${repo}/resolve/${encodeURIComponent(revision)}/`;
}

/** The base a relative location resolves against: the option, else the page's or worker's URL. */
function baseOf(options: LocationOptions): string | undefined {
  if (options.base !== undefined) return options.base;
  const href = (globalThis as { location?: { href?: unknown } }).location?.href;
  return typeof href === 'string' ? href : undefined;
}

/** Whether `files` holds a model folder (its config.json, or a sentence-transformers modules.json); false when unreachable. */
async function holdsModel(files: ModelFiles): Promise<boolean> {
  try {
    return (await files.has('config.json')) || (await files.has('modules.json'));
  } catch {
    return false;
  }
}

/**
 * The model files a string location names: an absolute URL as it is; anything else relative to
 * the page (`base`), except that a repository id (`owner/name`) with no model folder there is
 * read from the hub (`hubFolderUrl`). A folder served beside the page wins over a repository of
 * the same name, as a folder on disk does in Node.
 */
export async function locationFiles(location: string, options: LocationOptions = {}): Promise<ModelFiles> {
  const { fetch, onProgress, cache, caches } = options;
  const fetching: UrlModelFilesOptions = { fetch, onProgress, cache, caches };
  if (/^[a-z][a-z0-9+.-]*:/i.test(location)) return urlModelFiles(location, fetching);
  const base = baseOf(options);
  const relative = base === undefined ? undefined : urlModelFiles(new URL(location.endsWith('/') ? location : `${location}/`, base).href, fetching);
  if (!isRepoId(location)) return relative ?? urlModelFiles(location, fetching);
  if (relative && (await holdsModel(relative))) return relative;
  return urlModelFiles(hubFolderUrl(location, options.hubEndpoint, options.revision), fetching);
}
