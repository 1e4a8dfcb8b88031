// npm run bench:dtype: f32, f16 and int8 weights on a generated bert-base-size model, 2 threads.
//   speed:    workloads Q (1 x 12 tokens) and D (32 x 128 tokens), the three dtypes loaded in one
//             process and run in turn (f32, f16, int8, f32, ...), so that a busy machine slows
//             them alike and the ratios hold; median of --runs after at least 3 s (and one run)
//             of warm-up each, as npm run bench (V8 needs some runs to optimize a short query).
//   memory:   peak RSS of a child process per row: load (f32, f16, int8 quantized on load, int8
//             from a `splade quantize` folder), then one call of D (8 docs x 128 tokens: D's
//             four calls run one after another, so one call reaches D's peak).
//   fidelity: see bench/fidelity.ts (npm run bench:fidelity).
//
//   npm run bench:dtype -- [--runs 5] [--threads 2] [--model DIR] [--skip-memory] [--skip-speed]
import { requireBertConfig } from '../src/io/model-config.js';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
    child: { type: 'string' },
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

/** Child: load one way, run D once, print the peak RSS (MiB) and the load time. */
async function child(spec: string): Promise<void> {
  const [dir, dtype] = spec.split('::');
  const start = performance.now();
  const model = await load(dir, dtype === 'stored' ? undefined : (dtype as WeightDType));
  const loadMs = performance.now() - start;
  const afterLoad = process.memoryUsage().rss / 2 ** 20;
  await runWorkload(model, { ...workloads.find((w) => w.name === 'D')!, calls: 1 });
  disposeBackend(model.backend);
  console.log(JSON.stringify({ peakRssMiB: process.resourceUsage().maxRSS / 1024, afterLoadMiB: afterLoad, loadMs }));
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
  const quantized = join(tmpdir(), 'splade-ts-bench', `int8-of-${dir.replace(/[^a-z0-9]+/gi, '-')}`);
  if (!existsSync(join(quantized, 'model.safetensors'))) await quantizeModelFolder(dir, quantized, 'int8');
  console.log('\n| weights | peak RSS (load + D) | RSS after load | load |\n| --- | --- | --- | --- |');
  const rows: Array<[string, string]> = [
    ['f32', `${dir}::f32`], ['f16 (converted on load)', `${dir}::f16`],
    ['int8 (quantized on load, from f32)', `${dir}::int8`], ['int8 (a `splade quantize` folder)', `${quantized}::stored`],
  ];
  for (const [label, spec] of rows) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', spec, '--threads', String(threads)], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { peakRssMiB: number; afterLoadMiB: number; loadMs: number };
    console.log(`| ${label} | ${r.peakRssMiB.toFixed(0)} MiB | ${r.afterLoadMiB.toFixed(0)} MiB | ${(r.loadMs / 1000).toFixed(1)} s |`);
  }
}

if (values.child) await child(values.child);
else await main();
