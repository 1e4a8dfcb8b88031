// The zip container: ZIP64 records, any archive prefix, a trailing comment, big-endian
// storages (byteorder), and clear refusals for compressed entries and non-torch archives.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CheckpointError } from '../../src/formats/pytorch/errors.js';
import { readPytorchCheckpoint, type PytorchCheckpoint } from '../../src/formats/pytorch/pytorch-checkpoint.js';
import { writeSafetensors } from '../../src/formats/safetensors-writer.js';
import { FIXTURES, buildZip, zipEntries, type ZipInput } from './helpers.js';

const original = new Uint8Array(readFileSync(join(FIXTURES, 'tiny-f32/pytorch_model.bin')));
const reference = readPytorchCheckpoint(original, 'tiny-f32');

/** The fixture's entries moved under another prefix. */
function entries(prefix: string): ZipInput[] {
  return zipEntries(original).map((e) => ({ name: `${prefix}/${e.name.slice(e.name.indexOf('/') + 1)}`, data: e.data }));
}

function assertSameTensors(checkpoint: PytorchCheckpoint): void {
  assert.equal(checkpoint.names(), reference.names());
  for (const name of reference.names()) assert.equal([...checkpoint.float32(name)], [...reference.float32(name)], name);
}

function refusal(bytes: Uint8Array): string {
  try {
    readPytorchCheckpoint(bytes, 'made.bin');
  } catch (error) {
    if (error instanceof CheckpointError) return error.message;
    throw error;
  }
  return assert.unreachable('expected a CheckpointError') as never;
}

test('ZIP64 records (sizes and offsets 0xFFFFFFFF in the classic fields), any prefix and a comment', () => {
  assertSameTensors(readPytorchCheckpoint(buildZip(entries('my model v2'), { zip64: true, comment: 'saved by hand' }), 'zip64.bin'));
  assertSameTensors(readPytorchCheckpoint(buildZip(entries('archive')), 'plain.bin'));
});

test('byteorder "big": storages are byte-swapped back to the same values', () => {
  const swapped = entries('archive').map((e) => {
    if (!e.name.includes('/data/')) return e;
    const data = e.data.slice();
    for (let i = 0; i < data.length; i += 4) data.subarray(i, i + 4).reverse(); // tiny-f32 is all F32
    return { name: e.name, data };
  });
  swapped.push({ name: 'archive/byteorder', data: new TextEncoder().encode('big') });
  assertSameTensors(readPytorchCheckpoint(buildZip(swapped), 'big-endian.bin'));
});

test('a compressed entry is refused, saying how to fix it', () => {
  const compressed = entries('archive').map((e) => (e.name.endsWith('data.pkl') ? { ...e, method: 8 } : e));
  assert.match(refusal(buildZip(compressed)), /'archive\/data\.pkl' is compressed \(method 8\).*re-save it with torch\.save/);
});

test('archives that torch.save did not write are refused', () => {
  assert.match(refusal(buildZip([{ name: 'hello.txt', data: new Uint8Array(3) }])), /no <prefix>\/data\.pkl/);
  const twice = [...entries('a'), ...entries('b')];
  assert.match(refusal(buildZip(twice)), /2 data\.pkl entries/);
  const missing = entries('archive').filter((e) => !e.name.endsWith('/data/0'));
  assert.match(refusal(buildZip(missing)), /names storage '0' but the archive has no 'archive\/data\/0'/);
});

test('a damaged data.pkl fails its CRC-32 check', () => {
  const built = buildZip(entries('archive')); // data.pkl first: 30-byte header + 16-byte name, then its data
  built[30 + 'archive/data.pkl'.length + 14] ^= 0xff;
  assert.match(refusal(built), /'archive\/data\.pkl' fails its CRC-32 check/);
});

test('files that are not checkpoints name what they are', () => {
  assert.match(refusal(new Uint8Array(0)), /not a PyTorch checkpoint/);
  assert.match(refusal(new TextEncoder().encode('{"weight_map": {}}')), /not a PyTorch checkpoint/);
  const tar = new Uint8Array(1024);
  tar.set(new TextEncoder().encode('ustar'), 257);
  assert.match(refusal(tar), /tar format of PyTorch before 0\.4/);
  assert.match(refusal(new Uint8Array([0x80, 2, 0x4b, 1, 0x2e])), /no torch\.save magic number/);
  const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:' + 'ab'.repeat(32) + '\nsize 437985387\n';
  assert.match(refusal(new TextEncoder().encode(pointer)), /a Git LFS pointer, not the file itself: .*git lfs pull/);
  const safetensors = writeSafetensors({ w: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } });
  assert.match(refusal(safetensors), /^made\.bin: a safetensors file, not a PyTorch checkpoint: it needs no conversion/);
});

test.run();
