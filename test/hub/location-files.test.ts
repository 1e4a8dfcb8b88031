// A string location where there is no file system (the browser entry's SpladeEncoder): an
// absolute URL, a path relative to the page, or a Hugging Face repository id read over HTTP from
// the hub, unless a model folder of that name is served beside the page. The fake hub stands in
// for huggingface.co, a small static server for the page's own server.
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { DownloadProgress } from '../../src/io/download-progress.js';
import { hubFolderUrl, locationFiles } from '../../src/io/location-files.js';
import { DEFAULT_CACHE_NAME } from '../../src/io/model-cache.js';
import { SpladeEncoder as NodeSpladeEncoder } from '../../src/node/splade-encoder.js';
import { SpladeEncoder } from '../../src/splade/encoder.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';
import { FakeCacheStorage } from '../helpers/fake-http.js';
import { servedFolder, startFakeHub, type FakeHub } from './fake-hub.js';

const tmp = tempDir('location-files');
const model = join(tmp, 'site', 'acme', 'local-model');
await writeRandomBertFolder(model, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 16, vocab: 300, seed: 4 });

/** A static file server of `root` (the page's own server). */
async function staticServer(root: string): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!path.startsWith(root) || !existsSync(path) || statSync(path).isDirectory()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200);
    res.end(readFileSync(path));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

interface Context { hub: FakeHub; site: { origin: string; server: Server } }
const locations = suite<Context>('string locations without a file system');
locations.before(async (context) => {
  context.hub = await startFakeHub({ 'acme/remote-model': servedFolder(model), 'acme/local-model': servedFolder(model) }, { cdn: 'other' });
  context.site = await staticServer(join(tmp, 'site'));
});
locations.after(async (context) => {
  await context.hub.close();
  await new Promise<void>((resolve) => context.site.server.close(() => resolve()));
});

locations('where each kind of location goes', async ({ hub, site }) => {
  const page = `${site.origin}/index.html`;
  const at = async (location: string, options = {}) => (await locationFiles(location, { hubEndpoint: hub.endpoint, base: page, ...options })).location;
  // A folder served beside the page wins over the repository of the same name.
  assert.is(await at('acme/local-model'), `${site.origin}/acme/local-model/`);
  // Paths that are no repository id stay relative to the page, whatever is there.
  assert.is(await at('./acme/remote-model'), `${site.origin}/acme/remote-model/`);
  assert.is(await (async () => (await locationFiles('../acme/local-model', { base: `${site.origin}/app/index.html` })).location)(), `${site.origin}/acme/local-model/`);
  // A repository id with nothing beside the page: the hub, at the revision asked for.
  assert.is(await at('acme/remote-model'), `${hub.endpoint}/acme/remote-model/resolve/main/`);
  assert.is(await at('acme/remote-model', { revision: 'v1.0' }), `${hub.endpoint}/acme/remote-model/resolve/v1.0/`);
  assert.is(await at('https://models.example/splade'), 'https://models.example/splade/');
  // Without a page (an edge runtime): a repository id goes to the hub.
  assert.is((await locationFiles('acme/local-model', { hubEndpoint: hub.endpoint })).location, `${hub.endpoint}/acme/local-model/resolve/main/`);
  assert.is(hubFolderUrl('a/b'), 'https://huggingface.co/a/b/resolve/main/');
});

locations('fromPretrained(repo id) in the browser entry reads the hub, and encodes as the folder does', async ({ hub }) => {
  const remote = await SpladeEncoder.fromPretrained('acme/remote-model', { hubEndpoint: hub.endpoint, backend: new ReferenceBackend() });
  const local = await SpladeEncoder.fromPretrained(`${hub.endpoint}/acme/remote-model/resolve/main/`, { backend: new ReferenceBackend() });
  const [a, b] = [await remote.encode(['the atomic bomb']), await local.encode(['the atomic bomb'])];
  assert.equal([[...a[0].indices], [...a[0].values]], [[...b[0].indices], [...b[0].values]]);
  assert.ok(a[0].indices.length > 0);
  assert.ok(hub.requests.some((r) => r.path.startsWith('/acme/remote-model/resolve/main/config.json')));
});

locations('fromPretrained tells the progress of every file; a redirected file is cached under the URL requested', async ({ hub }) => {
  const events: DownloadProgress[] = [];
  await SpladeEncoder.fromPretrained('acme/remote-model', { hubEndpoint: hub.endpoint, backend: new ReferenceBackend(), onProgress: (event) => events.push(event) });
  const resolve = `${hub.endpoint}/acme/remote-model/resolve/main/`;
  const weights = events.filter((event) => event.url === `${resolve}model.safetensors`);
  const size = statSync(join(model, 'model.safetensors')).size;
  assert.ok(weights.length >= 2, `${weights.length} events`);
  assert.equal(weights.at(-1), { file: 'model.safetensors', url: `${resolve}model.safetensors`, loaded: size, total: size, done: true, fromCache: false });
  assert.ok(weights.every((event, i) => i === 0 || event.loaded >= weights[i - 1].loaded));
  assert.ok(events.some((event) => event.file === 'config.json' && event.done));
  // The Node entry reads a URL through the same files, so its events come too.
  const nodeEvents: DownloadProgress[] = [];
  await NodeSpladeEncoder.fromPretrained(resolve, { backend: new ReferenceBackend(), onProgress: (event) => nodeEvents.push(event) });
  assert.equal(nodeEvents.filter((event) => event.done).map((event) => event.file), events.filter((event) => event.done).map((event) => event.file));
  // The hub redirects the weights to its CDN (another origin); the cache keeps the resolve URL.
  const caches = new FakeCacheStorage();
  const files = await locationFiles('acme/remote-model', { hubEndpoint: hub.endpoint, caches });
  await files.readBytes('model.safetensors');
  assert.ok(hub.requests.some((r) => r.server === 'cdn'), 'no request reached the CDN');
  assert.equal(caches.keys(DEFAULT_CACHE_NAME), [`${resolve}model.safetensors`]);
});

locations.run();
