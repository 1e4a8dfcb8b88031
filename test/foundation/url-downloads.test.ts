// urlModelFiles' downloads: progress events as the bytes arrive, a body of the wrong length
// refused, and the persistent cache (Cache Storage API): revalidated with the ETag or
// Last-Modified, served on 304 and when offline, never holding a failed download, and never
// failing a load when the cache itself fails. A fake fetch and a fake CacheStorage stand in.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readBody, type DownloadProgress } from '../../src/io/download-progress.js';
import { browserCacheStorage, chooseModelCache, DEFAULT_CACHE_NAME } from '../../src/io/model-cache.js';
import { ModelFilesError } from '../../src/io/model-files-error.js';
import { urlModelFiles } from '../../src/io/url-model-files.js';
import { CHUNK, FakeCacheStorage, fakeServer, quotaExceeded, type FakeFile } from '../helpers/fake-http.js';
import { rejects } from '../helpers/rejects.js';

const BASE = 'https://models.example/splade/';
const WEIGHTS = new Uint8Array(4 * CHUNK + 3).map((_, i) => (i * 7) & 255);

function files(): Record<string, FakeFile> {
  return {
    'config.json': { bytes: new TextEncoder().encode('{"hidden_size":8}'), etag: '"c1"' },
    'model.safetensors': { bytes: WEIGHTS.slice(), etag: '"w1"' },
    'vocab.txt': { bytes: new TextEncoder().encode('[PAD]\n'), lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT' },
  };
}

/** A server, a cache, and a function that reads the folder anew (as a page reload does), recording its events. */
function setUp(options: { cache?: boolean | string } = {}) {
  const server = fakeServer(BASE, files());
  const caches = new FakeCacheStorage();
  const events: DownloadProgress[] = [];
  const load = () => urlModelFiles(BASE, { fetch: server.fetch, caches, onProgress: (event) => events.push(event), ...options });
  return { server, caches, events, load };
}

const finals = (events: readonly DownloadProgress[]) => events.filter((event) => event.done);

test('progress: events as the chunks arrive, monotonic, up to Content-Length, then one final event per file', async () => {
  const { events, load } = setUp({ cache: false });
  const files = load();
  assert.equal(await files.readBytes('model.safetensors'), WEIGHTS);
  assert.is(await files.readText('config.json'), '{"hidden_size":8}');
  const weights = events.filter((event) => event.file === 'model.safetensors');
  assert.equal(weights.map((event) => event.loaded), [4, 8, 12, 16, 19, 19]);
  assert.ok(weights.every((event) => event.total === WEIGHTS.length && event.url === `${BASE}model.safetensors`));
  assert.equal(finals(events).map(({ file, loaded, done, fromCache }) => ({ file, loaded, done, fromCache })), [
    { file: 'model.safetensors', loaded: 19, done: true, fromCache: false },
    { file: 'config.json', loaded: 17, done: true, fromCache: false },
  ]);
  assert.ok(finals(events).every((event) => event.note === undefined));
});

test('progress: without Content-Length the total is undefined and the bytes are still whole', async () => {
  const { server, events, load } = setUp({ cache: false });
  server.faults.noLength = true;
  assert.equal(await load().readBytes('model.safetensors'), WEIGHTS);
  assert.ok(events.every((event) => event.total === undefined));
  assert.is(events.at(-1)?.loaded, WEIGHTS.length);
});

test('a body longer or shorter than its Content-Length is a ModelFilesError naming the URL, and is not cached', async () => {
  for (const [lengthError, message] of [[-2, /longer than its Content-Length \(17 bytes\)/], [5, /ended after 19 of its 24 bytes/]] as const) {
    const { server, caches, load } = setUp();
    server.faults.lengthError = lengthError;
    await rejects(load().readBytes('model.safetensors'), (error) =>
      error instanceof ModelFilesError && error.message.startsWith(`${BASE}model.safetensors: `) && message.test(error.message));
    assert.equal(caches.keys(DEFAULT_CACHE_NAME), []);
  }
});

test('a compressed body, or a cross-origin one whose encoding may be hidden, is not held to its Content-Length', async () => {
  for (const fault of [{ encoding: 'gzip' }, { cors: true }]) {
    const { server, events, load } = setUp({ cache: false });
    Object.assign(server.faults, { lengthError: -9 }, fault);
    assert.equal(await load().readBytes('model.safetensors'), WEIGHTS, JSON.stringify(fault));
    const last = events.at(-1);
    assert.is(last?.loaded, WEIGHTS.length);
    // The header's count is no size here: gzip's never, a CORS one's once the body passed it.
    assert.is(last?.total, undefined, JSON.stringify(fault));
  }
});

test('a cross-origin body with a Content-Length is copied into one buffer of that length as it arrives, its chunks not kept (a 438 MB file is not held twice)', async () => {
  // Each chunk's bytes are overwritten once the next is asked for: only a reader that copied
  // them on arrival, rather than keeping the chunks to join at the end, still has them.
  const sent: Uint8Array[] = [];
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      sent.at(-1)?.fill(0);
      if (offset >= WEIGHTS.length) return controller.close();
      sent.push(WEIGHTS.slice(offset, offset + CHUNK));
      controller.enqueue(sent[sent.length - 1]);
      offset += CHUNK;
    },
  }, { highWaterMark: 0 });
  const response = new Response(body, { headers: { 'Content-Length': String(WEIGHTS.length) } });
  Object.defineProperty(response, 'type', { value: 'cors' });
  const { bytes, total } = await readBody(response, { file: 'model.safetensors', url: `${BASE}model.safetensors`, fromCache: false });
  assert.equal(bytes, WEIGHTS);
  assert.is(total, WEIGHTS.length);
});

test('cache: a second load sends the ETag (or Last-Modified) and serves the 304 from the cache', async () => {
  const { server, caches, events, load } = setUp();
  await load().readBytes('model.safetensors');
  await load().readText('vocab.txt');
  assert.equal(caches.keys(DEFAULT_CACHE_NAME), [`${BASE}model.safetensors`, `${BASE}vocab.txt`]);
  events.length = 0;
  server.log.length = 0;
  const again = load();
  assert.equal(await again.readBytes('model.safetensors'), WEIGHTS);
  assert.is(await again.readText('vocab.txt'), '[PAD]\n');
  assert.equal(server.log.map(({ headers, status }) => ({ headers, status })), [
    { headers: { 'If-None-Match': '"w1"' }, status: 304 },
    { headers: { 'If-Modified-Since': 'Tue, 01 Dec 2026 10:00:00 GMT' }, status: 304 },
  ]);
  assert.equal(finals(events).map(({ file, loaded, fromCache }) => ({ file, loaded, fromCache })), [
    { file: 'model.safetensors', loaded: 19, fromCache: true },
    { file: 'vocab.txt', loaded: 6, fromCache: true },
  ]);
});

test('cache: a cached copy cut short in storage is downloaded again on its 304 and replaced, with a note', async () => {
  const { server, caches, events, load } = setUp();
  await load().readBytes('model.safetensors');
  const stored = caches.stores.get(DEFAULT_CACHE_NAME)?.get(`${BASE}model.safetensors`);
  assert.ok(stored);
  stored.bytes = stored.bytes.subarray(0, 7);
  events.length = 0;
  server.log.length = 0;
  assert.equal(await load().readBytes('model.safetensors'), WEIGHTS);
  // The revalidation, then a plain GET: the validators would only get another 304.
  assert.equal(server.log.map(({ headers, status }) => ({ headers, status })), [
    { headers: { 'If-None-Match': '"w1"' }, status: 304 },
    { headers: {}, status: 200 },
  ]);
  const last = events.at(-1);
  assert.is(last?.fromCache, false);
  assert.match(last?.note ?? '', /^https:\/\/models\.example\/splade\/model\.safetensors: the copy in the cache 'splade-ts' cannot be read \(.*ended after 7 of its 19 bytes.*\); downloaded again$/);
  assert.equal(caches.stores.get(DEFAULT_CACHE_NAME)?.get(`${BASE}model.safetensors`)?.bytes, WEIGHTS);
});

test('cache: a changed file (new ETag) is fetched afresh and replaces the entry', async () => {
  const { caches, load } = setUp();
  await load().readBytes('model.safetensors');
  const changed = new Uint8Array([9, 8, 7]);
  const served = files();
  served['model.safetensors'] = { bytes: changed, etag: '"w2"' };
  const updated = fakeServer(BASE, served);
  assert.equal(await urlModelFiles(BASE, { fetch: updated.fetch, caches }).readBytes('model.safetensors'), changed);
  assert.equal(updated.log.map(({ headers, status }) => ({ headers, status })), [{ headers: { 'If-None-Match': '"w1"' }, status: 200 }]);
  // The entry now holds the new file and its ETag.
  assert.equal(await urlModelFiles(BASE, { fetch: updated.fetch, caches }).readBytes('model.safetensors'), changed);
  assert.is(updated.log.at(-1)?.status, 304);
});

test('cache: offline, a cached file comes from the cache, has() answers from it, and an uncached one fails naming the URL', async () => {
  const { server, events, load } = setUp();
  const online = load();
  await online.readText('config.json');
  await online.readBytes('model.safetensors');
  server.faults.offline = true;
  events.length = 0;
  const offline = load();
  assert.equal(await offline.readBytes('model.safetensors'), WEIGHTS);
  assert.is(finals(events)[0].fromCache, true);
  assert.ok(await offline.has('model.safetensors'));
  // The folder was loaded before and this file was not among it: it is not there.
  assert.not.ok(await offline.has('modules.json'));
  await rejects(offline.readBytes('tokenizer.json'), /^https:\/\/models\.example\/splade\/tokenizer\.json: fetch failed: Failed to fetch$/);
  // A folder never loaded: has() cannot know, and says the fetch failed.
  await rejects(urlModelFiles('https://elsewhere.example/m/', { fetch: server.fetch, caches: new FakeCacheStorage() }).has('config.json'), /fetch failed/);
});

test('cache: a download cut part-way is an error and is never cached; the next load fetches it whole', async () => {
  const { server, caches, load } = setUp();
  server.faults.cutAfterFirstChunk = true;
  await rejects(load().readBytes('model.safetensors'), /model\.safetensors: the download failed after 4 bytes: network error/);
  assert.equal(caches.keys(DEFAULT_CACHE_NAME), []);
  server.faults.cutAfterFirstChunk = false;
  assert.equal(await load().readBytes('model.safetensors'), WEIGHTS);
  assert.equal(server.log.at(-1)?.headers, {});
});

test('cache: a cache that throws (cannot open, cannot read, quota exceeded) leaves the load to the network, with a note', async () => {
  for (const fault of ['open', 'match', 'put'] as const) {
    const { server, caches, events, load } = setUp();
    caches.faults[fault] = fault === 'put' ? quotaExceeded() : new Error(`${fault} refused`);
    assert.equal(await load().readBytes('model.safetensors'), WEIGHTS, fault);
    assert.is(server.log.at(-1)?.status, 200, fault);
    const note = finals(events)[0].note ?? '';
    assert.match(note, /^the cache 'splade-ts' could not (be opened|be read|store the file) \(/, note);
    if (fault === 'put') assert.match(note, /QuotaExceededError: The quota has been exceeded/);
  }
});

test('cache: false fetches every time; a name chooses the cache', async () => {
  const { server, caches, load } = setUp({ cache: false });
  await load().readBytes('model.safetensors');
  await load().readBytes('model.safetensors');
  assert.equal(server.log.map((entry) => entry.status), [200, 200]);
  assert.equal([...caches.stores.keys()], []);
  const named = setUp({ cache: 'my-models' });
  await named.load().readBytes('model.safetensors');
  assert.equal(named.caches.keys('my-models'), [`${BASE}model.safetensors`]);
});

test('the default cache: browser pages and Web Workers, not Cloudflare Workers, Node, Deno or Bun', () => {
  const caches = new FakeCacheStorage();
  class WorkerGlobalScope {}
  const worker = Object.assign(new WorkerGlobalScope(), { caches, WorkerGlobalScope });
  assert.is(browserCacheStorage({ caches, document: {} }), caches);
  assert.is(browserCacheStorage(worker), caches);
  // A Cloudflare Worker's scope is a WorkerGlobalScope too: told by its user agent, or (before
  // compatibility date 2022-03-21, which has none) by caches.default.
  assert.is(browserCacheStorage(Object.assign(new WorkerGlobalScope(), { caches, WorkerGlobalScope, navigator: { userAgent: 'Cloudflare-Workers' } })), undefined);
  const edgeCaches = Object.assign(new FakeCacheStorage(), { default: {} });
  assert.is(browserCacheStorage(Object.assign(new WorkerGlobalScope(), { caches: edgeCaches, WorkerGlobalScope })), undefined);
  assert.is(browserCacheStorage({ caches, document: {}, process: { versions: { node: '22.0.0' } } }), undefined);
  assert.is(browserCacheStorage({ caches, document: {}, Deno: {} }), undefined);
  assert.is(browserCacheStorage({ caches, Bun: {} }), undefined);
  assert.is(browserCacheStorage({ caches }), undefined);
  assert.is(browserCacheStorage({ document: {} }), undefined);
  // Here (Node) it is off unless asked for, and asking without a CacheStorage says so.
  assert.is(chooseModelCache(undefined), undefined);
  assert.throws(() => chooseModelCache(true), (error: Error) => error instanceof ModelFilesError && /lacks \(no globalThis\.caches\)/.test(error.message));
  assert.throws(() => chooseModelCache(''), /the cache name is empty/);
});

test.run();
