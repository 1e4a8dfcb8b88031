// SpladeEncoder's dtype option on generated models, plain and with planted outlier features:
// - f32 is the default and unchanged (bit-identical vectors);
// - f16 and int8 hold the weights compact (the kernel memory shrinks to about 1/2 and 1/4);
// - f16 stays within float16 rounding, int8 within the fidelity target (cosine to the
//   f32 vector >= 0.995 for every vector), also where outlier features would ruin a plain
//   per-token absmax quantization of activations. Two outlier models: the generator's first
//   kind (`outliers` alone, on which every text gets nearly the same vector), and
//   `readableOutliers`, which keeps texts apart: there the int8 rounding of the weights that
//   read the outlier dimensions showed (0.994 at bert-base size) until those columns stayed
//   float32 (Int8Weight.floatColumns).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { requireBertConfig } from '../../src/io/model-config.js';
import { BertForMaskedLM, type LoadOptions } from '../../src/models/bert/bert-for-masked-lm.js';
import { loadModelFolderFromDisk } from '../../src/node/model-folder.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import type { SparseVector } from '../../src/splade/sparse-vector.js';
import { CpuBackend } from '../../src/tensor/cpu/cpu-backend.js';
import { createBackend } from '../../src/tensor/create-backend.js';
import { WasmCompactGemm } from '../../src/tensor/gemm/wasm-compact-gemm.js';
import { WasmGemm } from '../../src/tensor/gemm/wasm-gemm.js';

const tmp = mkdtempSync(join(tmpdir(), 'splade-dtype-'));
const VOCAB = 3000;
const SIZES = { layers: 4, hidden: 128, heads: 4, intermediate: 512, maxPositions: 64, vocab: VOCAB, seed: 3 } as const;
const TEXTS = [
  'the atomic bomb was made in the manhattan project',
  'a query about cats and dogs living together',
  'x',
  'one two three four five six seven eight nine ten eleven twelve',
];

function dense(v: SparseVector): Float64Array {
  const d = new Float64Array(VOCAB);
  v.indices.forEach((id, i) => { d[id] = v.values[i]; });
  return d;
}

function cosine(a: SparseVector, b: SparseVector): number {
  const x = dense(a);
  const y = dense(b);
  let xy = 0, xx = 0, yy = 0;
  for (let i = 0; i < VOCAB; i++) { xy += x[i] * y[i]; xx += x[i] * x[i]; yy += y[i] * y[i]; }
  return xy / Math.sqrt(xx * yy);
}

function wasmBackend(outliers = true): CpuBackend {
  const engine = WasmGemm.create({ shared: false })!;
  return new CpuBackend(engine, { compact: new WasmCompactGemm(engine, { outliers }) });
}

async function encode(dir: string, options: Parameters<typeof SpladeEncoder.fromPretrained>[1]): Promise<SparseVector[]> {
  const encoder = await SpladeEncoder.fromPretrained(dir, options);
  try {
    return await encoder.encode(TEXTS);
  } finally {
    encoder.dispose();
  }
}

const models = [
  ['plain random weights', join(tmp, 'plain'), 0, false],
  ['4 planted outlier features', join(tmp, 'outliers'), 4, false],
  ['4 readable outlier features', join(tmp, 'readable'), 4, true],
] as const;

const dtype = suite('dtype: f32 default, f16 and int8 compact');
dtype.before(async () => {
  for (const [, dir, outliers, readableOutliers] of models) await writeRandomBertFolder(dir, { ...SIZES, outliers, readableOutliers });
});

dtype('f32 is the default and gives bit-identical vectors', async () => {
  const dir = models[0][1];
  const plain = await encode(dir, { backend: wasmBackend() });
  const f32 = await encode(dir, { backend: wasmBackend(), dtype: 'f32' });
  plain.forEach((v, i) => {
    assert.equal([...f32[i].indices], [...v.indices]);
    assert.equal([...f32[i].values], [...v.values]);
  });
});

dtype('the kernels hold f16 weights in about half and int8 in about a quarter of the f32 bytes', async () => {
  const dir = models[0][1];
  const bytes: Record<string, number> = {};
  for (const d of ['f32', 'f16', 'int8'] as const) {
    const backend = wasmBackend();
    const encoder = await SpladeEncoder.fromPretrained(dir, { backend, dtype: d });
    bytes[d] = backend.engine instanceof WasmGemm ? backend.engine.arena.permanentBytes : NaN;
    encoder.dispose();
  }
  // Padding to whole panels and the int8 row scales add a little over the exact ratios.
  assert.ok(bytes.f16 / bytes.f32 > 0.49 && bytes.f16 / bytes.f32 < 0.52, `f16/f32 = ${bytes.f16 / bytes.f32}`);
  assert.ok(bytes.int8 / bytes.f32 > 0.24 && bytes.int8 / bytes.f32 < 0.27, `int8/f32 = ${bytes.int8 / bytes.f32}`);
});

for (const [label, dir] of models) {
  dtype(`${label}: f16 vectors within float16 rounding of f32 (cosine >= 0.9999, same active terms)`, async () => {
    const f32 = await encode(dir, { backend: wasmBackend() });
    const f16 = await encode(dir, { backend: wasmBackend(), dtype: 'f16' });
    // float16 rounds each weight by at most 2^-11 relative; over 4 layers of sums the vectors
    // move by ~1e-4 relative, so 0.9999 (the target) is a bound with room, not a fit.
    f32.forEach((v, i) => assert.ok(cosine(f16[i], v) >= 0.9999, `text ${i}: cosine ${cosine(f16[i], v)}`));
  });

  dtype(`${label}: int8 vectors have cosine >= 0.995 to f32, on the WebAssembly and TypeScript kernels alike`, async () => {
    const f32 = await encode(dir, { backend: wasmBackend() });
    const wasm = await encode(dir, { backend: wasmBackend(), dtype: 'int8' });
    const ts = await encode(dir, { backend: await createBackend({ kernels: 'typescript' }), dtype: 'int8' });
    f32.forEach((v, i) => {
      // (Not equal to each other: their float32 parts round differently, and a last-bit
      // difference can move an activation across a quantization step.)
      assert.ok(cosine(wasm[i], v) >= 0.995, `wasm text ${i}: cosine ${cosine(wasm[i], v)}`);
      assert.ok(cosine(ts[i], v) >= 0.995, `typescript text ${i}: cosine ${cosine(ts[i], v)}`);
    });
  });
}

/** SPLADE vectors of fixed token rows (4 x 12), straight from BertForMaskedLM. */
async function rowVectors(dir: string, backend: CpuBackend, options: LoadOptions): Promise<SparseVector[]> {
  const folder = await loadModelFolderFromDisk(dir);
  const model = await BertForMaskedLM.load(requireBertConfig(folder.config), folder.weights, backend, options);
  const [batch, seq] = [4, 12];
  const ids = Int32Array.from({ length: batch * seq }, (_, i) => (i % seq === 0 ? 2 : i % seq === seq - 1 ? 3 : 10 + ((i * 7919) % (VOCAB - 10))));
  const { splade } = await model.forward({ batch, seq, inputIds: ids, attentionMask: new Uint8Array(batch * seq).fill(1), tokenTypeIds: new Int32Array(batch * seq) }, { splade: true });
  backend.dispose();
  return Array.from({ length: batch }, (_, b) => {
    const row = splade!.data.subarray(b * VOCAB, (b + 1) * VOCAB);
    const indices = Uint32Array.from([...row.keys()].filter((j) => row[j] > 0));
    return { indices, values: Float32Array.from(indices, (j) => row[j]) } as SparseVector;
  });
}

for (const [label, dir] of models.slice(1)) {
  dtype(`${label}: splitting off outlier columns (and float columns of the weights) keeps int8 closer to f32 than one absmax scale per token`, async () => {
    const f32 = await rowVectors(dir, wasmBackend(), {});
    const split = await rowVectors(dir, wasmBackend(true), { dtype: 'int8' });
    const plain = await rowVectors(dir, wasmBackend(false), { dtype: 'int8', int8FloatColumns: false });
    f32.forEach((v, i) => {
      const a = 1 - cosine(split[i], v);
      const b = 1 - cosine(plain[i], v);
      assert.ok(a < b / 2, `row ${i}: 1 - cosine ${a} with outlier and float columns, ${b} with one scale a token`);
    });
  });
}

dtype('a bad dtype is an error naming the choices', async () => {
  try {
    await SpladeEncoder.fromPretrained(models[0][1], { dtype: 'int4' as never });
    assert.unreachable('no error');
  } catch (error) {
    assert.match((error as Error).message, /dtype must be one of f32, f16, int8, got "int4"/);
  }
});

dtype.run();
