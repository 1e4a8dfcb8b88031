// One engine's runs of one workload, shared by `npm run bench`'s two ways of running engines
// (one after another, or interleaved: bench/interleaved.ts).
import type { Engine } from './engines.js';
import { workloadIds, type Workload } from './workloads.js';

/** What `npm run bench` records of one engine on one workload. */
export interface Measured {
  readonly engine: string;
  readonly label: string;
  readonly dtype?: string;
  readonly workload: string;
  readonly times: number[];
  /** CPU time (user + system, all threads) of each run, ms. */
  readonly cpuTimes?: number[];
  readonly loadMs: number;
  readonly peakRssMb: number;
  readonly profile?: Record<string, [number, number, number]>;
}

/** One run of the workload (all its calls); returns the first sequence's SPLADE vector. */
export async function runOnce(engine: Engine, w: Workload): Promise<Float32Array> {
  let first: Float32Array | undefined;
  for (let call = 0; call < w.calls; call++) {
    const v = await engine.run(workloadIds(w, call), w.batch, w.seq);
    first ??= v.slice(0, v.length / w.batch);
  }
  return first!;
}

/** Warm-up: at least one run and at least `seconds`; returns the last run's vector. */
export async function warmUp(engine: Engine, w: Workload, seconds: number): Promise<Float32Array> {
  const start = performance.now();
  let vector = await runOnce(engine, w);
  while (performance.now() - start < seconds * 1000) vector = await runOnce(engine, w);
  return vector;
}

/** Most timed runs --min-seconds adds to a workload (--runs itself is taken as asked). */
export const MAX_RUNS = 200;

/**
 * Whether an engine has run a workload often enough: at least `runs` timed runs, and at least
 * `minSeconds` of them in all, so that a workload of tens of milliseconds gets a median of tens
 * of runs (five runs of a 25 ms query are one unlucky scheduler slice from a different median)
 * while one of seconds keeps its `runs`. The time rule stops at MAX_RUNS runs.
 */
export function enoughRuns(times: readonly number[], runs: number, minSeconds: number): boolean {
  if (times.length < runs) return false;
  return times.length >= MAX_RUNS || times.reduce((sum, ms) => sum + ms, 0) >= minSeconds * 1000;
}

/** One timed run: wall and CPU milliseconds (CPU: user + system of all the process's threads). */
export async function timedRun(engine: Engine, w: Workload): Promise<{ ms: number; cpuMs: number }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  await runOnce(engine, w);
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}
