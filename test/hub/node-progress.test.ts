// The Node entry's fromPretrained of a repository id that must be downloaded: with `onProgress`,
// the download is told to the callback (the same events as a URL load: each file's bytes, then
// `done`; a file already in place is `fromCache`) and nothing goes to stderr; without it, the
// progress goes to stderr as before. In a child process, whose working directory and HF_HOME
// are the test's own (a repo id downloads into ./weights/).
import { execFile } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DownloadProgress } from '../../src/io/download-progress.js';
import { callbackProgress } from '../../src/node/hub/callback-progress.js';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';
import { servedFolder, startFakeHub } from './fake-hub.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
const child = fileURLToPath(new URL('./node-progress-child.ts', import.meta.url));
const tmp = tempDir('node-progress');
const model = join(tmp, 'source');
await writeRandomBertFolder(model, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 16, vocab: 300, seed: 8 });

function load(cwd: string, endpoint: string, withCallback: boolean): Promise<{ events: DownloadProgress[]; stderr: string }> {
  mkdirSync(cwd, { recursive: true });
  const { HF_TOKEN: _t, HF_ENDPOINT: _e, HUGGING_FACE_HUB_TOKEN: _l, ...base } = process.env;
  const env = { ...base, HF_HOME: join(cwd, 'hf-home'), HF_TOKEN_PATH: join(cwd, 'no-token') };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', tsx, child, 'acme/progress-model', endpoint, withCallback ? 'yes' : 'no'], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as { events: DownloadProgress[]; stderr: string });
    });
  });
}

test('a download tells onProgress every file, its bytes in order and then done, and writes nothing to stderr', async () => {
  const hub = await startFakeHub({ 'acme/progress-model': servedFolder(model) });
  try {
    const { events, stderr } = await load(join(tmp, 'with-callback'), hub.endpoint, true);
    assert.is(stderr, '', 'stderr');
    const resolve = `${hub.endpoint}/acme/progress-model/resolve/main/`;
    const weights = events.filter((event) => event.file === 'model.safetensors');
    const size = statSync(join(model, 'model.safetensors')).size;
    assert.ok(weights.length >= 2, `${weights.length} events for the weights`);
    assert.equal(weights.at(-1), { file: 'model.safetensors', url: `${resolve}model.safetensors`, loaded: size, total: size, done: true, fromCache: false });
    assert.ok(weights.every((event, i) => i === 0 || event.loaded >= weights[i - 1].loaded), 'loaded never goes back');
    assert.ok(weights.slice(0, -1).every((event) => !event.done));
    for (const file of ['config.json', 'vocab.txt']) {
      const last = events.filter((event) => event.file === file).at(-1);
      assert.equal(last && { done: last.done, loaded: last.loaded }, { done: true, loaded: statSync(join(model, file)).size }, file);
    }
  } finally {
    await hub.close();
  }
});

test('without onProgress the download is shown on stderr, as before', async () => {
  const hub = await startFakeHub({ 'acme/progress-model': servedFolder(model) });
  try {
    const { events, stderr } = await load(join(tmp, 'without-callback'), hub.endpoint, false);
    assert.equal(events, []);
    assert.match(stderr, /model\.safetensors/);
  } finally {
    await hub.close();
  }
});

test('callbackProgress: a resumed file starts at its kept bytes; a file already in place is done from the cache with its size', () => {
  const events: DownloadProgress[] = [];
  const progress = callbackProgress((event) => events.push(event), (file) => `https://hub/${file}`);
  progress.fileStarted('model.safetensors', 100, 40);
  progress.received(60);
  progress.fileDone('model.safetensors', 'downloaded, sha256 verified', 100);
  progress.fileDone('vocab.txt', 'already present, verified', 12);
  assert.equal(events, [
    { file: 'model.safetensors', url: 'https://hub/model.safetensors', loaded: 40, total: 100, done: false, fromCache: false },
    { file: 'model.safetensors', url: 'https://hub/model.safetensors', loaded: 100, total: 100, done: false, fromCache: false },
    { file: 'model.safetensors', url: 'https://hub/model.safetensors', loaded: 100, total: 100, done: true, fromCache: false },
    { file: 'vocab.txt', url: 'https://hub/vocab.txt', loaded: 12, total: 12, done: true, fromCache: true },
  ]);
});

test.run();
