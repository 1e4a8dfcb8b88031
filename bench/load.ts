// Load benchmark: generates a bert-base-size random BertForMaskedLM (438 MB F32
// model.safetensors) in a temp folder, then loads it through the Node path in fresh child
// processes and reports load time and peak RSS. Goal: peak RSS <= 1.2 x file + 100 MB (one
// copy of the weights in memory, not two).
//   npm run bench:load [-- --runs N --dtype F32|F16|BF16 --keep]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, dtype: { type: 'string', default: 'F32' }, keep: { type: 'boolean' } },
});
const runs = Number(values.runs);
const dtype = values.dtype as 'F32' | 'F16' | 'BF16';
const child = fileURLToPath(new URL('./load-child.ts', import.meta.url));
const generator = fileURLToPath(new URL('../tools/generate-model.ts', import.meta.url));
const MB = 1e6;

interface Measurement { mode: string; seconds: number; maxRssBytes: number; hwmBytes?: number; tensors: number; checksum: number }

function measure(mode: string, path: string): Measurement {
  const out = execFileSync(process.execPath, ['--import', 'tsx', child, mode, path], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() ?? '') as Measurement;
}

const dir = mkdtempSync(join(tmpdir(), 'splade-bench-load-'));
try {
  const genStart = performance.now();
  // In a child too: this process stays small, so its children do not inherit a large RSS.
  execFileSync(process.execPath, ['--import', 'tsx', generator, '--out', dir, '--dtype', dtype, '--seed', '1'], { stdio: 'ignore' });
  const file = join(dir, 'model.safetensors');
  const fileBytes = statSync(file).size;
  console.log(`generated ${file}: ${(fileBytes / MB).toFixed(1)} MB ${dtype} in ${((performance.now() - genStart) / 1000).toFixed(1)} s`);
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);

  const baseline = measure('baseline', dir);
  const goal = 1.2 * fileBytes + 100 * MB;
  const rows: string[] = [];
  for (const mode of ['folder', 'file']) {
    const results = Array.from({ length: runs }, () => measure(mode, mode === 'folder' ? dir : file));
    const times = results.map((r) => r.seconds).sort((a, b) => a - b);
    const peak = Math.max(...results.map((r) => Math.max(r.maxRssBytes, r.hwmBytes ?? 0)));
    // The goal is about F32, where tensors are views of the file; F16/BF16 widen to new arrays.
    const verdict = dtype !== 'F32' ? 'n/a (goal is for F32)' : peak <= goal ? 'within goal' : 'OVER GOAL';
    rows.push(`| ${mode === 'folder' ? 'loadModelFolderFromDisk' : 'readSafetensorsFile'} | ${results[0].tensors} | ` +
      `${times[0].toFixed(2)} / ${times[Math.floor(times.length / 2)].toFixed(2)} | ${(peak / MB).toFixed(0)} | ` +
      `${(peak / fileBytes).toFixed(2)} | ${verdict} |`);
  }
  console.log(`\nfile ${(fileBytes / MB).toFixed(1)} MB; goal peak RSS <= 1.2 x file + 100 MB = ${(goal / MB).toFixed(0)} MB; ` +
    `baseline (node + tsx + modules, nothing loaded) ${(baseline.maxRssBytes / MB).toFixed(0)} MB; ${runs} runs each\n`);
  console.log('| path | tensors | load s (min / median) | peak RSS MB | RSS / file | goal |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
} finally {
  if (values.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
