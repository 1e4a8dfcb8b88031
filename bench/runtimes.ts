// npm run bench:runtimes: the runtime matrix's check (test/runtimes/matrix.ts: the PyTorch
// fixture f32, a 2-layer BERT with hidden size 32 and 256 tokens, 3 rows of 9-12 ids) once in
// each runtime, as a markdown table of the backend it ran, the wall time of the whole check
// (runtime start, import, load, encode; for workerd the first request, for Chromium the page's
// part) and its memory (the process's peak RSS; for Chromium the page's JS heap). One run per
// runtime: a startup-dominated figure that tells how heavy each runtime is, not kernel speed
// (bench:forward measures that).
//
//   npm run bench:runtimes -- [--model DIR]
// With --model (e.g. a generated bert-base folder: npm run generate-model -- --out DIR), also
// loads that folder with default options in each runtime with a file system and encodes one
// 12-token text: load ms, encode ms, peak RSS.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { buildLibrary, MATRIX, MODEL_RUNS } from '../test/runtimes/matrix.js';

const { values } = parseArgs({ options: { model: { type: 'string' } } });

const lib = await buildLibrary();
const rows: string[] = [];
try {
  for (const runtime of MATRIX) {
    if (runtime.skip) {
      rows.push(`| ${runtime.name} | skipped: ${runtime.skip} | | | | |`);
      continue;
    }
    const r = await runtime.run(lib).catch((error: unknown) => error as Error);
    if (r instanceof Error) {
      rows.push(`| ${runtime.name} | error: ${r.message.split('\n')[0]} | | | | |`);
      continue;
    }
    const memory = r.memoryMiB === undefined ? 'n/a' : `${r.memoryMiB.toFixed(0)} MiB ${r.memoryKind}`;
    const parity = r.failures.length === 0 ? 'ok' : `FAILED (${r.failures.length})`;
    rows.push(`| ${runtime.name} | ${r.version} | ${r.backendInfo} | ${parity} | ${r.wallMs.toFixed(0)} | ${memory} |`);
    console.error(rows[rows.length - 1]);
  }
  if (values.model) {
    rows.push('', `model ${values.model}, one 12-token text:`, '', '| runtime | version | backend | load ms | encode ms | peak RSS |', '|---|---|---|---:|---:|---:|');
    for (const runtime of MODEL_RUNS) {
      if (runtime.skip) {
        rows.push(`| ${runtime.name} | skipped: ${runtime.skip} | | | | |`);
        continue;
      }
      const r = await runtime.run(lib, values.model).catch((error: unknown) => error as Error);
      if (r instanceof Error) {
        rows.push(`| ${runtime.name} | error: ${r.message.split('\n')[0]} | | | | |`);
        continue;
      }
      const rss = r.peakRssMiB === undefined ? 'n/a' : `${r.peakRssMiB.toFixed(0)} MiB`;
      rows.push(`| ${runtime.name} | ${r.version} | ${r.backendInfo} | ${r.loadMs.toFixed(0)} | ${r.encodeMs.toFixed(0)} | ${rss} |`);
      console.error(rows[rows.length - 1]);
    }
  }
} finally {
  lib.dispose();
}
console.log(`${new Date().toISOString()}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}\n`);
console.log('| runtime | version | backend | parity | wall ms | memory |');
console.log('|---|---|---|---|---:|---|');
for (const row of rows) console.log(row);
