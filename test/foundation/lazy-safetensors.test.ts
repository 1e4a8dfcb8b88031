// openSafetensorsFile reads tensors from the file on demand: it must give exactly what
// readSafetensorsFile gives (every dtype, aligned or not), fail the same way on a bad header,
// and refuse to read from a file that changed after its header was validated.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileAccessError } from '../../src/node/files.js';
import { folderModelFiles } from '../../src/node/folder-model-files.js';
import { loadModelFolderFromDisk } from '../../src/node/model-folder.js';
import { openSafetensorsFile, readSafetensorsFile, writeSafetensorsFile } from '../../src/node/safetensors-file.js';
import { SafetensorsError, type SafetensorsFile } from '../../src/formats/safetensors.js';
import { writeSafetensors } from '../../src/formats/safetensors-writer.js';
import type { DType } from '../../src/tensor/tensor-source.js';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from './tmp.js';
import { Weights } from '../../src/models/bert/weights.js';
import { quantizeInt8Rows, toF16Weight } from '../../src/tensor/compact-weight.js';
import { mulberry32, randomFloats } from '../../tools/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

const dir = tempDir('lazy');
const FLOATS: readonly DType[] = ['F64', 'F32', 'F16', 'BF16'];

const everyDType = {
  f64: { dtype: 'F64' as const, shape: [3], data: new Float64Array([1.5, -2.25, 1e-40]) },
  f32: { dtype: 'F32' as const, shape: [2, 3], data: new Float32Array([1, -2, 3.5, 4, 5, 6e-39]) },
  f16: { dtype: 'F16' as const, shape: [3], data: new Uint16Array([0x3c00, 0xc000, 0x0001]) },
  bf16: { dtype: 'BF16' as const, shape: [2], data: new Uint16Array([0x3f80, 0xc0a0]) },
  i64: { dtype: 'I64' as const, shape: [2], data: new BigInt64Array([-3n, 2n ** 62n]) },
  i32: { dtype: 'I32' as const, shape: [2], data: new Int32Array([-7, 1 << 30]) },
  i16: { dtype: 'I16' as const, shape: [3], data: new Int16Array([-1, 2, 300]) },
  i8: { dtype: 'I8' as const, shape: [3], data: new Int8Array([-128, 0, 127]) },
  u8: { dtype: 'U8' as const, shape: [3], data: new Uint8Array([0, 1, 255]) },
  bool: { dtype: 'BOOL' as const, shape: [2], data: new Uint8Array([1, 0]) },
  empty: { dtype: 'F32' as const, shape: [0, 4], data: new Float32Array(0) },
};

function assertSameTensors(lazy: SafetensorsFile, eager: SafetensorsFile): void {
  assert.equal(lazy.names(), eager.names());
  assert.equal(lazy.metadata, eager.metadata);
  assert.is(lazy.byteLength, eager.byteLength);
  for (const name of eager.names()) {
    const info = eager.info(name)!;
    assert.equal(lazy.info(name), info);
    assert.equal(lazy.bytesOf(name), eager.bytesOf(name), name);
    assert.equal(lazy.typedArray(name), eager.typedArray(name), name);
    if (FLOATS.includes(info.dtype)) {
      const whole = eager.float32(name);
      assert.equal(lazy.float32(name), whole, name);
      // Every range of elements, read into an array of its own, is that range of the tensor.
      for (const file of [lazy, eager]) {
        for (let offset = 0; offset <= whole.length; offset++) {
          for (let length = 0; offset + length <= whole.length; length++) {
            const out = new Float32Array(length);
            file.readFloat32(name, offset, out);
            assert.equal(out, whole.subarray(offset, offset + length), `${name} [${offset}, +${length})`);
          }
        }
        assert.throws(() => file.readFloat32(name, whole.length, new Float32Array(1)), RangeError);
      }
    } else assert.throws(() => lazy.float32(name), (e: unknown) => e instanceof SafetensorsError && (e as Error).message.includes(`'${name}'`));
    const count = info.shape.reduce((a, b) => a * b, 1);
    for (const file of [lazy, eager]) {
      if (info.dtype === 'I8') {
        const out = new Int8Array(count);
        file.readInt8(name, out);
        assert.equal(out, eager.int8(name), name);
        assert.throws(() => file.readInt8(name, new Int8Array(count + 1)), RangeError);
      } else {
        assert.throws(() => file.readInt8(name, new Int8Array(count)), (e: unknown) => e instanceof SafetensorsError && (e as Error).message.includes('not I8'));
      }
    }
  }
}

test('openSafetensorsFile gives exactly the tensors readSafetensorsFile gives, every dtype', async () => {
  const path = join(dir, 'every.safetensors');
  await writeSafetensorsFile(path, everyDType, { format: 'pt' });
  const lazy = await openSafetensorsFile(path);
  assert.is(lazy.description, path);
  assertSameTensors(lazy, await readSafetensorsFile(path));
  // Each tensor is its own array, not a view of a whole-file buffer.
  assert.is(lazy.float32('f32').buffer.byteLength, 6 * 4);
});

test('openSafetensorsFile reads misaligned tensors like readSafetensorsFile', async () => {
  // A U8 [3] first puts the F32 and I16 tensors at odd offsets: the eager reader copies them.
  const header = '{"a":{"dtype":"U8","shape":[3],"data_offsets":[0,3]},' +
    '"b":{"dtype":"F32","shape":[2],"data_offsets":[3,11]},"c":{"dtype":"I16","shape":[1],"data_offsets":[11,13]}}';
  const json = new TextEncoder().encode(header);
  const data = new Uint8Array(13);
  data.set([9, 8, 7], 0);
  new DataView(data.buffer).setFloat32(3, -1.25, true);
  new DataView(data.buffer).setFloat32(7, 3e38, true);
  new DataView(data.buffer).setInt16(11, -2, true);
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  const path = join(dir, 'misaligned.safetensors');
  writeFileSync(path, bytes);
  const lazy = await openSafetensorsFile(path);
  assertSameTensors(lazy, await readSafetensorsFile(path));
  assert.equal([...lazy.float32('b')], [-1.25, Math.fround(3e38)]);
});

test('a weight converted on load from a file, a block of rows at a time, is the weight converted whole', async () => {
  // 700 x 768 floats: three blocks of 1 MiB (341 rows each, then 18).
  const [n, k] = [700, 768];
  const w = randomFloats(mulberry32(5), n * k, 0.1);
  w.fill(0, 5 * k, 6 * k); // a row of zeros: scale 0
  const path = join(dir, 'linear.safetensors');
  await writeSafetensorsFile(path, { 'dense.weight': { dtype: 'F32', shape: [n, k], data: w } });
  for (const file of [await openSafetensorsFile(path), await readSafetensorsFile(path)]) {
    const int8 = Weights.of(file, 'bert', 'int8').linearWeight('dense.weight', [n, k]);
    assert.equal(int8, quantizeInt8Rows(w, n, k));
    const f16 = Weights.of(file, 'bert', 'f16').linearWeight('dense.weight', [n, k]);
    assert.equal(f16, toF16Weight(w, n, k));
  }
});

test('transient compact weights are read into one reused buffer, the others into arrays of their own, with the same values', async () => {
  const [n, k] = [40, 24];
  const w = randomFloats(mulberry32(6), n * k, 0.1);
  const q = quantizeInt8Rows(w, n, k);
  const path = join(dir, 'staged.safetensors');
  await writeSafetensorsFile(path, {
    'a.weight': { dtype: 'F32', shape: [n, k], data: w },
    'b.weight': { dtype: 'F32', shape: [n, k], data: w.map((v) => -v) },
    'c.weight': { dtype: 'I8', shape: [n, k], data: q.values },
    'c.weight_scale': { dtype: 'F32', shape: [n, 1], data: q.scales },
  });
  const file = await openSafetensorsFile(path);
  const valuesOf = (weights: Weights, name: string, transient: boolean): Int8Array => {
    const weight = weights.linearWeight(name, [n, k], { transient });
    assert.ok(!(weight instanceof Tensor) && weight.kind === 'int8');
    return weight.values;
  };
  for (const dtype of ['int8', undefined] as const) {
    const weights = Weights.of(file, 'bert', dtype);
    // I8 as stored (read into the buffer), and, with dtype int8, F32 quantized on load.
    const names = dtype === 'int8' ? ['a.weight', 'c.weight', 'b.weight'] : ['c.weight', 'c.weight'];
    const staged = names.map((name) => {
      const values = valuesOf(weights, name, true);
      const expected = name === 'b.weight' ? quantizeInt8Rows(w.map((v) => -v), n, k).values : q.values;
      assert.equal(values, expected, `${name} (${dtype})`);
      return values;
    });
    assert.ok(staged.every((v) => v.buffer === staged[0].buffer), 'one buffer for every transient weight');
    const own = names.map((name) => valuesOf(weights, name, false));
    assert.ok(own.every((v) => v.buffer !== staged[0].buffer) && own[0].buffer !== own[1].buffer, 'arrays of their own');
  }
  const f16 = Weights.of(file, 'bert', 'f16');
  const [x, y] = ['a.weight', 'b.weight'].map((name) => f16.linearWeight(name, [n, k], { transient: true }));
  assert.ok(!(x instanceof Tensor) && x.kind === 'f16' && !(y instanceof Tensor) && y.kind === 'f16');
  assert.is(x.bits.buffer, y.bits.buffer);
  assert.equal(y, toF16Weight(w.map((v) => -v), n, k));
});

test('openSafetensorsFile validates the whole header first: a bad one is the same SafetensorsError', async () => {
  const good = writeSafetensors(everyDType);
  const cases: [string, Uint8Array][] = [
    ['corrupt', (() => { const b = good.slice(); b[8] = 0x5b; return b; })()],
    ['truncated', good.subarray(0, good.length - 1)],
    ['short', new Uint8Array(3)],
  ];
  for (const [label, bytes] of cases) {
    const path = join(dir, `${label}.safetensors`);
    writeFileSync(path, bytes);
    let eagerMessage = '';
    try {
      await readSafetensorsFile(path);
    } catch (error) {
      eagerMessage = (error as Error).message;
    }
    try {
      await openSafetensorsFile(path);
      assert.unreachable(`opened a ${label} file`);
    } catch (error) {
      assert.instance(error, SafetensorsError, label);
      assert.ok((error as Error).message.startsWith(`${path}: `), (error as Error).message);
      assert.is((error as Error).message, eagerMessage, label);
    }
  }
  try {
    await openSafetensorsFile(join(dir, 'missing.safetensors'));
    assert.unreachable('opened a missing file');
  } catch (error) {
    assert.instance(error, FileAccessError);
    assert.match((error as Error).message, 'no such file');
  }
});

test('a file that changes size after it was opened is a FileAccessError naming it, not wrong numbers', async () => {
  const path = join(dir, 'changing.safetensors');
  await writeSafetensorsFile(path, everyDType);
  const lazy = await openSafetensorsFile(path);
  assert.equal([...lazy.float32('f32')], [...everyDType.f32.data]);
  appendFileSync(path, new Uint8Array(16));
  assert.throws(() => lazy.float32('f32'), (e: unknown) =>
    e instanceof FileAccessError && (e as Error).message.startsWith(`${path}: the file changed its size`));
  writeFileSync(path, new Uint8Array(readFileSync(path)).subarray(0, 100));
  assert.throws(() => lazy.typedArray('i8'), (e: unknown) => e instanceof FileAccessError);
});

test('a file rewritten in place (same size, new modification time) is a FileAccessError too', async () => {
  const path = join(dir, 'rewritten.safetensors');
  await writeSafetensorsFile(path, everyDType);
  const lazy = await openSafetensorsFile(path);
  utimesSync(path, new Date(), new Date(Date.now() + 60_000));
  assert.throws(() => lazy.float32('f64'), (e: unknown) =>
    e instanceof FileAccessError && (e as Error).message.includes('modification time'));
});

test('a model folder on disk reads its safetensors weights tensor by tensor', async () => {
  const model = join(dir, 'model');
  await writeRandomBertFolder(model, { layers: 1, hidden: 32, heads: 2, intermediate: 64, maxPositions: 16, vocab: 120 });
  const fileSize = statSync(join(model, 'model.safetensors')).size;
  const folder = await loadModelFolderFromDisk(model);
  assert.is(folder.weightFormat, 'safetensors');
  assert.is(folder.weights.description, join(model, 'model.safetensors'));
  const eager = await readSafetensorsFile(join(model, 'model.safetensors'));
  for (const name of eager.names()) {
    const values = folder.weights.float32(name);
    assert.equal(values, eager.float32(name), name);
    assert.ok(values.buffer.byteLength < fileSize, `${name} is a view of the whole file`);
  }
  try {
    await folderModelFiles(model).openSafetensors!('nope.safetensors');
    assert.unreachable('opened a missing weight file');
  } catch (error) {
    assert.match((error as Error).message, `${model}: no file 'nope.safetensors'`);
  }
});

test.run();
