// Every checkpoint torch.save wrote (make_fixtures.py) reads back with the same names, dtypes,
// shapes and bytes as its safetensors twin, which Python wrote independently.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readPytorchCheckpoint, type PytorchCheckpoint } from '../../src/formats/pytorch/pytorch-checkpoint.js';
import { FIXTURES, readTwin } from './helpers.js';

function load(path: string): PytorchCheckpoint {
  return readPytorchCheckpoint(readFileSync(join(FIXTURES, path)), path);
}

function assertMatchesTwin(checkpoint: PytorchCheckpoint, twinPath: string): void {
  const twin = readTwin(join(FIXTURES, twinPath)).tensors;
  assert.equal(checkpoint.names(), [...twin.keys()], `${twinPath}: names in order`);
  for (const [name, expected] of twin) {
    const info = checkpoint.info(name)!;
    assert.is(info.dtype, expected.dtype, `${name}: dtype`);
    assert.equal(info.shape, expected.shape, `${name}: shape`);
    assert.ok(Buffer.from(checkpoint.bytes(name)).equals(Buffer.from(expected.bytes)), `${name}: bytes`);
  }
}

for (const folder of ['tiny-f32', 'tiny-f16', 'tiny-bf16', 'tiny-legacy-names', 'tiny-legacy-format']) {
  test(`${folder}: every tensor equals its safetensors twin`, () => {
    assertMatchesTwin(load(`${folder}/pytorch_model.bin`), `${folder}/model.safetensors`);
  });
}

test('views.bin: strided, offset, expanded, empty and integer tensors equal their contiguous twins', () => {
  assertMatchesTwin(load('views.bin'), 'views.safetensors');
});

test('format: zip since 1.6, legacy with _use_new_zipfile_serialization=False', () => {
  assert.is(load('tiny-f32/pytorch_model.bin').format, 'zip');
  assert.is(load('tiny-legacy-format/pytorch_model.bin').format, 'legacy');
});

test('float32(): F16 and BF16 values are the F32 weights rounded to the narrow type (within half an ulp)', () => {
  // tiny-f16 and tiny-bf16 hold tiny-f32's weights after torch's .half() / .bfloat16(), which
  // round to nearest: each widened value lies within half a unit in the last place of the F32
  // value (2^-11 relative for F16's 10 mantissa bits, 2^-8 for BF16's 7; F16 subnormals 2^-25).
  const original = load('tiny-f32/pytorch_model.bin');
  for (const [folder, relative, absolute] of [['tiny-f16', 2 ** -11, 2 ** -25], ['tiny-bf16', 2 ** -8, 0]] as const) {
    const checkpoint = load(`${folder}/pytorch_model.bin`);
    for (const name of checkpoint.names()) {
      const narrow = checkpoint.float32(name);
      const wide = original.float32(name);
      assert.is(narrow.length, wide.length, name);
      for (let i = 0; i < wide.length; i++) {
        const tolerance = Math.max(Math.abs(wide[i]) * relative, absolute);
        assert.ok(Math.abs(narrow[i] - wide[i]) <= tolerance, `${folder} ${name}[${i}]: ${narrow[i]} vs ${wide[i]}`);
      }
      assert.not.equal([...narrow], [...wide], `${folder} ${name}: actually narrowed`);
    }
  }
});

test('float32(): F16 bit patterns (subnormal, infinity, signed zero) convert exactly', () => {
  const checkpoint = load('views.bin');
  const bytes = checkpoint.bytes('f16_offset');
  const values = checkpoint.float32('f16_offset');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < values.length; i++) {
    const h = view.getUint16(2 * i, true);
    const exponent = (h >> 10) & 31;
    const expected = (h & 0x8000 ? -1 : 1) * (exponent === 0 ? (h & 1023) * 2 ** -24 : (1 + (h & 1023) / 1024) * 2 ** (exponent - 15));
    assert.is(values[i], expected);
  }
});

test('tied tensors: the decoder weight is a view of the word embeddings, sharing the file bytes', () => {
  const checkpoint = load('tiny-f32/pytorch_model.bin');
  const embeddings = checkpoint.float32('bert.embeddings.word_embeddings.weight');
  const decoder = checkpoint.float32('cls.predictions.decoder.weight');
  assert.is(embeddings.buffer, decoder.buffer, 'one buffer');
  assert.is(embeddings.byteOffset, decoder.byteOffset, 'same bytes');
  assert.is(checkpoint.tensor('cls.predictions.decoder.bias').storage, checkpoint.tensor('cls.predictions.bias').storage);
});

test('tied F16 tensors convert once while in use', () => {
  const checkpoint = load('tiny-f16/pytorch_model.bin');
  assert.is(checkpoint.float32('bert.embeddings.word_embeddings.weight'), checkpoint.float32('cls.predictions.decoder.weight'));
});

test('integers(): int64 position_ids and every integer dtype', () => {
  const names = load('tiny-legacy-names/pytorch_model.bin');
  const positions = names.integers('bert.embeddings.position_ids');
  assert.equal(names.info('bert.embeddings.position_ids'), { name: 'bert.embeddings.position_ids', dtype: 'I64', shape: [1, 16] });
  assert.equal([...positions].map(Number), [...Array(16).keys()]);
  const views = load('views.bin');
  const i64 = [...views.integers('i64')].map(Number);
  assert.equal([...views.integers('i32')], i64);
  assert.equal([...views.integers('i16')], i64);
  assert.equal([...views.integers('i64_view')].map(Number), i64.slice(2, 10));
  assert.equal([...views.integers('bool')], i64.map((v) => (v > 0 ? 1 : 0)));
  assert.throws(() => views.float32('i64'), /integers/);
  assert.throws(() => views.integers('base'), /float32/);
});

test('a checkpoint from an ArrayBuffer reads the same as from a Node Buffer', () => {
  const file = readFileSync(join(FIXTURES, 'views.bin'));
  const copy = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
  const fromBuffer = readPytorchCheckpoint(copy, 'views.bin');
  assert.equal([...fromBuffer.float32('transposed')], [...load('views.bin').float32('transposed')]);
});

test.run();
