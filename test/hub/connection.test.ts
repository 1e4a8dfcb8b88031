// HF_ENDPOINT and HF_TOKEN as the download reads them; the URLs it builds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubConfigError, hubConnectionFromEnv } from '../../src/node/hub/hub-env.js';
import { modelInfoUrl, resolveUrl } from '../../src/node/hub/http.js';

test('the endpoint defaults to huggingface.co and loses trailing slashes', () => {
  assert.is(hubConnectionFromEnv({ HF_TOKEN_PATH: '/nonexistent' }).endpoint, 'https://huggingface.co');
  assert.is(hubConnectionFromEnv({ HF_ENDPOINT: 'https://hf-mirror.com/' }).endpoint, 'https://hf-mirror.com');
  assert.is(hubConnectionFromEnv({ HF_ENDPOINT: '  ' }).endpoint, 'https://huggingface.co');
});

test('a bad HF_ENDPOINT is refused with its value', () => {
  assert.throws(() => hubConnectionFromEnv({ HF_ENDPOINT: 'huggingface.co' }), (e: unknown) => e instanceof HubConfigError && /huggingface\.co/.test((e as Error).message));
  assert.throws(() => hubConnectionFromEnv({ HF_ENDPOINT: 'ftp://x' }), (e: unknown) => e instanceof HubConfigError);
});

test('HF_TOKEN, else the legacy HUGGING_FACE_HUB_TOKEN, else the login token file', () => {
  const home = mkdtempSync(join(tmpdir(), 'splade-token-'));
  try {
    const none = { HF_TOKEN_PATH: join(home, 'absent') };
    assert.is(hubConnectionFromEnv({ ...none, HF_TOKEN: 'hf_a', HUGGING_FACE_HUB_TOKEN: 'hf_b' }).token, 'hf_a');
    assert.is(hubConnectionFromEnv({ ...none, HUGGING_FACE_HUB_TOKEN: 'hf_b' }).token, 'hf_b');
    assert.is(hubConnectionFromEnv({ ...none, HF_TOKEN: ' ' }).token, undefined);
    // `huggingface-cli login` writes <HF_HOME>/token; HF_HOME defaults under the home folder.
    writeFileSync(join(home, 'token'), 'hf_from_file\n');
    assert.is(hubConnectionFromEnv({ HF_HOME: home }).token, 'hf_from_file');
    assert.is(hubConnectionFromEnv({ HF_HOME: home, HF_TOKEN: 'hf_env' }).token, 'hf_env');
    assert.is(hubConnectionFromEnv({ HF_TOKEN_PATH: join(home, 'token') }).token, 'hf_from_file');
    assert.is(hubConnectionFromEnv({}, { home: join(home, 'nobody') }).token, undefined);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('URLs escape the revision whole and the file name by path segment', () => {
  assert.is(modelInfoUrl('https://h', 'a/b', 'refs/pr/1'), 'https://h/api/models/a/b/revision/refs%2Fpr%2F1?blobs=true');
  assert.is(resolveUrl('https://h', 'a/b', 'main', 'onnx/model #1.onnx'), 'https://h/a/b/resolve/main/onnx/model%20%231.onnx');
});

test.run();
