import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileAccessError, writeFileAtomic } from '../../src/node/files.js';
import { readSafetensorsFile, readSafetensorsHeaderFile, writeSafetensorsFile } from '../../src/node/safetensors-file.js';
import { SafetensorsError } from '../../src/formats/safetensors.js';
import { writeSafetensors } from '../../src/formats/safetensors-writer.js';
import { tempDir } from './tmp.js';

const dir = tempDir('files');
const tensors = {
  w: { dtype: 'F32' as const, shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
  h: { dtype: 'F16' as const, shape: [2], data: new Float32Array([0.5, 2]) },
};

test('writeSafetensorsFile streams the same bytes as writeSafetensors; readSafetensorsFile reads them', async () => {
  const path = join(dir, 'a.safetensors');
  await writeSafetensorsFile(path, tensors, { format: 'pt' });
  assert.equal(new Uint8Array(readFileSync(path)), writeSafetensors(tensors, { format: 'pt' }));
  const file = await readSafetensorsFile(path);
  assert.is(file.description, path);
  assert.equal([...file.float32('w')], [1, 2, 3, 4, 5, 6]);
  assert.equal([...file.float32('h')], [0.5, 2]);
  assert.equal(file.metadata, { format: 'pt' });
  // One buffer of exactly the file's size; the F32 tensor is a view into it.
  assert.is(file.float32('w').buffer.byteLength, readFileSync(path).length);
  const { header, fileSize } = await readSafetensorsHeaderFile(path);
  assert.equal(header.entries.map((e) => e.name), ['w', 'h']);
  assert.is(fileSize, file.byteLength);
});

test('a missing file is a FileAccessError naming it', async () => {
  const path = join(dir, 'missing.safetensors');
  try {
    await readSafetensorsFile(path);
    assert.unreachable('read a missing file');
  } catch (error) {
    assert.instance(error, FileAccessError);
    assert.match((error as Error).message, `${path}: cannot open: no such file`);
  }
});

test('a corrupt file is a SafetensorsError naming it, raised before the data is read', async () => {
  const path = join(dir, 'corrupt.safetensors');
  const bytes = writeSafetensors(tensors);
  bytes[8] = 0x5b; // '{' becomes '['
  writeFileSync(path, bytes);
  try {
    await readSafetensorsFile(path);
    assert.unreachable('read a corrupt file');
  } catch (error) {
    assert.instance(error, SafetensorsError);
    assert.ok((error as Error).message.startsWith(`${path}: `), (error as Error).message);
  }
  const short = join(dir, 'short.safetensors');
  writeFileSync(short, new Uint8Array(3));
  try {
    await readSafetensorsFile(short);
    assert.unreachable('read a 3-byte file');
  } catch (error) {
    assert.instance(error, SafetensorsError);
    assert.match((error as Error).message, 'too short');
  }
});

test('writeFileAtomic replaces a file whole and leaves no temp files, even on failure', async () => {
  const path = join(dir, 'atomic.txt');
  writeFileSync(path, 'old');
  await writeFileAtomic(path, ['new ', new TextEncoder().encode('content')]);
  assert.is(readFileSync(path, 'utf8'), 'new content');
  assert.ok(!readdirSync(dir).some((name) => name.endsWith('.tmp')), readdirSync(dir).join(' '));
  const impossible = join(dir, 'no-such-folder', 'x.txt');
  try {
    await writeFileAtomic(impossible, 'x');
    assert.unreachable('wrote into a missing folder');
  } catch (error) {
    assert.instance(error, FileAccessError);
    assert.match((error as Error).message, impossible);
  }
  assert.ok(!readdirSync(dir).some((name) => name.endsWith('.tmp')));
});

test.run();
