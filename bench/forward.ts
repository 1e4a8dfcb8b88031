// One BERT-base forward (12 and 128 tokens) with the SPLADE head, splade-ts against PyTorch
// in the same run: the starting point of the performance work.
//
//   npm run bench:forward -- [--model DIR] [--runs N] [--seq 12,128] [--no-torch]
//
// Without --model, a random bert-base-size BertForMaskedLM (the real 30,522-token vocab) is
// generated once into $TMPDIR/splade-bench/bert-base. Times are medians of N runs after one
// warm-up. PyTorch runs test/parity/reference.py's forward (transformers' computation) with
// OMP_WAIT_POLICY=PASSIVE, on 1 thread and on all cores, when /usr/bin/python3 has torch; its
// SPLADE vector is also compared with ours (a parity check at full size).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BertForMaskedLM } from '../src/models/bert/bert-for-masked-lm.js';
import { requireBertConfig } from '../src/io/model-config.js';
import type { BertConfig } from '../src/models/bert/config.js';
import { bertInputFromRows } from '../src/models/bert/input.js';
import { loadModelFolderFromDisk } from '../src/node/model-folder.js';
import { createBackend } from '../src/node/backend.js';
import { disposeBackend } from '../src/tensor/backend.js';
import { ReferenceBackend } from '../src/tensor/reference/reference-backend.js';
import { benchModelDir, idsOfLength, median } from './common.js';

const { values: options } = parseArgs({
  options: {
    model: { type: 'string' },
    runs: { type: 'string', default: '3' },
    seq: { type: 'string', default: '12,128' },
    'no-torch': { type: 'boolean', default: false },
  },
});
const runs = Number(options.runs);
const lengths = options.seq.split(',').map(Number);

/** Multiply-adds x 2 of one forward with the SPLADE head (the vocabulary projection included). */
function flops(config: BertConfig, seq: number): number {
  const h = config.hidden_size;
  const perLayer = seq * (4 * h * h + 2 * h * config.intermediate_size) + 2 * seq * seq * h;
  return 2 * (config.num_hidden_layers * perLayer + seq * h * h + seq * h * config.vocab_size);
}

function hasTorch(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const dir = await benchModelDir(options.model);
const folder = await loadModelFolderFromDisk(dir);
const config = requireBertConfig(folder.config, `${dir}/config.json`);
const inputs: Record<string, number[][]> = {};
for (const seq of lengths) inputs[String(seq)] = [idsOfLength(seq, config.vocab_size)];

interface Row { engine: string; seq: number; seconds: number; times: number[] }
const rows: Row[] = [];
// SPLADE vectors of the default backend (what users get), compared with PyTorch below.
const ours = new Map<number, Float32Array>();
// The reference loops (the yardstick) and the default Node backend (WebAssembly SIMD, threads).
for (const backend of [new ReferenceBackend(), await createBackend()]) {
  const model = await BertForMaskedLM.load(config, folder.weights, backend);
  for (const seq of lengths) {
    const input = bertInputFromRows({ input_ids: inputs[String(seq)] }, config);
    const times: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const start = performance.now();
      const out = await model.forward(input, { splade: true });
      if (run > 0) times.push((performance.now() - start) / 1000);
      ours.set(seq, out.splade!.data);
    }
    rows.push({ engine: `splade-ts ${backend.name}`, seq, seconds: median(times), times });
    console.error(`splade-ts ${backend.name} ${seq} tokens: ${times.map((t) => t.toFixed(3)).join(', ')} s`);
  }
  disposeBackend(backend);
}

const parity: string[] = [];
if (!options['no-torch'] && hasTorch()) {
  const inputsFile = join(mkdtempSync(join(tmpdir(), 'splade-bench-')), 'inputs.json');
  writeFileSync(inputsFile, JSON.stringify(inputs));
  for (const threads of [...new Set([1, cpus().length])]) {
    const output = execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'forward_torch.py'), dir, inputsFile, String(runs), String(threads)], {
      env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
      maxBuffer: 1 << 28,
    });
    const result = JSON.parse(output.toString()) as Record<string, { times: number[]; splade: number[] }>;
    for (const seq of lengths) {
      const { times, splade } = result[String(seq)];
      rows.push({ engine: `PyTorch ${threads} thread${threads > 1 ? 's' : ''}`, seq, seconds: median(times), times });
      if (threads === 1) {
        let diff = 0;
        splade.forEach((x, i) => (diff = Math.max(diff, Math.abs(x - ours.get(seq)![i]))));
        parity.push(`${seq} tokens: max |splade-ts - PyTorch| over the ${splade.length} SPLADE weights = ${diff.toExponential(2)}`);
      }
    }
  }
} else {
  console.error('PyTorch not run (--no-torch, or /usr/bin/python3 has no torch)');
}

const header = '| engine | tokens | median s | tokens/s | GFLOP/s | runs (s) |\n|---|---:|---:|---:|---:|---|';
const table = rows
  .sort((a, b) => a.seq - b.seq)
  .map((r) => `| ${r.engine} | ${r.seq} | ${r.seconds.toFixed(3)} | ${(r.seq / r.seconds).toFixed(1)} | ${(flops(config, r.seq) / r.seconds / 1e9).toFixed(2)} | ${r.times.map((t) => t.toFixed(3)).join(', ')} |`);
console.log(`BERT forward + SPLADE head (${config.num_hidden_layers} layers, hidden ${config.hidden_size}, vocab ${config.vocab_size}), batch 1, median of ${runs} runs after 1 warm-up`);
console.log(`model: ${dir}; machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}`);
console.log([header, ...table].join('\n'));
for (const line of parity) console.log(line);
