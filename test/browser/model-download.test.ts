// A model loaded over HTTP in chromium, in a page and in a module Web Worker: progress events
// reach each file's size, and the persistent cache (Cache Storage) makes the next load (and the
// next page load) revalidate instead of download: the server answers 304 and sends no body;
// offline, the cache serves the model; `cache: false` downloads again; a file changed on the
// server (new ETag) comes afresh.
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DownloadProgress } from '../../src/io/download-progress.js';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';
import { browserSuite, bundlePage, runInPage, type BrowserSession, type ServedRequest } from './harness.js';

const MODELS = tempDir('browser-model-download');
const SHAPE = { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 16, vocab: 300 } as const;
await writeRandomBertFolder(join(MODELS, 'page'), { ...SHAPE, seed: 4 });
await writeRandomBertFolder(join(MODELS, 'worker'), { ...SHAPE, seed: 4 });

interface Loaded {
  events: DownloadProgress[];
  vector: [number[], number[]];
  weightsSha256: string;
}

/** Loads the model at args.url (page or worker), encodes a text, and digests the weights it reads. */
const LOAD = `async (splade, { url, options }) => {
  const events = [];
  const encoder = await splade.SpladeEncoder.fromPretrained(url, { threads: 1, ...options, onProgress: (event) => events.push(event) });
  const [vector] = await encoder.encode(['the atomic bomb']);
  encoder.dispose();
  const bytes = await splade.urlModelFiles(url, options).readBytes('model.safetensors');
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const weightsSha256 = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
  return { events, vector: [[...vector.indices], [...vector.values]], weightsSha256 };
}`;

/**
 * The same in a module Worker that the page starts once (it must be running before the page
 * goes offline: its script comes from the server), which answers with what LOAD returned.
 */
const IN_WORKER = `async (splade, args) => {
  if (!window.loadWorker) {
    const source = 'import * as splade from ' + JSON.stringify(location.origin + '/dist/splade.js') + ';\\n'
      + 'const load = ' + ${JSON.stringify(LOAD)} + ';\\n'
      + 'self.onmessage = async (m) => { try { postMessage({ ok: await load(splade, m.data) }); } catch (e) { postMessage({ error: String(e) }); } };';
    window.loadWorker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { type: 'module' });
  }
  const worker = window.loadWorker;
  const answer = await new Promise((done, fail) => {
    worker.onmessage = (m) => done(m.data);
    worker.onerror = (e) => fail(new Error('the worker failed: ' + e.message));
    worker.postMessage(args);
  });
  if (answer.error) throw new Error(answer.error);
  return answer.ok;
}`;

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The requests for the files under `folder` since `from`: path -> statuses of its GETs. */
function gets(requests: readonly ServedRequest[], from: number, folder: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const request of requests.slice(from)) {
    if (request.method !== 'GET' || !request.path.startsWith(`/models/${folder}/`)) continue;
    (out[request.path.slice(`/models/${folder}/`.length)] ??= []).push(request.status);
  }
  return out;
}

/** Each file's events rise to its size on disk, the last one `done` and not from the cache. */
function checkProgress(events: readonly DownloadProgress[], dir: string): void {
  const read = [...new Set(events.map((event) => event.file))];
  assert.ok(read.includes('model.safetensors') && read.includes('config.json'), read.join(', '));
  for (const file of read) {
    const mine = events.filter((event) => event.file === file);
    const size = statSync(join(dir, file)).size;
    assert.ok(mine.every((event, i) => i === 0 || event.loaded >= mine[i - 1].loaded), `${file}: not monotonic`);
    assert.ok(mine.every((event) => event.total === size), `${file}: totals ${mine.map((event) => event.total).join(', ')} (size ${size})`);
    assert.equal(mine.filter((event) => event.done), [mine.at(-1)], `${file}: one final event, last`);
    assert.is(mine.at(-1)?.loaded, size, file);
    assert.is(mine.at(-1)?.fromCache, false, file);
  }
}

async function scenario(chrome: BrowserSession, where: 'page' | 'worker'): Promise<void> {
  const { page, errors } = await chrome.open('/index.html');
  const requests = chrome.server!.requests;
  const dir = join(MODELS, where);
  const url = `${chrome.origin}/models/${where}/`;
  const run = async (options: object = {}): Promise<Loaded> => runInPage<Loaded>(page, where === 'page' ? LOAD : IN_WORKER, { url, options });

  let from = requests.length;
  const first = await run();
  checkProgress(first.events, dir);
  assert.is(gets(requests, from, where)['model.safetensors'][0], 200);
  assert.ok(first.vector[0].length > 0);

  // The second load (and the digest's read) revalidate: every GET is a 304, no body comes.
  from = requests.length;
  const second = await run();
  const revalidated = gets(requests, from, where);
  assert.equal(revalidated['model.safetensors'], [304, 304], JSON.stringify(revalidated));
  assert.ok(Object.values(revalidated).flat().every((status) => status === 304), JSON.stringify(revalidated));
  assert.ok(requests.slice(from).filter((r) => r.method === 'GET' && r.path.startsWith('/models/')).every((r) => r.ifNoneMatch !== undefined));
  assert.ok(second.events.filter((event) => event.done).every((event) => event.fromCache && event.note === undefined));
  assert.equal(second.vector, first.vector);

  // The cache outlives the page.
  await page.reload();
  await page.waitForFunction('window.spladeReady === true');
  from = requests.length;
  await run();
  assert.equal(gets(requests, from, where)['model.safetensors'], [304, 304]);

  // Offline, the cached files are the model (the probes for absent files answer no).
  await page.context().setOffline(true);
  const offline = await run().finally(() => page.context().setOffline(false));
  assert.ok(offline.events.filter((event) => event.done).every((event) => event.fromCache));
  assert.equal(offline.vector, first.vector);

  // cache: false downloads the files again.
  from = requests.length;
  await run({ cache: false });
  assert.equal(gets(requests, from, where)['model.safetensors'], [200, 200]);

  // A file changed on the server has a new ETag: fetched afresh, and its new bytes are used.
  const before = sha256(join(dir, 'model.safetensors'));
  await writeRandomBertFolder(dir, { ...SHAPE, seed: 5 });
  const after = sha256(join(dir, 'model.safetensors'));
  assert.is.not(after, before);
  from = requests.length;
  const changed = await run();
  assert.equal(gets(requests, from, where)['model.safetensors'], [200, 304]);
  assert.is(changed.weightsSha256, after);
  assert.not.equal(changed.vector, first.vector);
  // Chromium logs each 404 the loader's probes meet (modules.json, idf.json, ...) as an
  // error, and each request made offline.
  assert.equal(errors.filter((error) => !/status of 404 \(Not Found\)|ERR_INTERNET_DISCONNECTED/.test(error)), []);
  await page.close();
}

browserSuite('browser/model-download', { mounts: { '/models/': MODELS }, pages: { '/index.html': bundlePage('/dist/splade.js') } }, (it, chrome) => {
  it('a page: progress to each file\'s size; the next load and the next page load revalidate (304, no body); offline the cache serves it; cache: false and a changed file download', async () => {
    await scenario(chrome, 'page');
  });

  it('a module Web Worker: the same, its cache on by default there too', async () => {
    await scenario(chrome, 'worker');
  });
});
