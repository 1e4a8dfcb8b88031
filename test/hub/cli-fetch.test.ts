// `splade fetch` end to end as a user runs it: a child process against the local fake hub.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bytes, startFakeHub, text } from './fake-hub.js';

const cli = fileURLToPath(new URL('../../bin/splade.js', import.meta.url));

function run(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const { HF_TOKEN: _t, HF_ENDPOINT: _e, HUGGING_FACE_HUB_TOKEN: _l, ...base } = process.env;
    execFile(process.execPath, [cli, ...args], { env: { ...base, HF_TOKEN_PATH: join(cwd, 'no-token'), ...env }, cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('splade fetch downloads into --out, reports on stderr, prints the folder; errors are one line', async () => {
  const weights = bytes(50_000, 5);
  const hub = await startFakeHub({
    'acme/m': {
      files: {
        'config.json': { content: text('{}') },
        'vocab.txt': { content: text('[PAD]\n') },
        'model.safetensors': { content: weights, lfs: true },
        'model.onnx': { content: bytes(10), lfs: true },
      },
    },
  });
  const cwd = await mkdtemp(join(tmpdir(), 'splade-cli-fetch-'));
  try {
    const ok = await run(['fetch', 'acme/m', '--out', 'out/m'], { HF_ENDPOINT: hub.endpoint }, cwd);
    assert.is(ok.code, 0, ok.stderr);
    assert.is(ok.stdout.trim(), join(cwd, 'out/m'));
    assert.match(ok.stderr, 'model.safetensors: downloaded, sha256 verified (50.0 kB)');
    assert.ok(Buffer.from(readFileSync(join(cwd, 'out/m/model.safetensors'))).equals(Buffer.from(weights)));
    assert.not.ok(existsSync(join(cwd, 'out/m/model.onnx')));

    const missing = await run(['fetch', 'acme/none'], { HF_ENDPOINT: hub.endpoint }, cwd);
    assert.is(missing.code, 1);
    assert.is(missing.stderr.trim().split('\n').length, 1, missing.stderr);
    assert.match(missing.stderr, /^splade: repository acme\/none not found/);

    const usage = await run(['fetch', 'acme/m', '--bogus'], { HF_ENDPOINT: hub.endpoint }, cwd);
    assert.is(usage.code, 2);
  } finally {
    await hub.close();
    await rm(cwd, { recursive: true, force: true });
  }
});

test.run();
