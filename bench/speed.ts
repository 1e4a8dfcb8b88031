// npm run bench: the three workloads of issue 6 (Q, D, L) on a generated bert-base-size model,
// through splade-ts and, when installed, onnxruntime-node and onnxruntime-web on an ONNX export
// of the same weights. Each engine runs in its own child process (so one's threads, memory and
// JIT state never disturb another's, and its peak RSS is its own); the parent prints per
// workload median, min-max, tokens/s, GFLOP/s, the ratio to each other engine, and checks that
// all engines gave the same SPLADE vectors. "speed-up vs X" = median of X / median of this row.
//
// splade-f16 and splade-int8 hold the weights as float16 / int8 (the dtype column).
//
// With --interleave all engines are loaded at once and take their timed runs in turn (see
// bench/interleaved.ts), so that a machine whose speed drifts during the run slows them alike.
//
//   npm run bench -- [--engines splade,splade-f16,splade-int8,splade-1,ort-node,ort-web-1,ort-web] [--workloads Q,D,L]
//                    [--threads 2] [--runs 5] [--min-seconds 1] [--warmup 3] [--model DIR] [--profile] [--interleave]
//
// Each engine takes at least --runs timed runs of a workload and at least --min-seconds of them
// in all (bench/measure.ts enoughRuns): a query of tens of milliseconds gets tens of runs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseBertConfigText } from '../src/models/bert/config.js';
import { relaxedSimdSupported } from '../src/tensor/wasm/kernel-module.js';
import { profiled, type OpProfile } from './profiled-backend.js';
import { onnxPathOf, ortNode, ortWeb, spladeTs, type Engine } from './engines.js';
import { runInterleaved, serve } from './interleaved.js';
import { enoughRuns, timedRun, warmUp, type Measured } from './measure.js';
import { WORKLOADS, workloadFlops, type Workload } from './workloads.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');

const { values } = parseArgs({
  options: {
    engines: { type: 'string', default: 'splade,splade-f16,splade-int8,splade-1,ort-node,ort-web-1,ort-web' },
    workloads: { type: 'string', default: 'Q,D,L' },
    threads: { type: 'string', default: '2' },
    runs: { type: 'string', default: '5' },
    'min-seconds': { type: 'string', default: '1' },
    warmup: { type: 'string', default: '3' },
    model: { type: 'string', default: join(tmpdir(), 'splade-ts-bench', 'base') },
    profile: { type: 'boolean', default: false },
    interleave: { type: 'boolean', default: false },
    serve: { type: 'boolean', default: false },
    child: { type: 'string' },
    report: { type: 'string' },
    out: { type: 'string' },
  },
});
const threads = Number(values.threads);
const runs = Number(values.runs);
const minSeconds = Number(values['min-seconds']);
if (!(Number.isInteger(runs) && runs >= 1)) throw new Error(`bench: --runs must be a whole number >= 1, not ${values.runs}`);
if (!(minSeconds >= 0)) throw new Error(`bench: --min-seconds must be a number >= 0, not ${values['min-seconds']}`);
const warmupSeconds = Number(values.warmup);
const modelDir = values.model;
const workloads = WORKLOADS.filter((w) => values.workloads.split(',').includes(w.name));

async function makeEngine(key: string, wrap?: Parameters<typeof spladeTs>[3]): Promise<Engine | undefined> {
  const onnx = onnxPathOf(modelDir);
  switch (key) {
    case 'splade': return spladeTs(modelDir, undefined, threads, wrap);
    case 'splade-1': return spladeTs(modelDir, undefined, 1, wrap);
    case 'splade-f16': return spladeTs(modelDir, undefined, threads, wrap, 'f16');
    case 'splade-int8': return spladeTs(modelDir, undefined, threads, wrap, 'int8');
    case 'splade-int8-1': return spladeTs(modelDir, undefined, 1, wrap, 'int8');
    case 'splade-ts': return spladeTs(modelDir, 'typescript', 1, wrap);
    case 'ort-node': return ortNode(onnx, threads);
    case 'ort-web': return ortWeb(onnx, threads);
    case 'ort-web-1': return ortWeb(onnx, 1);
    default: throw new Error(`unknown engine ${key}`);
  }
}

/**
 * Child process: one engine. Run one after another, it takes every workload and writes the
 * results as JSON in --out (vectors next to it); with --serve it answers the interleaving
 * parent's requests instead (bench/interleaved.ts).
 */
async function child(key: string, out: string): Promise<void> {
  const start = performance.now();
  let prof: OpProfile | undefined;
  const engine = await makeEngine(key, values.profile ? (b) => (prof = profiled(b)).backend : undefined);
  const loadMs = performance.now() - start;
  if (values.serve) return serve(engine, out, loadMs, workloads);
  if (!engine) {
    writeFileSync(out, JSON.stringify({ missing: true }));
    return;
  }
  const results: Measured[] = [];
  for (const w of workloads) {
    writeFileSync(`${out}.${w.name}.f32`, await warmUp(engine, w, warmupSeconds));
    prof?.totals.clear();
    const times: number[] = [];
    const cpuTimes: number[] = [];
    while (!enoughRuns(times, runs, minSeconds)) {
      const { ms, cpuMs } = await timedRun(engine, w);
      times.push(ms);
      cpuTimes.push(cpuMs);
    }
    console.log(`  ${key} ${w.name}: median ${formatMs(median(times))} of ${times.length} runs`);
    results.push({
      engine: key, label: engine.label, dtype: engine.dtype ?? 'f32', workload: w.name, times, cpuTimes, loadMs,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      ...(prof ? { profile: Object.fromEntries([...prof.totals].map(([k, v]) => [k, v.map((x) => x / times.length) as [number, number, number]])) } : {}),
    });
  }
  await engine.dispose();
  writeFileSync(out, JSON.stringify(results));
}

function ensureModel(): void {
  if (!existsSync(join(modelDir, 'model.safetensors'))) {
    console.log(`generating a bert-base-size model in ${modelDir} ...`);
    execFileSync(process.execPath, ['--import', 'tsx', join(root, 'tools/generate-model.ts'), '--out', modelDir, '--preset', 'base', '--seed', '1'], { stdio: 'inherit' });
  }
  if (!existsSync(onnxPathOf(modelDir))) {
    console.log('exporting it to ONNX with the PyTorch reference ...');
    try {
      execFileSync('/usr/bin/python3', [join(here, 'export-onnx.py'), modelDir, onnxPathOf(modelDir)], { stdio: 'inherit' });
    } catch {
      console.log('(no ONNX export: PyTorch missing? the onnxruntime engines are skipped)');
    }
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

function compareVectors(a: Float32Array, b: Float32Array): { maxAbs: number; sameActive: boolean } {
  let maxAbs = 0;
  let sameActive = true;
  for (let i = 0; i < a.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
    // Terms clearly active in one and clearly inactive in the other.
    if ((a[i] > 1e-2 && b[i] === 0) || (b[i] > 1e-2 && a[i] === 0)) sameActive = false;
  }
  return { maxAbs, sameActive };
}

async function parent(): Promise<void> {
  if (values.interleave && values.profile) throw new Error('bench: --profile runs the engines one after another; leave out --interleave');
  ensureModel();
  const config = parseBertConfigText(readFileSync(join(modelDir, 'config.json'), 'utf8'), 'config.json');
  const dir = join(tmpdir(), 'splade-ts-bench', `run-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const keys = values.engines.split(',');
  const outOf = (key: string): string => join(dir, `${key}.json`);
  const childArgs = (key: string): string[] => {
    const args = ['--child', key, '--out', outOf(key), '--workloads', values.workloads, '--threads', values.threads,
      '--runs', values.runs, '--min-seconds', values['min-seconds'], '--warmup', values.warmup, '--model', modelDir];
    return [...args, ...(values.profile ? ['--profile'] : []), ...(values.interleave ? ['--serve'] : [])];
  };
  const script = fileURLToPath(import.meta.url);
  const all = values.interleave
    ? await runInterleaved({ keys, workloads, runs, minSeconds, warmupSeconds, script, childArgs })
    : runOneAfterAnother(keys, script, childArgs, outOf);
  // Interleaved children write only their vectors: the results go where --report reads them.
  if (values.interleave) for (const key of keys) writeFileSync(outOf(key), JSON.stringify(all.filter((m) => m.engine === key)));
  const date = new Date().toISOString();
  const order = values.interleave ? 'engines interleaved run by run' : 'engines one after another';
  console.log(`\n${date}, Node ${process.version} (relaxed SIMD: ${relaxedSimdSupported() ? 'yes' : 'no'}), ${threads} threads where an engine is threaded, at least ${runs} runs and ${minSeconds} s of timed runs an engine after >= ${warmupSeconds} s warm-up, ${order}`);
  for (const w of workloads) printWorkload(w, all.filter((m) => m.workload === w.name), config, dir);
}

/** Each engine's child in turn, all workloads each (the default). */
function runOneAfterAnother(keys: readonly string[], script: string, childArgs: (key: string) => string[], outOf: (key: string) => string): Measured[] {
  const all: Measured[] = [];
  for (const key of keys) {
    console.log(`running ${key} ...`);
    execFileSync(process.execPath, ['--import', 'tsx', script, ...childArgs(key)], { stdio: 'inherit', env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' } });
    const parsed: unknown = JSON.parse(readFileSync(outOf(key), 'utf8'));
    if (!Array.isArray(parsed)) {
      console.log(`  ${key}: not installed, skipped`);
      continue;
    }
    all.push(...(parsed as Measured[]));
  }
  return all;
}

/**
 * What the last column says when the active terms differ from the reference row's: an alarm for
 * float32 engines (they should agree), a pointer for compact weights, whose rounding moves
 * terms near zero and whose fidelity `npm run bench:fidelity` measures.
 */
function activeNote(sameActive: boolean, dtype: string | undefined): string {
  if (sameActive) return '';
  return (dtype ?? 'f32') === 'f32' ? ' ACTIVE TERMS DIFFER' : ` active terms differ (${dtype} rounding; fidelity: npm run bench:fidelity)`;
}

function printWorkload(w: Workload, rows: Measured[], config: ReturnType<typeof parseBertConfigText>, dir: string): void {
  const gflop = workloadFlops(w, config) / 1e9;
  const tokens = w.calls * w.batch * w.seq;
  // Vectors are compared with the first float32 row's (else the first row's): a float32 engine
  // compared with an int8 one would raise the float32 alarm for int8's rounding.
  const reference = rows.find((r) => (r.dtype ?? 'f32') === 'f32') ?? rows[0];
  console.log(`\n${w.name}: ${w.description} (${gflop.toFixed(1)} GFLOP)`);
  console.log('| engine | dtype | median | min-max | runs | tokens/s | GFLOP/s | ' + rows.map((r) => `speed-up vs ${r.engine}`).join(' | ') + ` | CPU time (median) | load | peak RSS | max abs diff vs ${reference?.engine ?? '-'} |`);
  console.log('|' + ' --- |'.repeat(11 + rows.length));
  const first = reference ? new Float32Array(readFileSync(join(dir, `${reference.engine}.json.${w.name}.f32`)).buffer.slice(0)) : undefined;
  for (const r of rows) {
    const med = median(r.times);
    const ratios = rows.map((o) => `${(median(o.times) / med).toFixed(2)}x`);
    const vector = new Float32Array(readFileSync(join(dir, `${r.engine}.json.${w.name}.f32`)).buffer.slice(0));
    const { maxAbs, sameActive } = first ? compareVectors(vector, first) : { maxAbs: 0, sameActive: true };
    console.log(`| ${r.label} | ${r.dtype ?? 'f32'} | ${formatMs(med)} | ${formatMs(Math.min(...r.times))} - ${formatMs(Math.max(...r.times))} | ${r.times.length} | ${(tokens / (med / 1000)).toFixed(0)} | ${(gflop / (med / 1000)).toFixed(1)} | ${ratios.join(' | ')} | ${r.cpuTimes ? formatMs(median(r.cpuTimes)) : '-'} | ${formatMs(r.loadMs)} | ${r.peakRssMb.toFixed(0)} MB | ${maxAbs.toExponential(1)}${activeNote(sameActive, r.dtype)} |`);
    if (r.profile) {
      const total = Object.values(r.profile).reduce((s, [, ms]) => s + ms, 0);
      console.log(`|   per-op (wall ms / CPU ms per run): ${Object.entries(r.profile).map(([op, [, ms, cpu]]) => `${op} ${ms.toFixed(0)}/${cpu.toFixed(0)} (${((100 * ms) / total).toFixed(0)}%)`).join(', ')} |`);
    }
  }
}

/** Prints the tables again from a finished run's folder (--report DIR). */
function report(dir: string): void {
  const config = parseBertConfigText(readFileSync(join(modelDir, 'config.json'), 'utf8'), 'config.json');
  const all: Measured[] = [];
  for (const key of values.engines.split(',')) {
    const file = join(dir, `${key}.json`);
    if (!existsSync(file)) continue;
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (Array.isArray(parsed)) all.push(...(parsed as Measured[]));
  }
  for (const w of workloads) printWorkload(w, all.filter((m) => m.workload === w.name), config, dir);
}

if (values.child) await child(values.child, values.out!);
else if (values.report) report(values.report);
else await parent();
