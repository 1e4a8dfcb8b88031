// Model files under a base URL, e.g. a static file server or
// https://huggingface.co/<repo>/resolve/main/ (where the network allows).
import { ModelFilesError } from './model-files-error.js';
import type { ModelFiles } from './model-files.js';

/** The part of `fetch` urlModelFiles uses (GET, and HEAD to ask whether a file exists). */
export type FetchLike = (url: string, init?: { method?: string }) => Promise<Response>;

/**
 * Model files fetched over HTTP(S) from `baseUrl`.
 * @param baseUrl the folder URL (a trailing '/' is added when missing)
 * @param fetchImpl the fetch to use (default: the global `fetch`)
 */
export function urlModelFiles(baseUrl: string, fetchImpl?: FetchLike): ModelFiles {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const doFetch: FetchLike = fetchImpl ?? ((url, init) => fetch(url, init));
  const urlOf = (name: string): string => {
    if (name.split('/').some((part) => part === '' || part === '.' || part === '..')) {
      throw new ModelFilesError(`${base}: '${name}' is not a file name inside the model folder`);
    }
    return base + name.split('/').map(encodeURIComponent).join('/');
  };
  const request = async (name: string, method: 'GET' | 'HEAD'): Promise<Response> => {
    const url = urlOf(name);
    try {
      return await doFetch(url, { method });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new ModelFilesError(`${url}: fetch failed: ${why}`, { cause: error });
    }
  };
  const get = async (name: string): Promise<Response> => {
    const response = await request(name, 'GET');
    if (!response.ok) {
      const why = response.status === 404 ? 'no such file (HTTP 404)' : `HTTP ${response.status} ${response.statusText}`;
      throw new ModelFilesError(`${urlOf(name)}: ${why}`);
    }
    return response;
  };
  return {
    location: base,
    async has(name) {
      const response = await request(name, 'HEAD');
      if (response.ok) return true;
      if (response.status === 404 || response.status === 410) return false;
      throw new ModelFilesError(`${urlOf(name)}: HTTP ${response.status} ${response.statusText}`);
    },
    readBytes: async (name) => new Uint8Array(await (await get(name)).arrayBuffer()),
    readText: async (name) => (await get(name)).text(),
  };
}
