// The fake hub serving the real torch.save fixtures of test/checkpoint: a pickle-only repo
// and a sharded-bin repo arrive byte for byte, with exactly the files a model needs.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fetchModel } from '../../src/node/hub/fetch-model.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
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
    const env = { HF_ENDPOINT: hub.endpoint, HF_TOKEN_PATH: join(cwd, 'no-token') };
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

test('a pickle-only download is converted once, and the result encodes like the safetensors twin', async () => {
  const hub = await startFakeHub({
    'acme/tiny-pickle': {
      files: {
        'config.json': fixture('tiny-f32/config.json'),
        'vocab.txt': fixture('tiny-f32/vocab.txt'),
        'pytorch_model.bin': fixture('tiny-f32/pytorch_model.bin', true),
      },
    },
  });
  const cwd = await mkdtemp(join(tmpdir(), 'splade-real-convert-'));
  try {
    const env = { HF_ENDPOINT: hub.endpoint, HF_TOKEN_PATH: join(cwd, 'no-token') };
    const first = await fetchModel('acme/tiny-pickle', { cwd, env });
    const converted = join(first.dir, 'model.safetensors');
    assert.equal(first.conversion, { written: converted });
    assert.equal(readdirSync(first.dir).sort(), ['config.json', 'model.safetensors', 'pytorch_model.bin', 'vocab.txt']);
    const mtime = statSync(converted).mtimeMs;
    const second = await fetchModel('acme/tiny-pickle', { cwd, env });
    assert.equal(second.conversion, { skipped: 'model.safetensors already there' });
    assert.is(statSync(converted).mtimeMs, mtime, 'not converted again');

    // The folder now loads through model.safetensors; it must encode like Python's own twin.
    const twinDir = join(cwd, 'twin');
    mkdirSync(twinDir);
    for (const file of ['config.json', 'vocab.txt', 'model.safetensors']) copyFileSync(join(FIXTURES, 'tiny-f32', file), join(twinDir, file));
    const texts = ['the cat is on the mat', 'a'];
    const fromFetch = await (await SpladeEncoder.fromPretrained(first.dir)).encode(texts);
    const fromTwin = await (await SpladeEncoder.fromPretrained(twinDir)).encode(texts);
    for (let i = 0; i < texts.length; i++) {
      assert.ok(fromTwin[i]!.indices.length > 0);
      assert.equal([...fromFetch[i]!.indices], [...fromTwin[i]!.indices]);
      assert.equal([...fromFetch[i]!.values], [...fromTwin[i]!.values]);
    }
  } finally {
    await hub.close();
    await rm(cwd, { recursive: true, force: true });
  }
});

test.run();
