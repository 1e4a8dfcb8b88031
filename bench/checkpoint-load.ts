// Load time and peak RSS of a bert-base-size pytorch_model.bin, read by splade-ts's pickle
// reader, and of the same weights after `splade convert` as safetensors. Each measurement runs
// in a fresh Node process so peak RSS belongs to it alone.
//
//   npm run bench:checkpoint [-- FOLDER]   (default weights/bench/bert-base-random, made by
//   /usr/bin/python3 test/checkpoint/make_fixtures.py --bert-base --out FOLDER when missing)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPytorchCheckpoint } from '../src/formats/pytorch/pytorch-checkpoint.js';
import { convertToSafetensors } from '../src/node/convert.js';
import { readPytorchCheckpointFile } from '../src/node/pytorch-file.js';
import { readSafetensorsFile } from '../src/node/safetensors-file.js';
import type { TensorSource } from '../src/tensor/tensor-source.js';

const self = fileURLToPath(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));

interface Measurement {
  what: string;
  ms: number;
  peakRssMiB: number;
  baselineRssMiB: number;
}

/** Reads every float tensor as float32, as the model loader does. */
function touchAll(source: TensorSource): number {
  let values = 0;
  for (const name of source.names()) {
    const info = source.info(name)!;
    if (info.dtype === 'F32' || info.dtype === 'F16' || info.dtype === 'BF16') values += source.float32(name).length;
  }
  return values;
}

async function child(kind: string, path: string): Promise<void> {
  // parse: the file is read first, untimed, so the time is the pickle reader's alone.
  const inMemory = kind === 'parse' ? readFileSync(path) : undefined;
  const baseline = process.memoryUsage().rss;
  const started = performance.now();
  if (inMemory) touchAll(readPytorchCheckpoint(inMemory, path));
  else if (kind === 'pickle') touchAll(await readPytorchCheckpointFile(path));
  else if (kind === 'safetensors') touchAll(await readSafetensorsFile(path));
  else if (kind === 'convert') await convertToSafetensors(path, path.replace(/pytorch_model\.bin$/, 'model.safetensors'));
  const ms = performance.now() - started;
  const result: Measurement = {
    what: kind,
    ms,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    baselineRssMiB: baseline / 2 ** 20,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

function measure(kind: string, path: string): Measurement {
  const run = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', kind, path], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${kind} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Measurement;
}

function measureTorch(path: string): Measurement | undefined {
  const script = [
    'import resource, time, torch',
    'start = time.perf_counter()',
    `sd = torch.load(${JSON.stringify(path)}, map_location="cpu")`,
    'ms = (time.perf_counter() - start) * 1000',
    'print(ms, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)',
  ].join('\n');
  const run = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' } });
  if (run.status !== 0) return undefined;
  const [ms, peak] = run.stdout.trim().split(/\s+/).map(Number);
  return { what: 'torch.load (Python, for reference)', ms, peakRssMiB: peak, baselineRssMiB: NaN };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1], args[2]);
  const folder = args[0] ?? join(root, 'weights/bench/bert-base-random');
  const bin = join(folder, 'pytorch_model.bin');
  if (!existsSync(bin)) {
    console.error(`making ${bin} with torch (random bert-base weights)...`);
    const made = spawnSync('/usr/bin/python3', [join(root, 'test/checkpoint/make_fixtures.py'), '--bert-base', '--out', folder], { stdio: 'inherit' });
    if (made.status !== 0) throw new Error('could not make the bert-base checkpoint (needs /usr/bin/python3 with torch)');
  }
  const fileMiB = statSync(bin).size / 2 ** 20;
  measure('convert', bin);
  const safetensors = join(folder, 'model.safetensors');
  const rows: Measurement[] = [];
  for (let round = 0; round < 3; round++) {
    rows.push(measure('pickle', bin), measure('safetensors', safetensors));
  }
  rows.push(measure('parse', bin));
  rows.push(measure('convert', bin));
  const torch = measureTorch(bin);
  if (torch) rows.push(torch);
  console.log(`pytorch_model.bin: ${fileMiB.toFixed(0)} MiB; model.safetensors: ${(statSync(safetensors).size / 2 ** 20).toFixed(0)} MiB`);
  console.log(`RSS budget for the pickle (1.2 x file + 100 MB): ${(1.2 * fileMiB + 100).toFixed(0)} MiB`);
  console.log('pickle / safetensors: read the file and every tensor as float32; parse: the same from bytes already in memory;');
  console.log('convert: pytorch_model.bin -> model.safetensors (written, fsynced, renamed)');
  console.log('| what | time (ms) | peak RSS (MiB) | RSS before (MiB) |');
  console.log('|---|---|---|---|');
  for (const row of rows) {
    console.log(`| ${row.what} | ${row.ms.toFixed(0)} | ${row.peakRssMiB.toFixed(0)} | ${Number.isNaN(row.baselineRssMiB) ? '-' : row.baselineRssMiB.toFixed(0)} |`);
  }
}

await main();
