// npm run bench:fidelity: how far f16 and int8 weights move the SPLADE vectors from f32, on
// generated bert-base-size models with plain random weights and with planted outlier features
// (tools/generate-model.ts --outliers: as first generated, which swamp the model so that every
// text gets nearly the same vector, and --readable-outliers, which keep texts apart: the
// ordinary features' quantization then shows). For a small generated set (8 queries x 12 tokens and
// 32 documents x 128 tokens) it reports, per dtype:
//   - the cosine of every vector to its f32 vector (min and median),
//   - the overlap of the 20 heaviest terms with f32's (mean and min, out of 20),
//   - the dot-product ranking of the documents for each query: Kendall's tau to f32's ranking
//     (mean and min) and how many queries keep f32's top document.
// "int8 without float columns" quantizes the weights' columns that read a LayerNorm's outlier
// dimensions with the rest (Int8Weight.floatColumns off); "int8, one scale a token" has neither
// those nor the activations' outlier columns (plain per-token absmax).
//
//   npm run bench:fidelity -- [--threads 2] [--outliers 4] [--docs 32] [--doc-tokens 128]
import { requireBertConfig } from '../src/io/model-config.js';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeRandomBertFolder } from '../tools/generate-model.js';
import { BertForMaskedLM } from '../src/models/bert/bert-for-masked-lm.js';
import { createBackend } from '../src/node/backend.js';
import { loadModelFolderFromDisk } from '../src/node/model-folder.js';
import { startNodeWorkers } from '../src/node/worker-threads.js';
import { disposeBackend, type Backend } from '../src/tensor/backend.js';
import type { WeightDType } from '../src/tensor/compact-weight.js';
import { CpuBackend } from '../src/tensor/cpu/cpu-backend.js';
import { WasmCompactGemm } from '../src/tensor/gemm/wasm-compact-gemm.js';
import { WasmGemm } from '../src/tensor/gemm/wasm-gemm.js';
import { idsOfLength, median } from './common.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    outliers: { type: 'string', default: '4' },
    docs: { type: 'string', default: '32' },
    'doc-tokens': { type: 'string', default: '128' },
  },
});
const threads = Number(values.threads);
const docs = Number(values.docs);
const docTokens = Number(values['doc-tokens']);

/** The generated model: plain (0 outliers), or with outliers, swamping (the first generator's) or readable. */
async function modelDir(outliers: number, readable = false): Promise<string> {
  const dir = join(tmpdir(), 'splade-ts-bench', outliers ? `base-outliers-${outliers}${readable ? '-readable' : ''}` : 'base');
  if (!existsSync(join(dir, 'model.safetensors'))) {
    console.error(`generating ${dir} ...`);
    await writeRandomBertFolder(dir, { seed: 1, ...(outliers ? { outliers, readableOutliers: readable } : {}) });
  }
  return dir;
}

/** Token ids of `count` sequences of `seq` tokens, different for each `salt`. */
function batchIds(count: number, seq: number, vocab: number, salt: number): Int32Array {
  const out = new Int32Array(count * seq);
  for (let i = 0; i < count; i++) out.set(idsOfLength(seq, vocab).map((id, t) => (t === 0 || t === seq - 1 ? id : 1000 + ((id * 31 + i * 977 + salt) % (vocab - 1000)))), i * seq);
  return out;
}

async function vectors(dir: string, dtype: WeightDType, backend: Backend, floatColumns = true): Promise<{ queries: Float32Array[]; docs: Float32Array[] }> {
  const folder = await loadModelFolderFromDisk(dir);
  const model = await BertForMaskedLM.load(requireBertConfig(folder.config), folder.weights, backend, { dtype, int8FloatColumns: floatColumns });
  const vocab = requireBertConfig(folder.config).vocab_size;
  const run = async (count: number, seq: number, salt: number, batch: number): Promise<Float32Array[]> => {
    const ids = batchIds(count, seq, vocab, salt);
    const out: Float32Array[] = [];
    for (let b0 = 0; b0 < count; b0 += batch) {
      const n = Math.min(batch, count - b0);
      const slice = ids.subarray(b0 * seq, (b0 + n) * seq);
      const { splade } = await model.forward({ batch: n, seq, inputIds: slice, attentionMask: new Uint8Array(slice.length).fill(1), tokenTypeIds: new Int32Array(slice.length) }, { splade: true });
      for (let i = 0; i < n; i++) out.push(splade!.data.slice(i * vocab, (i + 1) * vocab));
    }
    return out;
  };
  const result = { queries: await run(8, 12, 1, 8), docs: await run(docs, docTokens, 2, 8) };
  disposeBackend(backend);
  return result;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function topTerms(v: Float32Array, k: number): Set<number> {
  return new Set([...v.keys()].sort((x, y) => v[y] - v[x]).slice(0, k).filter((i) => v[i] > 0));
}

function kendallTau(a: number[], b: number[]): number {
  let concordant = 0, discordant = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const s = Math.sign(a[i] - a[j]) * Math.sign(b[i] - b[j]);
      if (s > 0) concordant++;
      else if (s < 0) discordant++;
    }
  }
  return (concordant - discordant) / ((a.length * (a.length - 1)) / 2);
}

function compare(base: { queries: Float32Array[]; docs: Float32Array[] }, other: typeof base): string {
  const all = [...base.queries, ...base.docs];
  const mine = [...other.queries, ...other.docs];
  const cosines = all.map((v, i) => dot(v, mine[i]) / Math.sqrt(dot(v, v) * dot(mine[i], mine[i])));
  const overlaps = all.map((v, i) => {
    const t = topTerms(mine[i], 20);
    return [...topTerms(v, 20)].filter((x) => t.has(x)).length;
  });
  const taus: number[] = [];
  let sameTop = 0;
  base.queries.forEach((q, i) => {
    const a = base.docs.map((d) => dot(q, d));
    const b = other.docs.map((d) => dot(other.queries[i], d));
    taus.push(kendallTau(a, b));
    if (a.indexOf(Math.max(...a)) === b.indexOf(Math.max(...b))) sameTop++;
  });
  return `${Math.min(...cosines).toFixed(5)} | ${median(cosines).toFixed(5)} | ${(overlaps.reduce((s, x) => s + x, 0) / overlaps.length).toFixed(1)} / ${Math.min(...overlaps)} | ${(taus.reduce((s, x) => s + x, 0) / taus.length).toFixed(3)} / ${Math.min(...taus).toFixed(3)} | ${sameTop} of ${taus.length}`;
}

function plainInt8Backend(): Backend {
  const engine = WasmGemm.create({ shared: true })!;
  if (threads > 1) engine.attachRunner(startNodeWorkers(engine.kernel, threads));
  return new CpuBackend(engine, { compact: new WasmCompactGemm(engine, { outliers: false }) });
}

async function main(): Promise<void> {
  console.log(`${new Date().toISOString()}, ${threads} threads; 8 queries x 12 tokens, ${docs} documents x ${docTokens} tokens`);
  console.log('\n| model | dtype | cosine to f32: min | median | top-20 overlap: mean / min | Kendall tau of doc ranking: mean / min | same top doc |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  const count = Number(values.outliers);
  const models: Array<[string, () => Promise<string>]> = [
    ['bert-base, plain random', () => modelDir(0)],
    [`bert-base, ${count} outlier features (every text ~ the same vector)`, () => modelDir(count)],
    [`bert-base, ${count} readable outlier features`, () => modelDir(count, true)],
  ];
  for (const [label, makeDir] of models) {
    const dir = await makeDir();
    const base = await vectors(dir, 'f32', await createBackend({ threads }));
    const rows: Array<[string, () => Promise<typeof base>]> = [
      ['f16', async () => vectors(dir, 'f16', await createBackend({ threads }))],
      ['int8', async () => vectors(dir, 'int8', await createBackend({ threads }))],
      ['int8 without float columns', async () => vectors(dir, 'int8', await createBackend({ threads }), false)],
      ['int8, one scale a token', () => vectors(dir, 'int8', plainInt8Backend(), false)],
    ];
    for (const [name, make] of rows) console.log(`| ${label} | ${name} | ${compare(base, await make())} |`);
  }
}

await main();
