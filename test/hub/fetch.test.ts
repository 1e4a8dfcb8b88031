// splade fetch against a local fake hub: success, faults, auth, missing things, resumption.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ChecksumMismatchError,
  HubAuthError,
  HubUnreachableError,
  RepoNotFoundError,
  RevisionNotFoundError,
} from '../../src/node/hub/errors.js';
import { ConversionFailedError, fetchModel, type FetchModelOptions } from '../../src/node/hub/fetch-model.js';
import { FolderBusyError } from '../../src/node/hub/folder-lock.js';
import { HubResponseError, ModelFilesMissingError } from '../../src/io/hub-repo.js';
import { bytes, fakeCommit, startFakeHub, text, type FakeHub, type FakeRepo } from './fake-hub.js';

const WEIGHTS = bytes(300_000, 7);
const BIN = bytes(200_000, 11);
const support = {
  'config.json': { content: text('{"model_type":"bert","vocab_size":30522}') },
  'vocab.txt': { content: text('[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n') },
  'tokenizer_config.json': { content: text('{"do_lower_case":true}') },
  'special_tokens_map.json': { content: text('{"unk_token":"[UNK]"}') },
};
const extras = {
  'model.onnx': { content: bytes(5000, 3), lfs: true },
  'onnx/model_quantized.onnx': { content: bytes(4000, 4), lfs: true },
  'tf_model.h5': { content: bytes(3000, 5), lfs: true },
  'flax_model.msgpack': { content: bytes(3000, 6), lfs: true },
  'README.md': { content: text('# a model card') },
  '.gitattributes': { content: text('*.bin filter=lfs') },
};
const repos: Record<string, FakeRepo> = {
  'acme/splade-st': { files: { ...support, ...extras, 'model.safetensors': { content: WEIGHTS, lfs: true }, 'pytorch_model.bin': { content: BIN, lfs: true } } },
  'acme/splade-pickle': { files: { ...support, ...extras, 'pytorch_model.bin': { content: BIN, lfs: true } } },
  'acme/gated': { gated: true, files: { ...support, 'model.safetensors': { content: WEIGHTS, lfs: true } } },
  'acme/corrupt': {
    files: { ...support, 'model.safetensors': { content: WEIGHTS, lfs: true, publishedSha256: 'ab'.repeat(32) } },
  },
  'acme/sharded': {
    files: {
      ...support,
      'model.safetensors.index.json': {
        content: text(JSON.stringify({ metadata: {}, weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors', c: 'model-00001-of-00002.safetensors' } })),
      },
      'model-00001-of-00002.safetensors': { content: bytes(10_000, 21), lfs: true },
      'model-00002-of-00002.safetensors': { content: bytes(12_000, 22), lfs: true },
      'model-00003-of-00003.safetensors': { content: bytes(1000, 23), lfs: true },
    },
  },
  'acme/hostile-index': {
    files: { ...support, 'model.safetensors.index.json': { content: text(JSON.stringify({ weight_map: { a: '../../escape.safetensors' } })) } },
  },
  'acme/no-weights': { files: { ...support, 'model.onnx': { content: bytes(100), lfs: true } } },
};

const TOKEN = 'hf_test_token';
interface Context {
  hub: FakeHub;
  dir: string;
}
const fetchSuite = suite<Context>('splade fetch');

fetchSuite.before.each(async (context) => {
  context.hub = await startFakeHub(repos, { token: TOKEN, cdn: 'other' });
  context.dir = await mkdtemp(join(tmpdir(), 'splade-fetch-'));
});
fetchSuite.after.each(async (context) => {
  await context.hub.close();
  await rm(context.dir, { recursive: true, force: true });
});

function options(context: Context, extra: Partial<FetchModelOptions> & { token?: string } = {}): FetchModelOptions {
  const { token, ...rest } = extra;
  return {
    cwd: context.dir,
    env: { HF_ENDPOINT: context.hub.endpoint, HF_HOME: join(context.dir, 'hf-home'), ...(token ? { HF_TOKEN: token } : {}) },
    retryDelayMs: 1,
    convert: null,
    ...rest,
  };
}

const filesIn = (dir: string) => readdirSync(dir).sort();
const same = (path: string, expected: Uint8Array) => assert.ok(Buffer.from(readFileSync(path)).equals(Buffer.from(expected)), path);

fetchSuite('downloads only what the model needs, into weights/<owner>/<name>', async (context) => {
  const result = await fetchModel('acme/splade-st', options(context));
  const dir = join(context.dir, 'weights', 'acme', 'splade-st');
  assert.is(result.dir, dir);
  assert.is(result.format, 'safetensors');
  assert.is(result.commit, fakeCommit('acme/splade-st'));
  assert.equal(filesIn(dir), ['config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer_config.json', 'vocab.txt']);
  same(join(dir, 'model.safetensors'), WEIGHTS);
  same(join(dir, 'vocab.txt'), repos['acme/splade-st']!.files['vocab.txt']!.content);
  const paths = context.hub.requests.map((r) => decodeURIComponent(r.path));
  for (const skipped of ['onnx', 'tf_model', 'flax', 'pytorch_model.bin', 'README']) {
    assert.not.ok(paths.some((p) => p.includes(skipped)), `requested ${skipped}`);
  }
  // Files are fetched at the commit the listing named, so they all belong together.
  assert.ok(paths.filter((p) => p.includes('/resolve/')).every((p) => p.includes(`/resolve/${result.commit}/`)));
  // LFS files come from the CDN (the other server) after the hub's 302.
  assert.ok(context.hub.requests.some((r) => r.server === 'cdn'));
});

fetchSuite('a wrong checksum fails, names the file and both hashes, and leaves no file behind', async (context) => {
  const error = await fetchModel('acme/corrupt', options(context)).catch((e: unknown) => e);
  assert.instance(error, ChecksumMismatchError);
  const message = (error as Error).message;
  assert.match(message, 'model.safetensors');
  assert.match(message, 'ab'.repeat(32));
  assert.match(message, /sha256 [0-9a-f]{64}/);
  const dir = join(context.dir, 'weights', 'acme', 'corrupt');
  assert.not.ok(existsSync(join(dir, 'model.safetensors')));
  assert.not.ok(existsSync(join(dir, 'model.safetensors.incomplete')));
  assert.not.ok(existsSync(join(dir, 'config.json')), 'config.json marks a finished download');
});

fetchSuite('a connection dropped mid-file is resumed with a Range request', async (context) => {
  context.hub.faults.drop.set('model.safetensors', { afterBytes: 70_000, times: 2 });
  await fetchModel('acme/splade-st', options(context));
  same(join(context.dir, 'weights/acme/splade-st/model.safetensors'), WEIGHTS);
  const ranges = context.hub.requests.filter((r) => r.server === 'cdn' && r.range).map((r) => r.range);
  assert.equal(ranges, ['bytes=70000-', 'bytes=140000-']);
});

fetchSuite('a connection that stalls is abandoned after the stall timeout and resumed', async (context) => {
  context.hub.faults.stall.set('model.safetensors', { afterBytes: 40_000, times: 1 });
  const started = performance.now();
  await fetchModel('acme/splade-st', options(context, { stallTimeoutMs: 300 }));
  assert.ok(performance.now() - started < 5000);
  same(join(context.dir, 'weights/acme/splade-st/model.safetensors'), WEIGHTS);
  const ranges = context.hub.requests.filter((r) => r.server === 'cdn').map((r) => r.range ?? 'whole');
  assert.equal(ranges, ['whole', 'bytes=40000-']);
});

fetchSuite('a server that ignores Range is handled by starting the file again', async (context) => {
  context.hub.faults.drop.set('model.safetensors', { afterBytes: 50_000, times: 1 });
  context.hub.faults.ignoreRange = true;
  await fetchModel('acme/splade-st', options(context));
  same(join(context.dir, 'weights/acme/splade-st/model.safetensors'), WEIGHTS);
});

fetchSuite('giving up keeps the partial file, and a re-run resumes it', async (context) => {
  context.hub.faults.drop.set('model.safetensors', { afterBytes: 100_000, times: 3 });
  const dir = join(context.dir, 'weights/acme/splade-st');
  // One try only: the first dropped connection ends the run, as a killed process would.
  const error = await fetchModel('acme/splade-st', options(context, { attempts: 1 })).catch((e: unknown) => e);
  assert.instance(error, HubUnreachableError);
  assert.match((error as Error).message, 'model.safetensors.incomplete');
  assert.is(statSync(join(dir, 'model.safetensors.incomplete')).size, 100_000);
  assert.not.ok(existsSync(join(dir, 'model.safetensors')));

  context.hub.faults.drop.clear();
  const before = context.hub.requests.length;
  const result = await fetchModel('acme/splade-st', options(context));
  same(join(dir, 'model.safetensors'), WEIGHTS);
  assert.not.ok(existsSync(join(dir, 'model.safetensors.incomplete')));
  const cdn = context.hub.requests.slice(before).filter((r) => r.server === 'cdn');
  assert.equal(cdn.map((r) => r.range), ['bytes=100000-']);
  assert.is(result.files.find((f) => f.path === 'model.safetensors')?.outcome, 'downloaded');
});

fetchSuite('a stale partial from another version of the file is discarded, not spliced in', async (context) => {
  const dir = join(context.dir, 'weights/acme/splade-st');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.safetensors.incomplete'), bytes(120_000, 99));
  await fetchModel('acme/splade-st', options(context));
  same(join(dir, 'model.safetensors'), WEIGHTS);
  const cdn = context.hub.requests.filter((r) => r.server === 'cdn' && r.path.includes('/cdn/'));
  assert.equal(cdn.map((r) => r.range ?? 'whole'), ['bytes=120000-', 'whole']);
});

fetchSuite('a re-run after success downloads nothing large again', async (context) => {
  await fetchModel('acme/splade-st', options(context));
  const before = context.hub.requests.length;
  const result = await fetchModel('acme/splade-st', options(context));
  assert.ok(result.files.every((f) => f.outcome === 'already present'), JSON.stringify(result.files));
  const after = context.hub.requests.slice(before);
  assert.equal(after.map((r) => r.path.split('?')[0]), ['/api/models/acme/splade-st/revision/main']);
});

fetchSuite('a file edited after download is downloaded again', async (context) => {
  await fetchModel('acme/splade-st', options(context));
  const vocab = join(context.dir, 'weights/acme/splade-st/vocab.txt');
  writeFileSync(vocab, 'tampered\n');
  const result = await fetchModel('acme/splade-st', options(context));
  assert.is(result.files.find((f) => f.path === 'vocab.txt')?.outcome, 'downloaded');
  same(vocab, repos['acme/splade-st']!.files['vocab.txt']!.content);
});

fetchSuite('a gated repo without HF_TOKEN fails with a message naming HF_TOKEN', async (context) => {
  const error = await fetchModel('acme/gated', options(context)).catch((e: unknown) => e);
  assert.instance(error, HubAuthError);
  assert.match((error as Error).message, 'HF_TOKEN');
  assert.match((error as Error).message, '401');
  assert.match((error as Error).message, 'acme/gated');
});

fetchSuite('a gated repo with a wrong token fails with 403', async (context) => {
  const error = await fetchModel('acme/gated', options(context, { token: 'hf_wrong' })).catch((e: unknown) => e);
  assert.instance(error, HubAuthError);
  assert.match((error as Error).message, '403');
});

fetchSuite('a gated repo with HF_TOKEN downloads; the token never goes to the CDN', async (context) => {
  await fetchModel('acme/gated', options(context, { token: TOKEN }));
  same(join(context.dir, 'weights/acme/gated/model.safetensors'), WEIGHTS);
  const hub = context.hub.requests.filter((r) => r.server === 'hub');
  const cdn = context.hub.requests.filter((r) => r.server === 'cdn');
  assert.ok(hub.length > 0 && hub.every((r) => r.authorization === `Bearer ${TOKEN}`));
  assert.ok(cdn.length > 0 && cdn.every((r) => r.authorization === undefined));
});

fetchSuite('the token file of huggingface-cli login opens a gated repo too', async (context) => {
  mkdirSync(join(context.dir, 'hf-home'), { recursive: true });
  writeFileSync(join(context.dir, 'hf-home', 'token'), `${TOKEN}\n`);
  await fetchModel('acme/gated', options(context));
  same(join(context.dir, 'weights/acme/gated/model.safetensors'), WEIGHTS);
});

fetchSuite('a missing repository is named, with the HF_TOKEN hint for private ones', async (context) => {
  const error = await fetchModel('acme/nope', options(context)).catch((e: unknown) => e);
  assert.instance(error, RepoNotFoundError);
  assert.match((error as Error).message, 'acme/nope');
  assert.match((error as Error).message, 'HF_TOKEN');
  const withToken = await fetchModel('acme/nope', options(context, { token: TOKEN })).catch((e: unknown) => e);
  assert.instance(withToken, RepoNotFoundError);
});

fetchSuite('a misspelt repository leaves no folder behind', async (context) => {
  await fetchModel('acme/nope', options(context)).catch(() => undefined);
  assert.not.ok(existsSync(join(context.dir, 'weights')));
});

fetchSuite('a second fetch into a folder in use stops; a lock of a dead process is taken over', async (context) => {
  const dir = join(context.dir, 'weights/acme/splade-st');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.splade-fetch.lock'), String(process.ppid));
  const busy = await fetchModel('acme/splade-st', options(context)).catch((e: unknown) => e);
  assert.instance(busy, FolderBusyError);
  assert.match((busy as Error).message, String(process.ppid));
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  writeFileSync(join(dir, '.splade-fetch.lock'), String(dead));
  await fetchModel('acme/splade-st', options(context));
  same(join(dir, 'model.safetensors'), WEIGHTS);
  assert.not.ok(existsSync(join(dir, '.splade-fetch.lock')), 'the lock is released');
});

fetchSuite('a missing revision is named', async (context) => {
  const error = await fetchModel('acme/splade-st', options(context, { revision: 'v9' })).catch((e: unknown) => e);
  assert.instance(error, RevisionNotFoundError);
  assert.match((error as Error).message, "'v9'");
});

fetchSuite('a repository without PyTorch weights is refused before any download', async (context) => {
  const error = await fetchModel('acme/no-weights', options(context)).catch((e: unknown) => e);
  assert.instance(error, ModelFilesMissingError);
  assert.match((error as Error).message, 'model.onnx');
  assert.not.ok(context.hub.requests.some((r) => r.path.includes('/resolve/')));
});

fetchSuite('a pickle-only repo downloads pytorch_model.bin and converts it once', async (context) => {
  const calls: string[] = [];
  const convert = async (dir: string) => {
    calls.push(dir);
    assert.ok(existsSync(join(dir, 'pytorch_model.bin')), 'the converter runs after the download');
    writeFileSync(join(dir, 'model.safetensors'), 'converted');
    return join(dir, 'model.safetensors');
  };
  const dir = join(context.dir, 'weights/acme/splade-pickle');
  const first = await fetchModel('acme/splade-pickle', options(context, { convert }));
  assert.is(first.format, 'pytorch');
  assert.equal(first.conversion, { written: join(dir, 'model.safetensors') });
  same(join(dir, 'pytorch_model.bin'), BIN);
  assert.not.ok(context.hub.requests.some((r) => /onnx|tf_model|flax/.test(r.path)));
  const second = await fetchModel('acme/splade-pickle', options(context, { convert }));
  assert.equal(calls, [dir]);
  assert.equal(second.conversion, { skipped: 'model.safetensors already there' });
});

fetchSuite('a pickle that cannot be converted: the error says the download itself is complete', async (context) => {
  // The fake repo's pytorch_model.bin is random bytes, so the real converter refuses it.
  const error = await fetchModel('acme/splade-pickle', options(context, { convert: undefined })).catch((e: unknown) => e);
  assert.instance(error, ConversionFailedError);
  assert.match((error as Error).message, 'complete and verified');
  const dir = join(context.dir, 'weights/acme/splade-pickle');
  same(join(dir, 'pytorch_model.bin'), BIN);
  assert.not.ok(existsSync(join(dir, 'model.safetensors')));
});

fetchSuite('sharded safetensors: the index, then exactly the shards it names', async (context) => {
  const result = await fetchModel('acme/sharded', options(context));
  assert.is(result.format, 'safetensors-sharded');
  const dir = join(context.dir, 'weights/acme/sharded');
  assert.ok(filesIn(dir).includes('model-00001-of-00002.safetensors'));
  assert.ok(filesIn(dir).includes('model-00002-of-00002.safetensors'));
  assert.not.ok(filesIn(dir).includes('model-00003-of-00003.safetensors'));
  same(join(dir, 'model-00002-of-00002.safetensors'), repos['acme/sharded']!.files['model-00002-of-00002.safetensors']!.content);
});

fetchSuite('a shard index naming a path outside the folder is refused', async (context) => {
  const error = await fetchModel('acme/hostile-index', options(context)).catch((e: unknown) => e);
  assert.instance(error, HubResponseError);
  assert.match((error as Error).message, 'escape.safetensors');
  assert.not.ok(existsSync(join(context.dir, 'weights', 'escape.safetensors')));
});

fetchSuite('--out puts the files in the given folder', async (context) => {
  await fetchModel('acme/splade-st', options(context, { outDir: 'elsewhere/m' }));
  assert.ok(existsSync(join(context.dir, 'elsewhere/m/model.safetensors')));
});

fetchSuite('an unreachable endpoint fails fast and names it', async (context) => {
  const endpoint = context.hub.endpoint;
  await context.hub.close();
  const started = performance.now();
  const error = await fetchModel('acme/splade-st', options(context)).catch((e: unknown) => e);
  assert.instance(error, HubUnreachableError);
  assert.match((error as Error).message, endpoint);
  assert.ok(performance.now() - started < 3000, 'no long retry loop when nothing answers');
});

fetchSuite.run();
