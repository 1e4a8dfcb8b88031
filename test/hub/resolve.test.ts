// resolveModel: folder path, weights/<owner>/<name>, the Hugging Face cache, then a download.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hubCacheDir } from '../../src/node/hub/hf-cache.js';
import { ModelNotFoundError, resolveModel } from '../../src/node/resolve-model.js';
import { bytes, startFakeHub, text, type FakeHub } from './fake-hub.js';

interface Context {
  root: string;
  hub: FakeHub;
}
const resolveSuite = suite<Context>('resolveModel');

const COMMIT = 'c0ffee'.padEnd(40, '0');
const modelFiles = { 'config.json': '{}', 'vocab.txt': '[PAD]\n', 'model.safetensors': 'weights' };

function writeModel(dir: string, files: Record<string, string> = modelFiles): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** A cache laid out as huggingface_hub writes it: blobs, snapshots of symlinks, refs/main. */
function writeCache(cache: string, repo: string, commit: string, files: Record<string, string> = modelFiles): string {
  const repoDir = join(cache, `models--${repo.replace('/', '--')}`);
  const snapshot = join(repoDir, 'snapshots', commit);
  mkdirSync(join(repoDir, 'blobs'), { recursive: true });
  mkdirSync(snapshot, { recursive: true });
  mkdirSync(join(repoDir, 'refs'), { recursive: true });
  writeFileSync(join(repoDir, 'refs', 'main'), commit);
  for (const [name, content] of Object.entries(files)) {
    // A file in a module folder ('document_0_MLMTransformer/config.json') links from its folder.
    const blob = join(repoDir, 'blobs', `blob-${name.replaceAll('/', '--')}`);
    const link = join(snapshot, name);
    writeFileSync(blob, content);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), blob), link);
  }
  return snapshot;
}

resolveSuite.before.each(async (context) => {
  context.root = await mkdtemp(join(tmpdir(), 'splade-resolve-'));
  context.hub = await startFakeHub({
    'acme/remote': {
      files: {
        'config.json': { content: text('{}') },
        'vocab.txt': { content: text('[PAD]\n') },
        'model.safetensors': { content: bytes(1000), lfs: true },
      },
    },
  });
});
resolveSuite.after.each(async (context) => {
  await context.hub.close();
  await rm(context.root, { recursive: true, force: true });
});

const env = (context: Context, extra: Record<string, string> = {}) => ({
  HF_ENDPOINT: context.hub.endpoint,
  HF_HUB_CACHE: join(context.root, 'cache'),
  HF_TOKEN_PATH: join(context.root, 'no-token'),
  ...extra,
});

resolveSuite('an existing folder is used as is, relative to cwd', async (context) => {
  writeModel(join(context.root, 'my-model'));
  const found = await resolveModel('my-model', { cwd: context.root, env: env(context) });
  assert.equal(found, { dir: join(context.root, 'my-model'), source: 'folder' });
  assert.is(context.hub.requests.length, 0);
});

resolveSuite('a repo id finds weights/<owner>/<name> first', async (context) => {
  const dir = writeModel(join(context.root, 'weights/acme/remote'));
  writeCache(join(context.root, 'cache'), 'acme/remote', COMMIT);
  const found = await resolveModel('acme/remote', { cwd: context.root, env: env(context) });
  assert.equal(found, { dir, source: 'weights' });
  assert.is(context.hub.requests.length, 0);
});

resolveSuite('then the Hugging Face cache snapshot that refs/main names', async (context) => {
  const snapshot = writeCache(join(context.root, 'cache'), 'acme/remote', COMMIT);
  const found = await resolveModel('acme/remote', { cwd: context.root, env: env(context) });
  assert.equal(found, { dir: snapshot, source: 'hf-cache' });
  assert.is(context.hub.requests.length, 0);
});

resolveSuite('a sentence-transformers Router snapshot in the cache is used when its MLM folder is complete', async (context) => {
  const router = {
    'modules.json': JSON.stringify([{ idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Router' }]),
    'router_config.json': JSON.stringify({
      types: {
        query_0_SparseStaticEmbedding: 'sentence_transformers.sparse_encoder.models.SparseStaticEmbedding.SparseStaticEmbedding',
        document_0_MLMTransformer: 'sentence_transformers.sparse_encoder.models.MLMTransformer.MLMTransformer',
      },
      structure: { query: ['query_0_SparseStaticEmbedding'], document: ['document_0_MLMTransformer'] },
    }),
    'query_0_SparseStaticEmbedding/model.safetensors': 'weights',
    'query_0_SparseStaticEmbedding/vocab.txt': '[PAD]\n',
    ...Object.fromEntries(Object.entries(modelFiles).map(([name, content]) => [`document_0_MLMTransformer/${name}`, content])),
  };
  const snapshot = writeCache(join(context.root, 'cache'), 'acme/remote', COMMIT, router);
  const found = await resolveModel('acme/remote', { cwd: context.root, env: env(context) });
  assert.equal(found, { dir: snapshot, source: 'hf-cache' });
  assert.is(context.hub.requests.length, 0);
});

resolveSuite('a snapshot whose root MLM names a Router (OpenSearch\'s layout) is used only with its query module\'s files', async (context) => {
  const rootRouter = {
    ...modelFiles,
    'modules.json': JSON.stringify([{ idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Router' }]),
    'router_config.json': JSON.stringify({
      types: {
        query_0_SparseStaticEmbedding: 'sentence_transformers.sparse_encoder.models.SparseStaticEmbedding.SparseStaticEmbedding',
        '': 'sentence_transformers.sparse_encoder.models.MLMTransformer.MLMTransformer',
      },
      structure: { query: ['query_0_SparseStaticEmbedding'], document: [''] },
    }),
  };
  // What transformers leaves in the cache: the root model files, not the query module.
  writeCache(join(context.root, 'cache'), 'acme/remote', COMMIT, rootRouter);
  const partial = await resolveModel('acme/remote', { cwd: context.root, env: env(context) });
  assert.is(partial.source, 'download');
  const whole = { ...rootRouter, 'query_0_SparseStaticEmbedding/model.safetensors': 'weights', 'query_0_SparseStaticEmbedding/vocab.txt': '[PAD]\n' };
  await rm(join(context.root, 'weights'), { recursive: true, force: true });
  const snapshot = writeCache(join(context.root, 'cache2'), 'acme/remote', COMMIT, whole);
  const found = await resolveModel('acme/remote', { cwd: context.root, env: env(context, { HF_HUB_CACHE: join(context.root, 'cache2') }) });
  assert.equal(found, { dir: snapshot, source: 'hf-cache' });
});

resolveSuite('the cache is found under HF_HOME/hub and ~/.cache/huggingface/hub too', () => {
  assert.is(hubCacheDir({ HF_HOME: '/h' }, '/home/u'), join('/h', 'hub'));
  assert.is(hubCacheDir({}, '/home/u'), join('/home/u', '.cache', 'huggingface', 'hub'));
  assert.is(hubCacheDir({ XDG_CACHE_HOME: '/x' }, '/home/u'), join('/x', 'huggingface', 'hub'));
  assert.is(hubCacheDir({ HF_HUB_CACHE: '/c', HF_HOME: '/h' }, '/home/u'), '/c');
});

resolveSuite('the cache under the home folder is used when no variable is set', async (context) => {
  const home = join(context.root, 'home');
  const snapshot = writeCache(join(home, '.cache/huggingface/hub'), 'acme/remote', COMMIT);
  const found = await resolveModel('acme/remote', { cwd: context.root, env: { HF_ENDPOINT: context.hub.endpoint }, home });
  assert.equal(found, { dir: snapshot, source: 'hf-cache' });
});

resolveSuite('a revision given as a commit names its snapshot directly', async (context) => {
  const other = 'ab'.repeat(20);
  writeCache(join(context.root, 'cache'), 'acme/remote', COMMIT);
  const snapshot = writeCache(join(context.root, 'cache'), 'acme/remote', other);
  writeFileSync(join(context.root, 'cache/models--acme--remote/refs/main'), COMMIT);
  const found = await resolveModel('acme/remote', { cwd: context.root, env: env(context), revision: other });
  assert.equal(found, { dir: snapshot, source: 'hf-cache' });
});

resolveSuite('incomplete local copies are passed over, and the model is downloaded', async (context) => {
  // An interrupted fetch (no config.json yet) and a cache snapshot whose weights blob is gone.
  writeModel(join(context.root, 'weights/acme/remote'), { 'vocab.txt': 'x', 'model.safetensors.incomplete': 'x' });
  const snapshot = writeCache(join(context.root, 'cache'), 'acme/remote', COMMIT);
  await rm(join(context.root, 'cache/models--acme--remote/blobs/blob-model.safetensors'));
  const found = await resolveModel('acme/remote', { cwd: context.root, env: env(context) });
  assert.equal(found, { dir: join(context.root, 'weights/acme/remote'), source: 'download' });
  assert.ok(context.hub.requests.length > 0);
  assert.is.not(found.dir, snapshot);
  // The next call finds the finished download without asking the hub.
  const before = context.hub.requests.length;
  const again = await resolveModel('acme/remote', { cwd: context.root, env: env(context) });
  assert.is(again.source, 'weights');
  assert.is(context.hub.requests.length, before);
});

resolveSuite('an unreachable hub fails fast and says how to supply a folder', async (context) => {
  await context.hub.close();
  const error = await resolveModel('acme/remote', { cwd: context.root, env: env(context) }).catch((e: unknown) => e);
  assert.instance(error, ModelNotFoundError);
  const message = (error as Error).message;
  assert.match(message, context.hub.endpoint);
  assert.match(message, join(context.root, 'weights/acme/remote'));
  assert.match(message, 'config.json');
});

resolveSuite('HF_HUB_OFFLINE and download: false never touch the network', async (context) => {
  const offline = await resolveModel('acme/remote', { cwd: context.root, env: env(context, { HF_HUB_OFFLINE: '1' }) }).catch((e: unknown) => e);
  assert.instance(offline, ModelNotFoundError);
  assert.match((offline as Error).message, 'HF_HUB_OFFLINE');
  const off = await resolveModel('acme/remote', { cwd: context.root, env: env(context), download: false }).catch((e: unknown) => e);
  assert.instance(off, ModelNotFoundError);
  assert.is(context.hub.requests.length, 0);
});

resolveSuite('a missing path that is not a repo id is named', async (context) => {
  const error = await resolveModel('./no/such/folder', { cwd: context.root, env: env(context) }).catch((e: unknown) => e);
  assert.instance(error, ModelNotFoundError);
  assert.match((error as Error).message, 'no folder');
  const file = join(context.root, 'file.txt');
  writeFileSync(file, 'x');
  const notFolder = await resolveModel(file, { cwd: context.root, env: env(context) }).catch((e: unknown) => e);
  assert.instance(notFolder, ModelNotFoundError);
  assert.is(context.hub.requests.length, 0);
});

resolveSuite.run();
