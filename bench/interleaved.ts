// `npm run bench -- --interleave`: every engine in its own child process as before, but all of
// them loaded at once and their timed runs taken in turn (one run of each engine, then the
// next round, the order rotating), so that a machine whose speed drifts during the half hour
// a full run takes slows every engine alike. Run one after another, the first engine's runs
// and the last one's can lie 20 minutes apart on a shared machine, and their ratio measures
// the machine as much as the engines.
//
// Between two engines' runs the parent waits PAUSE_MS, so that the threads the previous engine
// leaves spinning have gone to sleep; a run shorter than a second is preceded by one untimed
// run, since another engine ran in between (its threads woke from sleep, its caches are cold).
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Engine } from './engines.js';
import { enoughRuns, runOnce, timedRun, warmUp, type Measured } from './measure.js';
import type { Workload } from './workloads.js';

const PAUSE_MS = 50;
/** Runs shorter than this get an untimed run first. */
const REWARM_BELOW_MS = 1000;

type Request =
  | { readonly kind: 'warm'; readonly workload: string; readonly seconds: number }
  | { readonly kind: 'run'; readonly workload: string }
  | { readonly kind: 'stop' };
type Reply =
  | { readonly kind: 'ready'; readonly label: string; readonly dtype: string; readonly loadMs: number }
  | { readonly kind: 'missing' }
  | { readonly kind: 'warmed' }
  | { readonly kind: 'ran'; readonly ms: number; readonly cpuMs: number; readonly peakRssMb: number };

/** Child side: answers the parent's requests for `engine` (undefined: not installed) until told to stop. */
export async function serve(engine: Engine | undefined, out: string, loadMs: number, workloads: readonly Workload[]): Promise<void> {
  const send = (reply: Reply): void => { process.send!(reply); };
  if (!engine) {
    send({ kind: 'missing' });
    // The parent asks nothing more of a missing engine; an open channel would keep both alive.
    process.disconnect();
    return;
  }
  const lastMs = new Map<string, number>();
  const workload = (name: string): Workload => workloads.find((w) => w.name === name)!;
  const handle = async (request: Request): Promise<boolean> => {
    if (request.kind === 'stop') return false;
    const w = workload(request.workload);
    if (request.kind === 'warm') {
      writeFileSync(`${out}.${w.name}.f32`, await warmUp(engine, w, request.seconds));
      send({ kind: 'warmed' });
      return true;
    }
    if ((lastMs.get(w.name) ?? 0) < REWARM_BELOW_MS) await runOnce(engine, w);
    const { ms, cpuMs } = await timedRun(engine, w);
    lastMs.set(w.name, ms);
    send({ kind: 'ran', ms, cpuMs, peakRssMb: process.resourceUsage().maxRSS / 1024 });
    return true;
  };
  send({ kind: 'ready', label: engine.label, dtype: engine.dtype ?? 'f32', loadMs });
  // One request at a time: the parent waits for each reply before it sends the next.
  await new Promise<void>((resolve, reject) => {
    process.on('message', (message: Request) => {
      handle(message).then((more) => { if (!more) resolve(); }, reject);
    });
  });
  await engine.dispose();
  process.disconnect();
}

/** A started child and its next reply. */
class Child {
  constructor(readonly key: string, private readonly process: ChildProcess) {}

  next(): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`bench: engine ${this.key} exited (${code}) before answering`));
      this.process.once('exit', onExit);
      this.process.once('message', (reply: Reply) => {
        this.process.off('exit', onExit);
        resolve(reply);
      });
    });
  }

  ask(request: Request): Promise<Reply> {
    const reply = this.next();
    this.process.send(request);
    return reply;
  }

  stop(): void {
    this.process.send({ kind: 'stop' } satisfies Request);
  }
}

/**
 * Parent side: starts every engine's child (one after another, so that their load times are
 * their own), warms each up per workload, then takes rounds of one timed run each until every
 * engine has enough (enoughRuns: at least `runs`, and `minSeconds` of timed runs): all engines
 * get the same rounds.
 */
export async function runInterleaved(args: {
  keys: readonly string[]; workloads: readonly Workload[]; runs: number; minSeconds: number; warmupSeconds: number;
  script: string; childArgs: (key: string) => string[];
}): Promise<Measured[]> {
  const children: Array<{ child: Child; ready: Extract<Reply, { kind: 'ready' }> }> = [];
  for (const key of args.keys) {
    console.log(`starting ${key} ...`);
    const child = new Child(key, fork(args.script, args.childArgs(key), { execArgv: ['--import', 'tsx'], env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' } }));
    const ready = await child.next();
    if (ready.kind === 'ready') children.push({ child, ready });
    else console.log(`  ${key}: not installed, skipped`);
  }
  const all: Measured[] = [];
  for (const w of args.workloads) {
    for (const { child } of children) await child.ask({ kind: 'warm', workload: w.name, seconds: args.warmupSeconds });
    const runs = children.map(() => ({ times: [] as number[], cpuTimes: [] as number[], peakRssMb: 0 }));
    for (let round = 0; !runs.every((r) => enoughRuns(r.times, args.runs, args.minSeconds)); round++) {
      for (let i = 0; i < children.length; i++) {
        const at = (i + round) % children.length;
        await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
        const reply = await children[at].child.ask({ kind: 'run', workload: w.name });
        if (reply.kind !== 'ran') throw new Error(`bench: engine ${children[at].child.key} answered ${reply.kind} to a run`);
        runs[at].times.push(reply.ms);
        runs[at].cpuTimes.push(reply.cpuMs);
        runs[at].peakRssMb = reply.peakRssMb;
      }
    }
    children.forEach(({ child, ready }, i) => {
      console.log(`  ${child.key} ${w.name}: ${runs[i].times.length} runs done`);
      all.push({ engine: child.key, label: ready.label, dtype: ready.dtype, workload: w.name, loadMs: ready.loadMs, ...runs[i] });
    });
  }
  for (const { child } of children) child.stop();
  return all;
}
