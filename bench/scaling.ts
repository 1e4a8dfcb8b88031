// npm run bench:scaling: workload D (32 docs x 128 tokens, batches of 8; or --workload Q|L) on
// the wasm-simd CPU backend at 1, 2, 4, ... threads up to the core count, with speed-up,
// parallel efficiency and the serial fraction measured from a profile.
//
//   npm run bench:scaling -- [--runs 1] [--threads 1,2] [--workload D|Q|L] [--dtype f32|f16|int8]
//                            [--repeat N] [--model-size base|small] [--model DIR]
//
// A run is `--repeat` passes over the workload (default 1; 50 for Q, whose one pass is tens of
// milliseconds), after a warm-up of at least one call (a batch) and 2 s; times are per pass.
//
// How the serial fraction is measured: the engine's JobRunner (the only way work reaches the
// worker threads) is wrapped to time every parallel region (`run(jobs, ...)`, from handing the
// jobs out to the last worker's answer). Everything outside those regions is time in which only
// the calling thread works: packing, copies, the ops that run on it alone, and the multiplies
// too small to split. serial time / T(1 thread) is Amdahl's serial fraction f, and
// 1 / (f + (1 - f) / 16) the bound it puts on 16 threads. Karp-Flatt's experimentally
// determined serial fraction, (1/S - 1/N) / (1 - 1/N), is printed too (it also counts
// hand-off and imbalance losses). Per op, the serial milliseconds show where that time is. The
// last column is the time the calling thread, in a region, runs no job of its own (the queue
// is empty and a worker is finishing its last piece): imbalance and hand-off latency, the part
// of Karp-Flatt's e that is not serial.
import { requireBertConfig } from '../src/io/model-config.js';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BertForMaskedLM } from '../src/models/bert/bert-for-masked-lm.js';
import { loadModelFolderFromDisk } from '../src/node/model-folder.js';
import { startNodeWorkers } from '../src/node/worker-threads.js';
import type { Backend } from '../src/tensor/backend.js';
import { CpuBackend } from '../src/tensor/cpu/cpu-backend.js';
import { parseWeightDType } from '../src/tensor/compact-weight.js';
import { WasmGemm, type JobRunner } from '../src/tensor/gemm/wasm-gemm.js';
import { writeRandomBertFolder } from '../tools/generate-model.js';
import { benchModelDir, median } from './common.js';
import { profiled } from './profiled-backend.js';
import { WORKLOADS, workloadFlops, workloadIds } from './workloads.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1' },
    threads: { type: 'string' },
    'model-size': { type: 'string', default: 'base' },
    workload: { type: 'string', default: 'D' },
    dtype: { type: 'string', default: 'f32' },
    repeat: { type: 'string' },
    model: { type: 'string' },
  },
});
const cores = availableParallelism();
const threadCounts = values.threads
  ? values.threads.split(',').map(Number)
  : [...new Set([...Array.from({ length: Math.floor(Math.log2(cores)) + 1 }, (_, i) => 2 ** i), cores])].sort((a, b) => a - b);
const runs = Number(values.runs);

/** bert-base size (default), or 'small': 4 layers, the real vocabulary (the pooling's share grows). */
async function modelDir(): Promise<string> {
  if (values.model || values['model-size'] === 'base') return benchModelDir(values.model);
  if (values['model-size'] !== 'small') throw new Error(`--model-size: base or small, not ${values['model-size']}`);
  const dir = join(tmpdir(), 'splade-bench', 'bert-small4');
  if (!existsSync(join(dir, 'model.safetensors'))) await writeRandomBertFolder(dir, { seed: 1, layers: 4 });
  return dir;
}

/**
 * A runner that adds up the wall time of its parallel regions, and of the jobs the calling
 * thread takes from the queue in them: the difference is time the calling thread spends on no
 * job of its own, mostly waiting at a region's end for a worker's last piece (it took longer,
 * or started later), plus taking jobs from the queue.
 */
class TimedRunner implements JobRunner {
  parallelMs = 0;
  localMs = 0;
  constructor(private readonly inner: JobRunner) {}
  get threads(): number { return this.inner.threads; }
  run(jobs: readonly number[], local: (job: number) => void): void {
    const start = performance.now();
    this.inner.run(jobs, (job) => {
      const own = performance.now();
      local(job);
      this.localMs += performance.now() - own;
    });
    this.parallelMs += performance.now() - start;
  }
  dispose(): void { this.inner.dispose(); }
}

const workload = WORKLOADS.find((w) => w.name === values.workload);
if (!workload) throw new Error(`--workload: one of ${WORKLOADS.map((w) => w.name).join(', ')}, not ${values.workload}`);
const dtype = parseWeightDType(values.dtype, '--dtype');
const repeat = Number(values.repeat ?? (workload.name === 'Q' ? 50 : 1));
if (!(Number.isInteger(repeat) && repeat >= 1)) throw new Error(`--repeat: a whole number >= 1, not ${values.repeat}`);
const WARM_UP_MS = 2000;

/** Seconds for the tables: two decimals, or three significant digits below 1 s (a query's). */
function seconds(x: number): string {
  return x >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

/** A duration with its unit: s from 0.1 s on (as D's tables always had), else ms. */
function duration(x: number): string {
  return x >= 0.1 ? `${x.toFixed(2)} s` : `${(x * 1000).toPrecision(2)} ms`;
}
const folder = await loadModelFolderFromDisk(await modelDir());
const config = requireBertConfig(folder.config);
const flops = workloadFlops(workload, config);

interface Row { threads: number; seconds: number; serialMs: number; waitingMs: number; perOp: Map<string, number> }
const rows: Row[] = [];
for (const threads of threadCounts) {
  const engine = WasmGemm.create({ shared: threads > 1 })!;
  const runner = threads > 1 ? new TimedRunner(startNodeWorkers(engine.kernel, threads)) : undefined;
  if (runner) engine.attachRunner(runner);
  const inner: Backend = new CpuBackend(engine);
  // Serial ms per op: the op's wall time less the parallel regions inside it.
  const perOp = new Map<string, number>();
  const profile = profiled(inner);
  const backend = new Proxy(profile.backend, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function' || key === 'prepareLinear') return value;
      return (...args: unknown[]) => {
        const before = runner?.parallelMs ?? 0;
        const start = performance.now();
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        const serial = performance.now() - start - ((runner?.parallelMs ?? 0) - before);
        perOp.set(String(key), (perOp.get(String(key)) ?? 0) + serial);
        return result;
      };
    },
  });
  const model = await BertForMaskedLM.load(config, folder.weights, backend, { dtype });
  const forward = async (call: number): Promise<void> => {
    const { batch, seq } = workload;
    await model.forward({
      batch, seq, inputIds: workloadIds(workload, call),
      attentionMask: new Uint8Array(batch * seq).fill(1), tokenTypeIds: new Int32Array(batch * seq),
    }, { splade: true });
  };
  const pass = async (): Promise<void> => { for (let call = 0; call < workload.calls; call++) await forward(call); };
  // Warm-up: calls (batches) in turn until WARM_UP_MS, at least one.
  const warmUp = performance.now();
  let warmCalls = 0;
  do await forward(warmCalls++ % workload.calls); while (performance.now() - warmUp < WARM_UP_MS);
  const times: number[] = [];
  let serialMs = 0;
  let waitingMs = 0;
  for (let run = 0; run < runs; run++) {
    perOp.clear();
    const parallelBefore = runner?.parallelMs ?? 0;
    const localBefore = runner?.localMs ?? 0;
    const start = performance.now();
    for (let r = 0; r < repeat; r++) await pass();
    const ms = (performance.now() - start) / repeat;
    times.push(ms / 1000);
    serialMs = ms - ((runner?.parallelMs ?? 0) - parallelBefore) / repeat;
    waitingMs = ((runner?.parallelMs ?? 0) - parallelBefore - ((runner?.localMs ?? 0) - localBefore)) / repeat;
    for (const [op, opMs] of perOp) perOp.set(op, opMs / repeat);
  }
  rows.push({ threads, seconds: median(times), serialMs: runner ? serialMs : NaN, waitingMs: runner ? waitingMs : NaN, perOp: new Map(perOp) });
  console.error(`${threads} thread(s): ${times.map(seconds).join(', ')} s`);
  inner.dispose?.();
}

const t1 = rows.find((r) => r.threads === 1)?.seconds;
console.log(`workload ${workload.name} (${workload.description}), ${dtype}, ${config.num_hidden_layers} layers, hidden ${config.hidden_size}, vocab ${config.vocab_size}; median of ${runs} run(s) of ${repeat} pass(es) after >= ${WARM_UP_MS / 1000} s of warm-up calls; times per pass`);
console.log(`machine: ${cores} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${new Date().toISOString()}`);
console.log('| threads | s | GFLOP/s | speed-up | efficiency | serial s (profile) | serial fraction f | Amdahl bound, 16 threads | Karp-Flatt e | calling thread waiting s |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const speedup = t1 ? t1 / r.seconds : NaN;
  const f = t1 && Number.isFinite(r.serialMs) ? r.serialMs / 1000 / t1 : NaN;
  const karpFlatt = r.threads > 1 ? (1 / speedup - 1 / r.threads) / (1 - 1 / r.threads) : NaN;
  const cell = (x: number, digits: number, suffix = ''): string => (Number.isFinite(x) ? x.toFixed(digits) + suffix : '-');
  console.log(`| ${r.threads} | ${seconds(r.seconds)} | ${(flops / r.seconds / 1e9).toFixed(1)} | ${cell(speedup, 2, 'x')} | ${cell(speedup / r.threads * 100, 0, '%')} | ${Number.isFinite(r.serialMs) ? seconds(r.serialMs / 1000) : '-'} | ${cell(f * 100, 1, '%')} | ${cell(1 / (f + (1 - f) / 16), 1, 'x')} | ${cell(karpFlatt * 100, 1, '%')} | ${Number.isFinite(r.waitingMs) ? seconds(r.waitingMs / 1000) : '-'} |`);
}
for (const r of rows.filter((x) => x.perOp.size > 0 && x.threads > 1)) {
  const ops = [...r.perOp].sort((a, b) => b[1] - a[1]).map(([op, ms]) => `${op} ${duration(ms / 1000)}`);
  console.log(`serial time by op at ${r.threads} threads: ${ops.join(', ')}`);
}
