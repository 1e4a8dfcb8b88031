// One malformed file per validation rule. Each must fail with a SafetensorsError whose message
// names the file and, where one tensor is at fault, that tensor.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_HEADER_SIZE, SafetensorsError, readSafetensors } from '../../src/formats/safetensors.js';
import { header, rawSafetensors } from './helpers.js';

const FILE = 'bad/model.safetensors';

function rejects(bytes: Uint8Array, pattern: RegExp, tensor?: string): void {
  try {
    readSafetensors(bytes, FILE);
  } catch (error) {
    if (!(error instanceof SafetensorsError)) throw error;
    assert.ok(error.message.startsWith(`${FILE}: `), error.message);
    if (tensor !== undefined) assert.ok(error.message.includes(`'${tensor}'`), `${error.message} should name '${tensor}'`);
    assert.match(error.message, pattern);
    return;
  }
  assert.unreachable(`accepted a file that should fail with ${pattern}`);
}

const f32 = (shape: number[], begin: number, end: number): unknown => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

test('file shorter than the 8-byte size prefix', () => {
  rejects(new Uint8Array(0), /too short/);
  rejects(new Uint8Array(7), /too short/);
});

test('header size above 100 MB, or above 2^32', () => {
  rejects(rawSafetensors('{}', 0, MAX_HEADER_SIZE + 1), /exceeds/);
  const huge = rawSafetensors('{}');
  new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
  rejects(huge, /exceeds/);
});

test('a Git LFS pointer in place of the file (a clone without git-lfs) is named as one', () => {
  const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:' + 'ab'.repeat(32) + '\nsize 437985387\n';
  rejects(new TextEncoder().encode(pointer), /a Git LFS pointer, not the file itself: .*git lfs pull/);
});

test('header size past the end of the file', () => {
  rejects(rawSafetensors('{}', 0, 3), /runs past the end/);
});

test('header not UTF-8', () => {
  rejects(rawSafetensors(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), /UTF-8/);
});

test('header not JSON, or trailing garbage, or JSON but not an object', () => {
  rejects(rawSafetensors('{"a": '), /not valid JSON/);
  rejects(rawSafetensors('{} x'), /not valid JSON/);
  rejects(rawSafetensors('{"a":1,}'), /not valid JSON/);
  rejects(rawSafetensors('[]'), /must be a JSON object/);
  rejects(rawSafetensors('"{}"'), /must be a JSON object/);
  rejects(rawSafetensors('['.repeat(5000) + ']'.repeat(5000)), /nesting/);
});

test('duplicate tensor names', () => {
  const text = `{"w":${JSON.stringify(f32([1], 0, 4))},"w":${JSON.stringify(f32([1], 4, 8))}}`;
  rejects(rawSafetensors(text, 8), /duplicate key "w"/);
});

test('entry not an object, missing or unexpected fields', () => {
  rejects(rawSafetensors(header({ w: [1, 2] })), /entry must be an object/, 'w');
  rejects(rawSafetensors(header({ w: { shape: [1], data_offsets: [0, 4] } }), 4), /missing 'dtype'/, 'w');
  rejects(rawSafetensors(header({ w: { dtype: 'F32', data_offsets: [0, 4] } }), 4), /missing 'shape'/, 'w');
  rejects(rawSafetensors(header({ w: { dtype: 'F32', shape: [1] } }), 4), /missing 'data_offsets'/, 'w');
  rejects(rawSafetensors(header({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4], extra: 1 } }), 4), /unexpected field 'extra'/, 'w');
});

test('unknown or unsupported dtypes', () => {
  rejects(rawSafetensors(header({ w: { dtype: 'F33', shape: [1], data_offsets: [0, 4] } }), 4), /unknown dtype F33/, 'w');
  rejects(rawSafetensors(header({ w: { dtype: 'f32', shape: [1], data_offsets: [0, 4] } }), 4), /unknown dtype/, 'w');
  rejects(rawSafetensors(header({ w: { dtype: 7, shape: [1], data_offsets: [0, 4] } }), 4), /unknown dtype 7/, 'w');
  rejects(rawSafetensors(header({ w: { dtype: 'U16', shape: [2], data_offsets: [0, 4] } }), 4), /U16 is not supported/, 'w');
});

test('dims must be non-negative integers', () => {
  rejects(rawSafetensors('{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', 4), /shape holds -1/, 'w');
  rejects(rawSafetensors('{"w":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}', 4), /shape holds 1\.0/, 'w');
  rejects(rawSafetensors('{"w":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}}', 4), /shape holds 1e0/, 'w');
  rejects(rawSafetensors('{"w":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}', 4), /shape holds "1"/, 'w');
  rejects(rawSafetensors('{"w":{"dtype":"F32","shape":1,"data_offsets":[0,4]}}', 4), /shape must be an array/, 'w');
});

test('offsets must be two exact non-negative integers, end not before begin', () => {
  rejects(rawSafetensors('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}}', 4), /\[begin, end\]/, 'w');
  rejects(rawSafetensors('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}', 8), /\[begin, end\]/, 'w');
  rejects(rawSafetensors('{"w":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}', 4), /end before/, 'w');
  rejects(rawSafetensors('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,-4]}}', 4), /data_offsets holds -4/, 'w');
  // 2^53 + 1 is not exactly representable as a double: refused rather than rounded.
  rejects(rawSafetensors('{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,9007199254740993]}}', 1), /data_offsets holds 9007199254740993/, 'w');
});

test('element count times dtype size must equal the byte length', () => {
  rejects(rawSafetensors(header({ w: f32([2, 3], 0, 20) }), 20), /needs 24 bytes but data_offsets \[0, 20\] hold 20/, 'w');
  rejects(rawSafetensors(header({ w: { dtype: 'F16', shape: [3], data_offsets: [0, 4] } }), 4), /needs 6 bytes/, 'w');
});

test('shape products that overflow are refused, not wrapped', () => {
  const big = 2 ** 26;
  rejects(rawSafetensors(header({ w: f32([big, big, big], 0, 4) }), 4), /overflows/, 'w');
});

test('offsets outside the data section', () => {
  rejects(rawSafetensors(header({ w: f32([2], 0, 8) }), 4), /cover 8 bytes.*data section is 4 bytes/);
});

test('overlapping tensors', () => {
  rejects(rawSafetensors(header({ a: f32([2], 0, 8), b: f32([2], 4, 12) }), 12), /overlap tensor 'a'/, 'b');
});

test('a gap between tensors, or before the first', () => {
  rejects(rawSafetensors(header({ a: f32([1], 0, 4), b: f32([1], 8, 12) }), 12), /gap/, 'b');
  rejects(rawSafetensors(header({ a: f32([1], 4, 8) }), 8), /gap/, 'a');
});

test('tensors must cover the data section exactly (no trailing bytes)', () => {
  rejects(rawSafetensors(header({ a: f32([1], 0, 4) }), 5), /cover 4 bytes.*data section is 5 bytes/);
  rejects(rawSafetensors('{}', 1), /cover 0 bytes/);
});

test('__metadata__ must be an object of strings', () => {
  rejects(rawSafetensors('{"__metadata__":{"format":1}}'), /__metadata__ entry 'format' must be a string/);
  rejects(rawSafetensors('{"__metadata__":["pt"]}'), /__metadata__ must be an object/);
  rejects(rawSafetensors('{"__metadata__":{},"__metadata__":{}}'), /duplicate key/);
  assert.equal(readSafetensors(rawSafetensors('{"__metadata__":null}')).metadata, {});
});

test('JSON strings: bad escapes and lone surrogates are refused, good ones decoded', () => {
  rejects(rawSafetensors('{"\\q":1}'), /invalid escape/);
  rejects(rawSafetensors('{"\\ud800":1}'), /surrogate/);
  rejects(rawSafetensors('{"a\u0001":1}'), /control character/);
  const text = header({ 'caf\u00e9.\ud83d\ude00': f32([1], 0, 4) }).replace('\u00e9', '\\u00e9');
  const file = readSafetensors(rawSafetensors(text, 4));
  assert.equal(file.names(), ['caf\u00e9.\ud83d\ude00']);
});

test.run();
