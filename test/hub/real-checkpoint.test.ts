// The fake hub serving the real torch.save fixtures of test/checkpoint: a pickle-only repo
// and a sharded-bin repo arrive byte for byte, with exactly the files a model needs.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fetchModel } from '../../src/node/hub/fetch-model.js';
import { bytes, startFakeHub, type FakeFile } from './fake-hub.js';

const FIXTURES = fileURLToPath(new URL('../checkpoint/fixtures/', import.meta.url));
const fixture = (path: string, lfs = false): FakeFile => ({ content: new Uint8Array(readFileSync(join(FIXTURES, path))), lfs });
const junk = { 'model.onnx': { content: bytes(2000), lfs: true }, 'tf_model.h5': { content: bytes(1000), lfs: true } };

test('pickle-only and sharded-bin repositories of real torch.save files', async () => {
  const hub = await startFakeHub({
    'acme/tiny-pickle': {
      files: {
        'config.json': fixture('tiny-f32/config.json'),
        'vocab.txt': fixture('tiny-f32/vocab.txt'),
        'pytorch_model.bin': fixture('tiny-f32/pytorch_model.bin', true),
        ...junk,
      },
    },
    'acme/tiny-sharded': {
      files: {
        'config.json': fixture('tiny-f32/config.json'),
        'vocab.txt': fixture('tiny-f32/vocab.txt'),
        'pytorch_model.bin.index.json': fixture('sharded/pytorch_model.bin.index.json'),
        'pytorch_model-00001-of-00002.bin': fixture('sharded/pytorch_model-00001-of-00002.bin', true),
        'pytorch_model-00002-of-00002.bin': fixture('sharded/pytorch_model-00002-of-00002.bin', true),
        ...junk,
      },
    },
  });
  const cwd = await mkdtemp(join(tmpdir(), 'splade-real-ckpt-'));
  try {
    const env = { HF_ENDPOINT: hub.endpoint };
    const pickle = await fetchModel('acme/tiny-pickle', { cwd, env, convert: null });
    assert.is(pickle.format, 'pytorch');
    assert.equal(readdirSync(pickle.dir).sort(), ['config.json', 'pytorch_model.bin', 'vocab.txt']);
    assert.ok(readFileSync(join(pickle.dir, 'pytorch_model.bin')).equals(readFileSync(join(FIXTURES, 'tiny-f32/pytorch_model.bin'))));

    const sharded = await fetchModel('acme/tiny-sharded', { cwd, env, convert: null });
    assert.is(sharded.format, 'pytorch-sharded');
    assert.equal(readdirSync(sharded.dir).sort(), [
      'config.json',
      'pytorch_model-00001-of-00002.bin',
      'pytorch_model-00002-of-00002.bin',
      'pytorch_model.bin.index.json',
      'vocab.txt',
    ]);
    for (const shard of ['pytorch_model-00001-of-00002.bin', 'pytorch_model-00002-of-00002.bin']) {
      assert.ok(readFileSync(join(sharded.dir, shard)).equals(readFileSync(join(FIXTURES, 'sharded', shard))), shard);
    }
  } finally {
    await hub.close();
    await rm(cwd, { recursive: true, force: true });
  }
});

test.run();
