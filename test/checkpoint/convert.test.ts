// splade convert: pickle -> safetensors with the same names, dtypes and values, tied tensors
// written once, atomically; and model folders holding only a pickle load like safetensors ones.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeError } from '../../src/errors.js';
import { CheckpointError } from '../../src/formats/pytorch/errors.js';
import { readPytorchCheckpoint } from '../../src/formats/pytorch/pytorch-checkpoint.js';
import { ConvertSourceError, convertToSafetensors } from '../../src/node/convert.js';
import { loadModelFolderFromDisk } from '../../src/node/model-folder.js';
import { FIXTURES, readTwin } from './helpers.js';

const test = suite('convert');
let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'splade-convert-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const TIED = new Map([
  ['cls.predictions.decoder.weight', 'bert.embeddings.word_embeddings.weight'],
  ['cls.predictions.decoder.bias', 'cls.predictions.bias'],
]);

/** The converted file holds every twin tensor byte for byte, except the expected dropped names. */
function assertConverted(out: string, twinPath: string, dropped: Map<string, string>): void {
  const converted = readTwin(out);
  const twin = readTwin(join(FIXTURES, twinPath)).tensors;
  assert.equal(converted.metadata, { format: 'pt', ...Object.fromEntries(dropped) });
  assert.equal([...converted.tensors.keys()].sort(), [...twin.keys()].filter((name) => !dropped.has(name)).sort());
  for (const [name, tensor] of converted.tensors) {
    const expected = twin.get(name)!;
    assert.is(tensor.dtype, expected.dtype, name);
    assert.equal(tensor.shape, expected.shape, name);
    assert.ok(Buffer.from(tensor.bytes).equals(Buffer.from(expected.bytes)), `${name}: bytes`);
  }
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
}

for (const folder of ['tiny-f32', 'tiny-f16', 'tiny-bf16', 'tiny-legacy-format', 'tiny-legacy-names']) {
  test(`${folder}: a model folder converts, the tied decoder written once`, async () => {
    const out = join(dir, 'model.safetensors');
    const result = await convertToSafetensors(join(FIXTURES, folder), out);
    assert.equal(result.dropped, TIED);
    assertConverted(out, `${folder}/model.safetensors`, TIED);
  });
}

test('views.bin: strided and partial views of shared storages are written as their own copies', async () => {
  const out = join(dir, 'views.safetensors');
  const result = await convertToSafetensors(join(FIXTURES, 'views.bin'), out);
  assert.is(result.dropped.size, 0);
  assertConverted(out, 'views.safetensors', new Map());
});

test('a shard index and a folder of shards convert to one file', async () => {
  for (const source of ['sharded/pytorch_model.bin.index.json', 'sharded']) {
    const out = join(dir, 'sharded.safetensors');
    await convertToSafetensors(join(FIXTURES, source), out);
    // The decoder weight and the word embeddings sit in different shards, each with its own
    // copy; only the decoder bias shares a shard (and a storage) with cls.predictions.bias.
    assertConverted(out, 'sharded/model.safetensors', new Map([['cls.predictions.decoder.bias', 'cls.predictions.bias']]));
  }
});

test('the output reads back as the same tensors through the pickle reader and safetensors', async () => {
  const out = join(dir, 'model.safetensors');
  await convertToSafetensors(join(FIXTURES, 'tiny-f32/pytorch_model.bin'), out);
  copyFileSync(join(FIXTURES, 'tiny-f32/config.json'), join(dir, 'config.json'));
  const fromSafetensors = await loadModelFolderFromDisk(dir);
  const pickle = readPytorchCheckpoint(readFileSync(join(FIXTURES, 'tiny-f32/pytorch_model.bin')), 'tiny-f32');
  assert.is(fromSafetensors.weightFormat, 'safetensors');
  for (const name of fromSafetensors.weights.names()) {
    assert.equal([...fromSafetensors.weights.float32(name)], [...pickle.float32(name)], name);
  }
});

test('a failed conversion leaves an existing output untouched and no temporary file', async () => {
  const out = join(dir, 'model.safetensors');
  writeFileSync(out, 'previous');
  try {
    await convertToSafetensors(join(FIXTURES, 'malicious/os-system.bin'), out);
    assert.unreachable('converted a malicious pickle');
  } catch (error) {
    assert.instance(error, CheckpointError);
  }
  assert.is(readFileSync(out, 'utf8'), 'previous');
  assert.equal(readdirSync(dir), ['model.safetensors']);
});

test('a folder without a pickle checkpoint is refused, naming both file names', async () => {
  try {
    await convertToSafetensors(dir, join(dir, 'x.safetensors'));
    assert.unreachable('converted an empty folder');
  } catch (error) {
    assert.instance(error, ConvertSourceError);
    assert.match((error as Error).message, /pytorch_model\.bin nor pytorch_model\.bin\.index\.json/);
  }
});

test('an output that is a file of the checkpoint is refused, naming both, and the checkpoint is kept', async () => {
  cpSync(join(FIXTURES, 'tiny-f32'), join(dir, 'tiny'), { recursive: true });
  cpSync(join(FIXTURES, 'sharded'), join(dir, 'sharded'), { recursive: true });
  copyFileSync(join(FIXTURES, 'views.bin'), join(dir, 'views.bin'));
  symlinkSync(join(dir, 'views.bin'), join(dir, 'link.safetensors'));
  const shard = join(dir, 'sharded/pytorch_model-00002-of-00002.bin');
  const cases: Array<[string, string, RegExp]> = [
    [join(dir, 'views.bin'), join(dir, 'views.bin'), /views\.bin is the checkpoint file .*views\.bin: the output would replace it/],
    // Another spelling of the same file: a symbolic link.
    [join(dir, 'views.bin'), join(dir, 'link.safetensors'), /link\.safetensors is the checkpoint file .*views\.bin:/],
    // A model folder: the pickle read from it.
    [join(dir, 'tiny'), join(dir, 'tiny/pytorch_model.bin'), /tiny\/pytorch_model\.bin is the checkpoint file .*tiny\/pytorch_model\.bin \(of .*tiny\)/],
    // A shard index: the index and every shard it names.
    [join(dir, 'sharded/pytorch_model.bin.index.json'), shard, /pytorch_model-00002-of-00002\.bin is the checkpoint file .* \(of .*pytorch_model\.bin\.index\.json\)/],
    [join(dir, 'sharded'), join(dir, 'sharded/pytorch_model.bin.index.json'), /index\.json is the checkpoint file/],
  ];
  for (const [source, out, message] of cases) {
    const before = readFileSync(out);
    try {
      await convertToSafetensors(source, out);
      assert.unreachable(`${source} -> ${out}: converted over its own input`);
    } catch (error) {
      assert.instance(error, SpladeError);
      assert.match((error as Error).message, message);
    }
    assert.ok(readFileSync(out).equals(before), `${out} is kept`);
  }
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
});

const bin = fileURLToPath(new URL('../../bin/splade.js', import.meta.url));

test('CLI: splade convert writes the file; a bad pickle is one message on stderr and exit 1; no --out is exit 2', () => {
  const out = join(dir, 'cli.safetensors');
  const ok = spawnSync(process.execPath, [bin, 'convert', join(FIXTURES, 'tiny-f16'), '--out', out], { encoding: 'utf8' });
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /41 tensors|42 tensors/);
  assertConverted(out, 'tiny-f16/model.safetensors', TIED);
  const bad = spawnSync(process.execPath, [bin, 'convert', join(FIXTURES, 'malicious/builtins-eval.bin'), '--out', out], { encoding: 'utf8' });
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /^splade: .*'__builtin__\.eval'.*not on the allow-list/);
  assert.is(bad.stderr.trim().split('\n').length, 1);
  const usage = spawnSync(process.execPath, [bin, 'convert', join(FIXTURES, 'tiny-f16')], { encoding: 'utf8' });
  assert.is(usage.status, 2);
  assert.match(usage.stderr, /--out FILE\.safetensors is required/);
});

const models = suite('model folders');
models.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'splade-folder-'));
});
models.after.each(() => rmSync(dir, { recursive: true, force: true }));

function folderWith(source: string, files: string[], extra: Record<string, string> = {}): string {
  for (const file of files) copyFileSync(join(FIXTURES, source, file), join(dir, extra[file] ?? file));
  return dir;
}

for (const folder of ['tiny-f32', 'tiny-bf16', 'tiny-legacy-format', 'tiny-legacy-names']) {
  models(`${folder}: a folder with only pytorch_model.bin loads the same float32 weights as the safetensors twin`, async () => {
    const pickle = await loadModelFolderFromDisk(folderWith(folder, ['config.json', 'vocab.txt', 'pytorch_model.bin']));
    const twin = await loadModelFolderFromDisk(join(FIXTURES, folder));
    assert.is(pickle.weightFormat, 'pytorch');
    assert.is(twin.weightFormat, 'safetensors');
    assert.equal(pickle.weights.names(), twin.weights.names());
    for (const name of twin.weights.names()) {
      assert.equal(pickle.weights.info(name), twin.weights.info(name), name);
      if (twin.weights.info(name)!.dtype.startsWith('I')) continue;
      assert.equal([...pickle.weights.float32(name)], [...twin.weights.float32(name)], name);
    }
  });
}

models('a folder with only sharded pickles loads through pytorch_model.bin.index.json', async () => {
  folderWith('tiny-f32', ['config.json']);
  const sharded = readdirSync(join(FIXTURES, 'sharded')).filter((f) => f.startsWith('pytorch_model'));
  const loaded = await loadModelFolderFromDisk(folderWith('sharded', sharded));
  assert.is(loaded.weightFormat, 'sharded pytorch');
  const twin = readTwin(join(FIXTURES, 'sharded/model.safetensors')).tensors;
  assert.equal(loaded.weights.names(), [...twin.keys()]);
  const embeddings = loaded.weights.float32('bert.embeddings.word_embeddings.weight');
  const expected = twin.get('bert.embeddings.word_embeddings.weight')!.bytes;
  assert.ok(Buffer.from(embeddings.buffer, embeddings.byteOffset, embeddings.byteLength).equals(Buffer.from(expected)));
});

models('a corrupt pickle in a folder fails with a CheckpointError naming the file', async () => {
  folderWith('tiny-f32', ['config.json']);
  writeFileSync(join(dir, 'pytorch_model.bin'), readFileSync(join(FIXTURES, 'tiny-f32/pytorch_model.bin')).subarray(0, 5000));
  try {
    await loadModelFolderFromDisk(dir);
    assert.unreachable('loaded a truncated pickle');
  } catch (error) {
    assert.instance(error, CheckpointError);
    assert.match((error as Error).message, /pytorch_model\.bin/);
  }
});

test.run();
models.run();
