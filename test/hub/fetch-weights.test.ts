// `npm run fetch-weights`: with no repository id it fetches the project's target model,
// prithivida/Splade_PP_en_v1 (the options still apply); with one, that one; offline it fails
// at once with splade fetch's one-line error. Against the local fake hub, as a user runs it.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bytes, startFakeHub, text } from './fake-hub.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = join(root, 'tools/fetch-weights.ts');
// The script runs from another folder (where the default weights/ goes), so tsx is named by path.
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

function fetchWeights(args: string[], endpoint: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const { HF_TOKEN: _t, HF_ENDPOINT: _e, HUGGING_FACE_HUB_TOKEN: _l, ...base } = process.env;
    const env = { ...base, HF_ENDPOINT: endpoint, HF_TOKEN_PATH: join(cwd, 'no-token'), HF_HOME: join(cwd, 'hf-home') };
    execFile(process.execPath, ['--import', tsx, script, ...args], { env, cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('the npm script runs tools/fetch-weights.ts', () => {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.is(scripts['fetch-weights'], 'node --import tsx tools/fetch-weights.ts');
});

test('no REPO_ID: the target model, into weights/prithivida/Splade_PP_en_v1 or --out; a REPO_ID: that one', async () => {
  const model = { 'config.json': { content: text('{}') }, 'vocab.txt': { content: text('[PAD]\n') }, 'model.safetensors': { content: bytes(2000, 3), lfs: true } };
  const hub = await startFakeHub({ 'prithivida/Splade_PP_en_v1': { files: model }, 'acme/m': { files: model } });
  const cwd = await mkdtemp(join(tmpdir(), 'splade-fetch-weights-'));
  try {
    const plain = await fetchWeights([], hub.endpoint, cwd);
    assert.is(plain.code, 0, plain.stderr);
    assert.is(plain.stdout.trim(), join(cwd, 'weights/prithivida/Splade_PP_en_v1'));
    assert.ok(existsSync(join(cwd, 'weights/prithivida/Splade_PP_en_v1/model.safetensors')));
    assert.match(plain.stderr, /model\.safetensors: downloaded, sha256 verified/);

    // --out's value is not a repository id: still the target model.
    const out = await fetchWeights(['--out', 'elsewhere', '--quiet'], hub.endpoint, cwd);
    assert.is(out.code, 0, out.stderr);
    assert.not.match(out.stderr, /sha256 verified/, '--quiet reached splade fetch: no progress');
    assert.ok(existsSync(join(cwd, 'elsewhere/model.safetensors')));

    const other = await fetchWeights(['acme/m'], hub.endpoint, cwd);
    assert.is(other.code, 0, other.stderr);
    assert.is(other.stdout.trim(), join(cwd, 'weights/acme/m'));
  } finally {
    await hub.close();
    await rm(cwd, { recursive: true, force: true });
  }
});

test('offline: splade fetch\'s one-line error and exit 1', async () => {
  const cwd = await mkdtemp(join(tmpdir(), 'splade-fetch-weights-'));
  try {
    // Port 9 (discard) on the loopback: nothing listens, the connection is refused at once.
    const r = await fetchWeights([], 'http://127.0.0.1:9', cwd);
    assert.is(r.code, 1);
    assert.match(r.stderr, /^splade: could not reach the Hugging Face hub at http:\/\/127\.0\.0\.1:9 [^\n]* prithivida\/Splade_PP_en_v1 [^\n]*\n$/);
    assert.not.ok(existsSync(join(cwd, 'weights/prithivida/Splade_PP_en_v1/model.safetensors')));
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
});

test.run();
