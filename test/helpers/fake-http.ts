// A fake fetch serving files from memory (chunked bodies, ETags, 304s, faults switched on per
// test, every request recorded) and a fake CacheStorage (faults too), for urlModelFiles' tests.
import type { CacheLike, CacheStorageLike } from '../../src/io/model-cache.js';
import type { FetchLike } from '../../src/io/url-model-files.js';

export interface FakeFile {
  bytes: Uint8Array;
  etag?: string;
  lastModified?: string;
}

export interface RecordedFetch {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  /** The status answered; 0 when the fetch threw. */
  status: number;
}

/** What the fake server gets wrong, per test. */
export interface ServerFaults {
  /** Every fetch throws (the network is down). */
  offline?: boolean;
  /** Content-Length says this many bytes more than the body has (a negative number: fewer). */
  lengthError?: number;
  /** No Content-Length header. */
  noLength?: boolean;
  /** The body's stream errors after its first chunk (a connection cut part-way). */
  cutAfterFirstChunk?: boolean;
  /** A Content-Encoding header (the body is as if decompressed, so longer than Content-Length). */
  encoding?: string;
  /** Answer as a cross-origin (CORS) response, whose hidden headers may include Content-Encoding. */
  cors?: boolean;
}

export const CHUNK = 4;

/** A fake server of `files` (name under `base` -> file), answering in chunks of CHUNK bytes. */
export function fakeServer(base: string, files: Record<string, FakeFile>): { fetch: FetchLike; log: RecordedFetch[]; faults: ServerFaults } {
  const log: RecordedFetch[] = [];
  const faults: ServerFaults = {};
  const fetch: FetchLike = async (url, init = {}) => {
    const entry: RecordedFetch = { url, method: init.method ?? 'GET', headers: { ...init.headers }, status: 0 };
    log.push(entry);
    if (faults.offline) throw new TypeError('Failed to fetch');
    const file = url.startsWith(base) ? files[decodeURIComponent(url.slice(base.length))] : undefined;
    if (!file) return answer(entry, new Response('not found', { status: 404 }));
    const validators: Record<string, string> = {
      ...(file.etag ? { ETag: file.etag } : {}),
      ...(file.lastModified ? { 'Last-Modified': file.lastModified } : {}),
    };
    const unchanged = (file.etag !== undefined && entry.headers['If-None-Match'] === file.etag)
      || (file.etag === undefined && file.lastModified !== undefined && entry.headers['If-Modified-Since'] === file.lastModified);
    if (unchanged) return answer(entry, new Response(null, { status: 304, headers: validators }));
    const length = file.bytes.length + (faults.lengthError ?? 0);
    const headers = {
      ...validators,
      ...(faults.noLength ? {} : { 'Content-Length': String(length) }),
      ...(faults.encoding ? { 'Content-Encoding': faults.encoding } : {}),
    };
    if (entry.method === 'HEAD') return answer(entry, new Response(null, { status: 200, headers }));
    const response = new Response(chunkedBody(file.bytes, faults.cutAfterFirstChunk === true), { status: 200, headers });
    // A constructed Response is of type 'default'; a browser's cross-origin one is 'cors'.
    if (faults.cors) Object.defineProperty(response, 'type', { value: 'cors' });
    return answer(entry, response);
  };
  return { fetch, log, faults };
}

function answer(entry: RecordedFetch, response: Response): Response {
  entry.status = response.status;
  return response;
}

function chunkedBody(bytes: Uint8Array, cut: boolean): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (cut && offset > 0) {
        controller.error(new TypeError('network error'));
        return;
      }
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + CHUNK));
      offset += CHUNK;
    },
  });
}

/** What the fake cache gets wrong, per test. */
export interface CacheFaults {
  open?: Error;
  match?: Error;
  put?: Error;
}

/** A CacheStorage in memory: name -> URL -> the stored body and headers. */
export class FakeCacheStorage implements CacheStorageLike {
  readonly stores = new Map<string, Map<string, { bytes: Uint8Array; headers: Headers }>>();
  readonly faults: CacheFaults = {};

  async open(name: string): Promise<CacheLike> {
    if (this.faults.open) throw this.faults.open;
    const store = this.stores.get(name) ?? new Map<string, { bytes: Uint8Array; headers: Headers }>();
    this.stores.set(name, store);
    return {
      match: async (url) => {
        if (this.faults.match) throw this.faults.match;
        const entry = store.get(url);
        return entry && new Response(entry.bytes.slice(), { headers: entry.headers });
      },
      put: async (url, response) => {
        // As the real one: the body is read whole first, and a failure stores nothing.
        const bytes = new Uint8Array(await response.arrayBuffer());
        if (this.faults.put) throw this.faults.put;
        store.set(url, { bytes, headers: response.headers });
      },
    };
  }

  /** The URLs stored under `name`. */
  keys(name: string): string[] {
    return [...(this.stores.get(name)?.keys() ?? [])];
  }
}

/** A DOMException-like error, as a browser's cache throws when the quota is exceeded. */
export function quotaExceeded(): Error {
  const error = new Error('The quota has been exceeded.');
  error.name = 'QuotaExceededError';
  return error;
}
