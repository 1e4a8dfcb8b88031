// npm run bench:dtype: f32, f16 and int8 weights on a generated bert-base-size model, 2 threads.
//   speed:    workloads Q (1 x 12 tokens) and D (32 x 128 tokens), the three dtypes loaded in one
//             process and run in turn (f32, f16, int8, f32, ...), so that a busy machine slows
//             them alike and the ratios hold; median of --runs after at least 3 s (and one run)
//             of warm-up each, as npm run bench (V8 needs some runs to optimize a short query).
//   memory:   peak RSS of a child process per row (f32, f16 and int8 converted on load, int8
//             from a `splade quantize` folder), each running the built package (dist/, built
//             first; plain node, no TypeScript compiler in the process) as a user does:
//             SpladeEncoder.fromPretrained, then all of workload D, 4 calls of 8 docs x 128
//             tokens (bench/dtype-memory-child.mjs). Against issue 13's targets.
//   fidelity: see bench/fidelity.ts (npm run bench:fidelity).
//
//   npm run bench:dtype -- [--runs 5] [--threads 2] [--model DIR] [--skip-memory] [--skip-speed] [--no-build]
import { requireBertConfig } from '../src/io/model-config.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BertForMaskedLM } from '../src/models/bert/bert-for-masked-lm.js';
import { createBackend } from '../src/node/backend.js';
import { loadModelFolderFromDisk } from '../src/node/model-folder.js';
import { quantizeModelFolder } from '../src/node/quantize.js';
import { disposeBackend } from '../src/tensor/backend.js';
import { relaxedSimdSupported } from '../src/tensor/wasm/kernel-module.js';
import type { WeightDType } from '../src/tensor/compact-weight.js';
import { benchModelDir, median } from './common.js';
import { WORKLOADS, workloadIds, type Workload } from './workloads.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
    model: { type: 'string' },
    'skip-memory': { type: 'boolean', default: false },
    'skip-speed': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const threads = Number(values.threads);
const WARM_UP_MS = 3000;
const DTYPES: WeightDType[] = ['f32', 'f16', 'int8'];
const workloads = WORKLOADS.filter((w) => w.name === 'Q' || w.name === 'D');

async function load(dir: string, dtype: WeightDType | undefined): Promise<BertForMaskedLM> {
  const folder = await loadModelFolderFromDisk(dir);
  return BertForMaskedLM.load(requireBertConfig(folder.config), folder.weights, await createBackend({ threads }), dtype ? { dtype } : {});
}

async function runWorkload(model: BertForMaskedLM, w: Workload): Promise<number> {
  const start = performance.now();
  for (let call = 0; call < w.calls; call++) {
    const ids = workloadIds(w, call);
    await model.forward({
      batch: w.batch, seq: w.seq, inputIds: ids, attentionMask: new Uint8Array(ids.length).fill(1), tokenTypeIds: new Int32Array(ids.length),
    }, { splade: true });
  }
  return performance.now() - start;
}

async function main(): Promise<void> {
  const dir = await benchModelDir(values.model);
  const runs = Number(values.runs);
  console.log(`${new Date().toISOString()}, Node ${process.version} (relaxed SIMD: ${relaxedSimdSupported() ? 'yes' : 'no'}), ${threads} threads, model ${dir}`);
  if (!values['skip-speed']) await speed(dir, runs);
  if (!values['skip-memory']) await memory(dir);
}

async function speed(dir: string, runs: number): Promise<void> {
  const models = new Map<WeightDType, BertForMaskedLM>();
  for (const d of DTYPES) models.set(d, await load(dir, d));
  console.log('\n| workload | dtype | median | min - max | speed-up vs f32 |\n| --- | --- | --- | --- | --- |');
  for (const w of workloads) {
    const times = new Map<WeightDType, number[]>(DTYPES.map((d) => [d, []]));
    for (const d of DTYPES) {
      const start = performance.now();
      do await runWorkload(models.get(d)!, w);
      while (performance.now() - start < WARM_UP_MS);
    }
    for (let r = 0; r < runs; r++) for (const d of DTYPES) times.get(d)!.push(await runWorkload(models.get(d)!, w));
    const base = median(times.get('f32')!);
    for (const d of DTYPES) {
      const t = times.get(d)!;
      console.log(`| ${w.name} | ${d} | ${median(t).toFixed(1)} ms | ${Math.min(...t).toFixed(1)} - ${Math.max(...t).toFixed(1)} ms | ${(base / median(t)).toFixed(2)}x |`);
    }
  }
  for (const m of models.values()) disposeBackend(m.backend);
}

async function memory(dir: string): Promise<void> {
  const work = join(tmpdir(), 'splade-ts-bench');
  const quantized = join(work, `int8-of-${dir.replace(/[^a-z0-9]+/gi, '-')}`);
  if (!existsSync(join(quantized, 'model.safetensors'))) await quantizeModelFolder(dir, quantized, 'int8');
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (!values['no-build']) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  // Workload D's token ids, one row a document, for the children.
  const d = workloads.find((w) => w.name === 'D')!;
  const rows: number[][] = [];
  for (let call = 0; call < d.calls; call++) {
    const ids = workloadIds(d, call);
    for (let b = 0; b < d.batch; b++) rows.push(Array.from(ids.subarray(b * d.seq, (b + 1) * d.seq)));
  }
  mkdirSync(work, { recursive: true });
  const idsFile = join(work, 'workload-d-ids.json');
  writeFileSync(idsFile, JSON.stringify({ rows, batch: d.batch }));
  // Issue 13's targets, in MB (10^6 bytes), shown in MiB like the measurements.
  const MB = 1e6 / 2 ** 20;
  const f32Bytes = statSync(join(dir, 'model.safetensors')).size;
  const rowsToRun: Array<[label: string, dir: string, dtype: string, targetMiB: number | undefined]> = [
    ['f32', dir, 'f32', undefined],
    ['f16 (converted on load)', dir, 'f16', (f32Bytes / 2e6 + 300) * MB],
    ['int8 (quantized on load, from f32)', dir, 'int8', 300 * MB],
    ['int8 (a `splade quantize` folder)', quantized, 'stored', 250 * MB],
  ];
  console.log(`\nbuilt package, plain node ${process.version}, workload D (${d.calls} calls of ${d.batch} x ${d.seq} tokens), ${threads} threads`);
  console.log('\n| weights | peak RSS (load + D) | target (issue 13) | RSS after load | load |\n| --- | --- | --- | --- | --- |');
  const child = fileURLToPath(new URL('./dtype-memory-child.mjs', import.meta.url));
  for (const [label, modelDir, dtype, target] of rowsToRun) {
    const out = execFileSync(process.execPath, [child, modelDir, dtype, String(threads), idsFile], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { peakRssMiB: number; afterLoadMiB: number; loadMs: number };
    const verdict = target === undefined ? '—' : `≤ ${target.toFixed(0)} MiB: ${r.peakRssMiB <= target ? 'met' : 'missed'}`;
    console.log(`| ${label} | ${r.peakRssMiB.toFixed(0)} MiB | ${verdict} | ${r.afterLoadMiB.toFixed(0)} MiB | ${(r.loadMs / 1000).toFixed(1)} s |`);
  }
}

await main();
