// One memory row of `npm run bench:dtype` (bench/dtype.ts starts it): the built package
// (dist/, what `npm install splade-ts` gives), in plain `node` with no TypeScript compiler
// loaded, used as a user uses it: SpladeEncoder.fromPretrained(DIR, { dtype, threads }), then
// workload D, 32 documents x 128 tokens as 4 calls of 8 (the token ids of bench/workloads.ts,
// written to IDS by the parent), the vectors kept. Prints one JSON line: peak RSS (the whole
// process, worker threads included), RSS after the load, load time.
//
//   node bench/dtype-memory-child.mjs DIR DTYPE|stored THREADS IDS
import { readFileSync } from 'node:fs';
import { SpladeEncoder } from '../dist/node/index.js';

const [dir, dtype, threads, idsFile] = process.argv.slice(2);
const MiB = 2 ** 20;
const { rows, batch } = JSON.parse(readFileSync(idsFile, 'utf8'));

const start = performance.now();
const encoder = await SpladeEncoder.fromPretrained(dir, { threads: Number(threads), ...(dtype === 'stored' ? {} : { dtype }) });
const loadMs = performance.now() - start;
const afterLoadMiB = process.memoryUsage().rss / MiB;
const vectors = [];
for (let at = 0; at < rows.length; at += batch) {
  vectors.push(...(await encoder.encodeInputIds({ input_ids: rows.slice(at, at + batch) }, { batchSize: batch })));
}
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
encoder.dispose();
console.log(JSON.stringify({ peakRssMiB, afterLoadMiB, loadMs, vectors: vectors.length, backend: encoder.backendInfo.name }));
