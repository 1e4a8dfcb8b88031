import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SafetensorsError, readSafetensors } from '../../src/formats/safetensors.js';
import { writeSafetensors } from '../../src/formats/safetensors-writer.js';
import type { DType } from '../../src/tensor/tensor-source.js';
import { header, rawSafetensors } from './helpers.js';

// The bytes the reference implementation's own test (`test_serialization`) expects for a
// [1, 2, 3] F32 tensor "attn.0" holding 0..5.
const REFERENCE_BYTES = [
  64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58,
  34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116,
  97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
  0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
];

test('reads the reference implementation\'s serialization and writes the same bytes', () => {
  const file = readSafetensors(new Uint8Array(REFERENCE_BYTES), 'ref.safetensors');
  assert.equal(file.names(), ['attn.0']);
  assert.equal(file.info('attn.0'), { name: 'attn.0', dtype: 'F32', shape: [1, 2, 3] });
  assert.equal([...file.float32('attn.0')], [0, 1, 2, 3, 4, 5]);
  const written = writeSafetensors({ 'attn.0': { dtype: 'F32', shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) } });
  assert.equal([...written], REFERENCE_BYTES);
});

test('writer pads the header with spaces to 8 bytes, as the reference test_empty expects', () => {
  assert.equal([...writeSafetensors({})], [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
  const withMetadata = writeSafetensors({}, { framework: 'pt' });
  assert.is(new TextDecoder().decode(withMetadata.subarray(8)), '{"__metadata__":{"framework":"pt"}}     ');
  assert.equal(readSafetensors(withMetadata).metadata, { framework: 'pt' });
});

const samples: Record<DType, { data: ArrayBufferView; read: (f: ReturnType<typeof readSafetensors>, n: string) => Iterable<unknown> }> = {
  F64: { data: new Float64Array([1.5, -2, 1e300, -0]), read: (f, n) => f.typedArray(n, 'F64') },
  F32: { data: new Float32Array([1.5, -2, 3.25, -0]), read: (f, n) => f.typedArray(n, 'F32') },
  F16: { data: new Uint16Array([0x3c00, 0xc000, 0x7c00, 0x0001]), read: (f, n) => f.typedArray(n, 'F16') },
  BF16: { data: new Uint16Array([0x3f80, 0xc000, 0x7f80, 0x0001]), read: (f, n) => f.typedArray(n, 'BF16') },
  I64: { data: new BigInt64Array([1n, -2n, 2n ** 62n, -(2n ** 63n)]), read: (f, n) => f.typedArray(n, 'I64') },
  I32: { data: new Int32Array([1, -2, 2 ** 31 - 1, -(2 ** 31)]), read: (f, n) => f.typedArray(n, 'I32') },
  I16: { data: new Int16Array([1, -2, 32767, -32768]), read: (f, n) => f.typedArray(n, 'I16') },
  I8: { data: new Int8Array([1, -2, 127, -128]), read: (f, n) => f.typedArray(n, 'I8') },
  U8: { data: new Uint8Array([1, 2, 255, 0]), read: (f, n) => f.typedArray(n, 'U8') },
  BOOL: { data: new Uint8Array([1, 0, 0, 1]), read: (f, n) => f.typedArray(n, 'BOOL') },
};

test('round trips every dtype, each in one file and all together', () => {
  const all: Record<string, { dtype: DType; shape: number[]; data: never }> = {};
  for (const [dtype, sample] of Object.entries(samples) as [DType, (typeof samples)[DType]][]) {
    const tensor = { dtype, shape: [2, 2], data: sample.data as never };
    all[`t.${dtype}`] = tensor;
    const file = readSafetensors(writeSafetensors({ x: tensor }), `${dtype}.safetensors`);
    assert.equal([...sample.read(file, 'x')], [...(sample.data as unknown as Iterable<unknown>)], dtype);
    assert.equal(file.info('x'), { name: 'x', dtype, shape: [2, 2] });
  }
  const file = readSafetensors(writeSafetensors(all), 'all.safetensors');
  assert.is(file.names().length, 10);
  for (const [dtype, sample] of Object.entries(samples) as [DType, (typeof samples)[DType]][]) {
    assert.equal([...sample.read(file, `t.${dtype}`)], [...(sample.data as unknown as Iterable<unknown>)], dtype);
  }
  // The reference layout: decreasing alignment, so every tensor is aligned for its dtype.
  assert.equal(file.names(), ['t.I64', 't.F64', 't.F32', 't.I32', 't.BF16', 't.F16', 't.I16', 't.I8', 't.U8', 't.BOOL']);
});

test('float32() widens F16/BF16 exactly, rounds F64, refuses integers', () => {
  const bytes = writeSafetensors({
    h: { dtype: 'F16', shape: [3], data: new Float32Array([0.5, -1.25, 65504]) },
    b: { dtype: 'BF16', shape: [2], data: new Float32Array([0.5, -3]) },
    d: { dtype: 'F64', shape: [1], data: new Float64Array([0.1]) },
    i: { dtype: 'I32', shape: [1], data: new Int32Array([7]) },
  });
  const file = readSafetensors(bytes, 'mixed.safetensors');
  assert.equal([...file.float32('h')], [0.5, -1.25, 65504]);
  assert.equal([...file.float32('b')], [0.5, -3]);
  assert.equal([...file.float32('d')], [Math.fround(0.1)]);
  assert.throws(() => file.float32('i'), (e: unknown) => e instanceof SafetensorsError && /mixed\.safetensors.*'i'.*I32/.test((e as Error).message));
  assert.throws(() => file.float32('nope'), (e: unknown) => e instanceof SafetensorsError && /'nope'/.test((e as Error).message));
  assert.throws(() => file.typedArray('h', 'F32'), (e: unknown) => e instanceof SafetensorsError);
});

test('aligned F32 data is a zero-copy view; misaligned data is copied correctly', () => {
  const bytes = writeSafetensors({ w: { dtype: 'F32', shape: [4], data: new Float32Array([1, 2, 3, 4]) } });
  const file = readSafetensors(bytes);
  const view = file.float32('w');
  assert.is(view.buffer, bytes.buffer);
  // The same file at an odd offset inside a larger buffer (a Uint8Array with byteOffset 1).
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  const misaligned = readSafetensors(shifted.subarray(1));
  const copy = misaligned.float32('w');
  assert.equal([...copy], [1, 2, 3, 4]);
  assert.is.not(copy.buffer, shifted.buffer);
  // An ArrayBuffer works too.
  assert.equal([...readSafetensors(bytes.slice().buffer).float32('w')], [1, 2, 3, 4]);
});

test('names are in data order whatever the header order; zero-size tensors are fine', () => {
  const data = new Uint8Array(8);
  const text = header({
    b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
    empty: { dtype: 'F32', shape: [0, 3], data_offsets: [4, 4] },
    a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
  });
  const file = readSafetensors(rawSafetensors(text, data), 'order.safetensors');
  assert.equal(file.names(), ['a', 'empty', 'b']);
  assert.is(file.float32('empty').length, 0);
});

test('writer rejects data that does not fit the dtype or shape', () => {
  const bad = (tensors: Record<string, { dtype: DType; shape: number[]; data: never }>): void => {
    assert.throws(() => writeSafetensors(tensors), (e: unknown) => e instanceof SafetensorsError && /'x'/.test((e as Error).message));
  };
  bad({ x: { dtype: 'F32', shape: [3], data: new Float32Array(2) as never } });
  bad({ x: { dtype: 'I32', shape: [2], data: new Float32Array(2) as never } });
  bad({ x: { dtype: 'I64', shape: [2], data: new Int32Array(2) as never } });
  bad({ x: { dtype: 'F32', shape: [-1], data: new Float32Array(0) as never } });
  // Raw bytes are accepted for any dtype when their length fits.
  const raw = writeSafetensors({ x: { dtype: 'I16', shape: [2], data: new Uint8Array([1, 0, 255, 255]) } });
  assert.equal([...readSafetensors(raw).typedArray('x', 'I16')], [1, -1]);
});

test.run();
