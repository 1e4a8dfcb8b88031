// The persistent cache of model files fetched over HTTP: the Cache Storage API (`caches`), on by
// default in browser pages and Web Workers, where the HTTP cache does not keep entries the size
// of a checkpoint. Entries are keyed by the URL requested (a hub `resolve` URL, not the CDN URL
// it redirects to) and revalidated with the validators the server sent (ETag, Last-Modified).
import { ModelFilesError } from './model-files-error.js';

/** The part of a Cache (Cache Storage API) the model cache uses. */
export interface CacheLike {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
}

/** The part of CacheStorage (`globalThis.caches`) the model cache uses. */
export interface CacheStorageLike {
  open(name: string): Promise<CacheLike>;
}

/** The cache's name when the `cache` option is true or left out. */
export const DEFAULT_CACHE_NAME = 'splade-ts';

/** Bytes per chunk when a file is written to the cache (a slice each, so the file is never copied whole). */
const PUT_CHUNK = 1 << 20;

/** What the runtime's globals say about where it runs. */
interface RuntimeGlobals {
  readonly caches?: CacheStorageLike;
  readonly document?: unknown;
  readonly navigator?: { readonly userAgent?: unknown };
  readonly WorkerGlobalScope?: abstract new () => unknown;
  readonly Deno?: unknown;
  readonly Bun?: unknown;
  readonly process?: { readonly versions?: { readonly node?: unknown } };
}

/**
 * `globalThis.caches` where it is a browser's persistent Cache Storage: in a page or a Web
 * Worker. Not in Cloudflare Workers (their `caches` is the edge cache, with other semantics and
 * size limits), nor in Node, Deno or Bun (files there belong on disk: the Node entry has its own
 * download cache).
 */
export function browserCacheStorage(scope: object = globalThis): CacheStorageLike | undefined {
  const g = scope as RuntimeGlobals;
  if (g.caches === undefined || g.Deno !== undefined || g.Bun !== undefined || g.process?.versions?.node !== undefined) return undefined;
  // A Worker's user agent says so only from compatibility date 2022-03-21; its `caches.default`
  // (the edge cache every Worker has) says so whatever the date.
  if (g.navigator?.userAgent === 'Cloudflare-Workers' || 'default' in g.caches) return undefined;
  const page = g.document !== undefined;
  const worker = typeof g.WorkerGlobalScope === 'function' && scope instanceof g.WorkerGlobalScope;
  return page || worker ? g.caches : undefined;
}

/** Where and under which name files are cached; undefined when they are not. */
export interface ModelCacheChoice {
  readonly storage: CacheStorageLike;
  readonly name: string;
}

/**
 * The cache the options ask for: `cache: false` none; `true` or a name, the runtime's
 * `caches` (or `storage`) under that name; left out, the browser's Cache Storage where there is
 * one (`browserCacheStorage`), or `storage` when given.
 * @throws ModelFilesError when a cache is asked for and the runtime has no `caches`
 */
export function chooseModelCache(cache: boolean | string | undefined, storage?: CacheStorageLike): ModelCacheChoice | undefined {
  if (cache === false) return undefined;
  if (cache === '') throw new ModelFilesError("cache: the cache name is empty (give a name, true for 'splade-ts', or false)");
  const name = typeof cache === 'string' ? cache : DEFAULT_CACHE_NAME;
  if (cache === undefined) {
    const found = storage ?? browserCacheStorage();
    return found && { storage: found, name };
  }
  const found = storage ?? (globalThis as RuntimeGlobals).caches;
  if (found === undefined) {
    throw new ModelFilesError(`cache: ${JSON.stringify(cache)} asks for the Cache Storage API, which this runtime lacks (no globalThis.caches); pass cache: false`);
  }
  return { storage: found, name };
}

/** The request headers that ask the server whether `cached` is still current. */
export function revalidationHeaders(cached: Response): Record<string, string> {
  const etag = cached.headers.get('ETag');
  if (etag !== null) return { 'If-None-Match': etag };
  const modified = cached.headers.get('Last-Modified');
  return modified === null ? {} : { 'If-Modified-Since': modified };
}

/**
 * A Response holding `bytes` to store under the URL requested, with the validators and type of
 * the server's `response`. Its body streams slices of `bytes`: a Response made from the array
 * itself would copy the whole file.
 */
export function cacheEntry(bytes: Uint8Array, response: Response): Response {
  const headers = new Headers({ 'Content-Length': String(bytes.length) });
  for (const name of ['ETag', 'Last-Modified', 'Content-Type']) {
    const value = response.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const end = Math.min(offset + PUT_CHUNK, bytes.length);
      controller.enqueue(bytes.slice(offset, end));
      offset = end;
    },
  });
  return new Response(body, { status: 200, headers });
}

/** A cache failure as one line for DownloadProgress.note (`name`: the cache's name). */
export function cacheNote(name: string | undefined, what: string, error: unknown): string {
  const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `the cache '${name ?? DEFAULT_CACHE_NAME}' could not ${what} (${why}); the file came from the network`;
}
