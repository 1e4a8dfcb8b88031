// npm run bench:ab -- --base DIR: this checkout's splade-ts against another checkout's (DIR,
// with its own node_modules or a link to these), both loaded in one process and run
// alternately, so that a shared machine's drift and noise fall on both alike. Prints both
// medians and in how many of the paired runs this checkout was faster: on this project's
// noisy 2-core machine, separate runs minutes apart could not tell 5 % apart; pairs can, with
// care: two identical checkouts once came out 13 of 18 pairs one way, so read anything short
// of ~3 in 4 pairs (and medians within a few percent) as no difference.
//
//   git worktree add /tmp/base HEAD~1 && ln -s "$PWD/node_modules" /tmp/base/node_modules
//   npm run bench:ab -- --base /tmp/base [--workload Q|D|L] [--dtype f32|f16|int8] [--rounds 20] [--threads 2]
//
// Between the two engines it waits 12 ms (idle workers spin 5 ms, then sleep) and runs the
// engine untimed first (twice for Q, whose runs are short), then times 3 runs (Q) or 1.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Engine } from './engines.js';
import { benchModelDir, median } from './common.js';
import { runOnce, timedRun } from './measure.js';
import { WORKLOADS } from './workloads.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    workload: { type: 'string', default: 'Q' },
    dtype: { type: 'string', default: 'f32' },
    rounds: { type: 'string', default: '20' },
    threads: { type: 'string', default: '2' },
    model: { type: 'string' },
  },
});
if (!values.base) throw new Error('bench:ab: --base DIR (another checkout of splade-ts) is required');
const w = WORKLOADS.find((x) => x.name === values.workload);
if (!w) throw new Error(`bench:ab: --workload Q, D or L, not ${values.workload}`);
const rounds = Number(values.rounds);
const dir = await benchModelDir(values.model);

/** The checkout at `root`'s engine (its own bench/engines.ts, so its own src/). */
async function engineOf(root: string): Promise<Engine> {
  const module = (await import(resolve(root, 'bench/engines.ts'))) as typeof import('./engines.js');
  return module.spladeTs(dir, undefined, Number(values.threads), undefined, values.dtype as 'f32');
}

const sides: Array<{ name: string; engine: Engine; times: number[] }> = [
  { name: 'base', engine: await engineOf(values.base), times: [] },
  { name: 'this', engine: await engineOf(resolve(import.meta.dirname, '..')), times: [] },
];
const [warm, timed] = w.name === 'Q' ? [2, 3] : [1, 1];
for (let round = 0; round < rounds; round++) {
  for (const side of round % 2 ? [...sides].reverse() : sides) {
    await new Promise((done) => setTimeout(done, 12));
    for (let i = 0; i < warm; i++) await runOnce(side.engine, w);
    for (let i = 0; i < timed; i++) side.times.push((await timedRun(side.engine, w)).ms);
  }
}
const [base, mine] = sides;
const faster = mine.times.filter((t, i) => t < base.times[i]).length;
const ms = (xs: number[]): string => `${median(xs).toFixed(w.name === 'Q' ? 2 : 0)} ms`;
console.log(`${w.name} (${w.description}), ${values.dtype}, ${values.threads} threads, ${rounds} rounds: base ${ms(base.times)}, this ${ms(mine.times)}; this faster in ${faster} of ${mine.times.length} pairs`);
for (const side of sides) await side.engine.dispose();
process.exit(0);
