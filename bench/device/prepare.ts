// Device step 1 (see README.md): the random bert-base-size model of the benchmarks and the token
// ids of workload D, written where the PyTorch timing (torch_scaling.py) reads them. Bundled
// into one file by pack.sh, so the device needs nothing but a Node binary.
import { writeFileSync } from 'node:fs';
import { benchModelDir } from '../common.js';
import { WORKLOADS, workloadIds } from '../workloads.js';

const out = process.argv[2];
if (!out) throw new Error('usage: node prepare.mjs OUT_JSON');
const dir = await benchModelDir(undefined);
const d = WORKLOADS.find((w) => w.name === 'D')!;
const batches = Array.from({ length: d.calls }, (_, call) => {
  const ids = Array.from(workloadIds(d, call));
  return Array.from({ length: d.batch }, (_, b) => ids.slice(b * d.seq, (b + 1) * d.seq));
});
writeFileSync(out, JSON.stringify({ model: dir, workload: d.description, batches }));
console.log(`model ${dir}; ${batches.length} batches of ${d.batch} x ${d.seq} in ${out}`);
