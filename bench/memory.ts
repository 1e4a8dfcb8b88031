// npm run bench:memory: peak resident memory while loading a model folder and running workload
// D (32 docs x 128 tokens, batches of 8) on the default Node backend, against issue 6's goal of
// the model's size + 300 MB. Each mode runs in its own child process (its peak is its own):
// - lazy: the library's loader (safetensors read tensor by tensor);
// - whole: the same, but the whole safetensors file is read into memory and kept alive while
//   the model runs, as the loader did before (so the saving is measured in one run).
//
//   npm run bench:memory -- [--model DIR] [--modes lazy,whole] [--threads N]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BertForMaskedLM } from '../src/models/bert/bert-for-masked-lm.js';
import { requireBertConfig } from '../src/io/model-config.js';
import { createBackend } from '../src/node/backend.js';
import { loadModelFolderFromDisk } from '../src/node/model-folder.js';
import { readSafetensorsFile } from '../src/node/safetensors-file.js';
import { disposeBackend } from '../src/tensor/backend.js';
import { WORKLOADS, workloadIds } from './workloads.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: join(tmpdir(), 'splade-ts-bench', 'base') },
    modes: { type: 'string', default: 'lazy,whole' },
    threads: { type: 'string' },
    child: { type: 'string' },
  },
});
const MB = 1024 * 1024;

interface Result {
  readonly mode: string;
  readonly backend: string;
  readonly loadMs: number;
  readonly runMs: number;
  /** MiB, as are all sizes here. */
  readonly rssAfterLoadMb: number;
  readonly peakRssMb: number;
}

function residentMb(field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux: fall back below
  }
  return field === 'VmHWM' ? process.resourceUsage().maxRSS / 1024 : process.memoryUsage().rss / MB;
}

async function child(mode: string): Promise<Result> {
  const start = performance.now();
  const folder = await loadModelFolderFromDisk(values.model);
  const whole = mode === 'whole' ? await readSafetensorsFile(join(values.model, 'model.safetensors')) : undefined;
  const backend = await createBackend(values.threads ? { threads: Number(values.threads) } : {});
  const model = await BertForMaskedLM.load(requireBertConfig(folder.config), whole ?? folder.weights, backend);
  const loadMs = performance.now() - start;
  const rssAfterLoadMb = residentMb('VmRSS');
  const d = WORKLOADS.find((w) => w.name === 'D')!;
  const runStart = performance.now();
  for (let call = 0; call < d.calls; call++) {
    await model.forward({
      batch: d.batch, seq: d.seq, inputIds: workloadIds(d, call),
      attentionMask: new Uint8Array(d.batch * d.seq).fill(1), tokenTypeIds: new Int32Array(d.batch * d.seq),
    }, { splade: true });
  }
  const runMs = performance.now() - runStart;
  const result = { mode, backend: backend.name, loadMs, runMs, rssAfterLoadMb, peakRssMb: residentMb('VmHWM') };
  disposeBackend(backend);
  // Keep the whole file alive to the end, as a loader holding it would.
  if (whole && whole.byteLength === 0) console.log('empty');
  return result;
}

if (values.child) {
  console.log(JSON.stringify(await child(values.child)));
} else {
  const weights = join(values.model, 'model.safetensors');
  if (!existsSync(weights)) {
    console.log(`no ${weights}: run npm run bench once (it generates the bert-base-size model there) or pass --model`);
    process.exit(1);
  }
  const size = statSync(weights).size;
  console.log(`model ${weights}: ${(size / MB).toFixed(0)} MiB (${(size / 1e6).toFixed(0)} MB); ` +
    `goal: peak RSS <= ${(size / MB + 300).toFixed(0)} MiB (model + 300 MiB)`);
  console.log('| mode | backend | load | D (one run, 4 calls) | RSS after load | peak RSS |');
  console.log('|---|---|---|---|---|---|');
  for (const mode of values.modes.split(',')) {
    const args = ['--import', 'tsx', join(here, 'memory.ts'), '--child', mode, '--model', values.model,
      ...(values.threads ? ['--threads', values.threads] : [])];
    const out = execFileSync(process.execPath, args, { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Result;
    console.log(`| ${r.mode} | ${r.backend} | ${(r.loadMs / 1000).toFixed(2)} s | ${(r.runMs / 1000).toFixed(2)} s | ` +
      `${r.rssAfterLoadMb.toFixed(0)} MiB | ${r.peakRssMb.toFixed(0)} MiB |`);
  }
}
