// Model files under a base URL, e.g. a static file server or
// https://huggingface.co/<repo>/resolve/main/ (where the network allows): read with progress
// events, and kept in the browser's Cache Storage between page loads (model-cache.ts).
import { readBody, type ProgressCallback, type ReadBody } from './download-progress.js';
import { cacheEntry, cacheNote, chooseModelCache, revalidationHeaders, type CacheLike, type CacheStorageLike, type ModelCacheChoice } from './model-cache.js';
import { ModelFilesError } from './model-files-error.js';
import type { ModelFiles } from './model-files.js';

/** The part of `fetch` urlModelFiles uses (GET, and HEAD to ask whether a file exists; validators to revalidate a cached file). */
export type FetchLike = (url: string, init?: { method?: string; headers?: Record<string, string> }) => Promise<Response>;

/** How urlModelFiles fetches, reports and caches. */
export interface UrlModelFilesOptions {
  /** The fetch to use (default: the global `fetch`). */
  readonly fetch?: FetchLike;
  /**
   * Told as each file's bytes arrive (`{ file, url, loaded, total }`), and once when the file
   * is read (`done: true`, `fromCache`, and a `note` when the cache failed). Only files read over
   * HTTP: in-memory files (memoryModelFiles) have nothing to download.
   */
  readonly onProgress?: ProgressCallback;
  /**
   * The persistent cache (Cache Storage API): false for none, a name, or true for
   * 'splade-ts'. Default: on in browser pages and Web Workers, off elsewhere (Node, Deno, Bun,
   * Cloudflare Workers). A cached file is revalidated with its ETag or Last-Modified (a 304
   * serves it from the cache) and served from the cache when the network fails.
   */
  readonly cache?: boolean | string;
  /** The CacheStorage to use instead of `globalThis.caches` (tests, other runtimes). */
  readonly caches?: CacheStorageLike;
}

/** A cache that opened, and its name (for notes and errors). */
interface OpenedCache {
  readonly cache: CacheLike;
  readonly name: string;
}

/** A file read whole: its bytes, and whether they came from the cache. */
interface Fetched {
  readonly bytes: Uint8Array;
  readonly total: number | undefined;
  readonly fromCache: boolean;
  readonly note?: string;
}

/**
 * Model files fetched over HTTP(S) from `baseUrl`.
 * @param baseUrl the folder URL (a trailing '/' is added when missing)
 * @param options the fetch to use (default: the global `fetch`), or UrlModelFilesOptions
 * @throws ModelFilesError when `cache` asks for a cache that the runtime lacks
 */
export function urlModelFiles(baseUrl: string, options: FetchLike | UrlModelFilesOptions = {}): ModelFiles {
  const { fetch: fetchImpl, onProgress, cache, caches } = typeof options === 'function' ? { fetch: options } as UrlModelFilesOptions : options;
  return new UrlFiles(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`, fetchImpl ?? ((url, init) => fetch(url, init)), onProgress, chooseModelCache(cache, caches));
}

class UrlFiles implements ModelFiles {
  /** The opened cache (none when off), or why it could not be opened. */
  private opening?: Promise<{ opened?: OpenedCache; note?: string }>;

  constructor(
    readonly location: string,
    private readonly doFetch: FetchLike,
    private readonly onProgress: ProgressCallback | undefined,
    private readonly cacheChoice: ModelCacheChoice | undefined,
  ) {}

  async has(name: string): Promise<boolean> {
    const url = this.urlOf(name);
    let response: Response;
    try {
      response = await this.doFetch(url, { method: 'HEAD' });
    } catch (error) {
      const offline = await this.offlineAnswer(name);
      if (offline !== undefined) return offline;
      throw fetchFailed(url, error);
    }
    if (response.ok) return true;
    if (response.status === 404 || response.status === 410) return false;
    throw new ModelFilesError(`${url}: HTTP ${response.status} ${response.statusText}`);
  }

  async readBytes(name: string): Promise<Uint8Array> {
    return (await this.read(name)).bytes;
  }

  async readText(name: string): Promise<string> {
    return new TextDecoder().decode((await this.read(name)).bytes);
  }

  private urlOf(name: string): string {
    if (name.split('/').some((part) => part === '' || part === '.' || part === '..')) {
      throw new ModelFilesError(`${this.location}: '${name}' is not a file name inside the model folder`);
    }
    return this.location + name.split('/').map(encodeURIComponent).join('/');
  }

  /** The file's bytes, from the network or the cache, with its last progress event sent. */
  private async read(name: string): Promise<Fetched> {
    const url = this.urlOf(name);
    const fetched = await this.fetchFile(name, url);
    this.onProgress?.({
      file: name, url, loaded: fetched.bytes.length, total: fetched.total, done: true, fromCache: fetched.fromCache,
      ...(fetched.note === undefined ? {} : { note: fetched.note }),
    });
    return fetched;
  }

  private async fetchFile(name: string, url: string): Promise<Fetched> {
    const { opened, note: openNote } = await this.openCache();
    let cached: Response | undefined;
    let note = openNote;
    try {
      cached = await opened?.cache.match(url);
    } catch (error) {
      note = cacheNote(opened?.name, 'be read', error);
    }
    let response: Response;
    try {
      response = await this.doFetch(url, { method: 'GET', ...(cached ? { headers: revalidationHeaders(cached) } : {}) });
    } catch (error) {
      // Offline (or the server is down): the copy from an earlier load is the file.
      if (opened && cached) return this.fromCache(name, url, cached, opened.name);
      throw fetchFailed(url, error);
    }
    if (response.status === 304 && opened && cached) {
      await response.body?.cancel();
      try {
        return { ...(await this.readCopy(name, url, cached)), fromCache: true };
      } catch (error) {
        // A copy cut short in storage would fail every load from now on: download the file
        // afresh (without validators, which would only get another 304), and replace it.
        note = `${unreadableCopy(url, opened.name, error)}; downloaded again`;
        response = await this.doFetch(url, { method: 'GET' }).catch((failure: unknown) => Promise.reject(fetchFailed(url, failure)));
      }
    }
    return this.download(name, url, response, opened, note);
  }

  /** The file from the server's answer (not a 304), stored in the cache when there is one. */
  private async download(name: string, url: string, response: Response, opened: OpenedCache | undefined, openNote: string | undefined): Promise<Fetched> {
    let note = openNote;
    if (!response.ok) {
      const why = response.status === 404 ? 'no such file (HTTP 404)' : `HTTP ${response.status} ${response.statusText}`;
      throw new ModelFilesError(`${url}: ${why}`);
    }
    // Only a body read whole and of its declared length gets here: a failed download is never cached.
    const { bytes, total } = await readBody(response, { file: name, url, fromCache: false, onProgress: this.onProgress });
    try {
      await opened?.cache.put(url, cacheEntry(bytes, response));
    } catch (error) {
      note = cacheNote(opened?.name, 'store the file', error);
    }
    return { bytes, total, fromCache: false, ...(note === undefined ? {} : { note }) };
  }

  /** The cached copy (offline): an unreadable one is an error that says how to clear it. */
  private async fromCache(name: string, url: string, cached: Response, cacheName: string): Promise<Fetched> {
    const { bytes, total } = await this.readCopy(name, url, cached).catch((error: unknown) => {
      throw new ModelFilesError(`${unreadableCopy(url, cacheName, error)}; clear it with caches.delete('${cacheName}')`, { cause: error });
    });
    return { bytes, total, fromCache: true };
  }

  private readCopy(name: string, url: string, cached: Response): Promise<ReadBody> {
    return readBody(cached, { file: name, url, fromCache: true, onProgress: this.onProgress });
  }

  /** The cache, opened once; a cache that cannot be opened (private mode, no storage) is a note, not an error. */
  private openCache(): Promise<{ opened?: OpenedCache; note?: string }> {
    const choice = this.cacheChoice;
    if (choice === undefined) return Promise.resolve({});
    this.opening ??= choice.storage.open(choice.name).then(
      (cache) => ({ opened: { cache, name: choice.name } }),
      (error: unknown) => ({ note: cacheNote(choice.name, 'be opened', error) }),
    );
    return this.opening;
  }

  /**
   * Whether `name` exists when the server cannot be reached: yes when the cache holds it; no
   * when the cache holds this folder (its config.json or modules.json: every file an earlier
   * load read was cached with it); undefined (unknown) otherwise.
   */
  private async offlineAnswer(name: string): Promise<boolean | undefined> {
    const cache = (await this.openCache()).opened?.cache;
    if (!cache) return undefined;
    try {
      if (await cache.match(this.urlOf(name))) return true;
      for (const marker of ['config.json', 'modules.json']) {
        if (await cache.match(this.urlOf(marker))) return false;
      }
    } catch {
      // A cache that cannot be read knows nothing.
    }
    return undefined;
  }
}

/** `URL: the copy in the cache 'NAME' cannot be read (why)`. */
function unreadableCopy(url: string, cacheName: string, error: unknown): string {
  const why = error instanceof Error ? error.message : String(error);
  return `${url}: the copy in the cache '${cacheName}' cannot be read (${why})`;
}

function fetchFailed(url: string, error: unknown): ModelFilesError {
  const why = error instanceof Error ? error.message : String(error);
  return new ModelFilesError(`${url}: fetch failed: ${why}`, { cause: error });
}
