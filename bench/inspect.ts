// What looking inside costs on a bert-base-size model: one forward of the model card's
// sentence (36 tokens) with only the SPLADE head, with transformers' hidden_states and
// attentions kept, with the full MLM logits kept, and `splade explain`'s whole work
// (explainText + the HTML page). Medians of N runs after a warm-up, in one process.
//
//   npm run bench:inspect -- [--model DIR] [--runs N]
//
// Without --model, a random bert-base-size model is generated once into
// $TMPDIR/splade-bench/bert-base (the same folder as bench:forward's).
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { explanationToHtml } from '../src/inspect/report-html.js';
import { SpladeEncoder } from '../src/node/splade-encoder.js';
import { explainText } from '../src/splade/explain.js';
import { writeRandomBertFolder } from '../tools/generate-model.js';

const TEXT = 'The Manhattan Project and its atomic bomb helped bring an end to World War II. Its legacy of peaceful uses of atomic energy continues to have an impact on history and science.';
const { values } = parseArgs({ options: { model: { type: 'string' }, runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);

async function modelDir(): Promise<string> {
  if (values.model) return values.model;
  const dir = join(tmpdir(), 'splade-bench', 'bert-base');
  if (!existsSync(join(dir, 'model.safetensors'))) {
    console.error(`generating a random bert-base-size model in ${dir} ...`);
    await writeRandomBertFolder(dir, { seed: 1 });
  }
  return dir;
}

async function time(label: string, work: () => Promise<unknown>): Promise<number> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`${label.padEnd(52)} ${(median / 1000).toFixed(2)} s`);
  return median;
}

const encoder = await SpladeEncoder.fromPretrained(await modelDir());
const ids = encoder.tokenizer!.encode(TEXT).ids;
const seq = ids.length;
const input = { batch: 1, seq, inputIds: Int32Array.from(ids), attentionMask: new Uint8Array(seq).fill(1), tokenTypeIds: new Int32Array(seq) };
const { model } = encoder;
console.log(`bert-base-size model (${model.sizes.num_hidden_layers} layers, hidden ${model.sizes.hidden_size}), ${seq} tokens, backend ${model.backend.name}, median of ${runs}`);
const base = await time('forward, SPLADE head only', () => model.forward(input, { splade: true }));
const states = await time('forward, SPLADE + hidden_states + attentions', () => model.forward(input, { splade: true, outputHiddenStates: true, outputAttentions: true }));
const logits = await time('forward, full MLM logits kept (--logits)', () => model.forward(input, { capture: ['cls.predictions'] }));
const explain = await time('explainText + HTML page (splade explain)', async () => explanationToHtml(await explainText(encoder, TEXT)));
console.log(`ratios to the plain forward: states ${(states / base).toFixed(2)}, logits ${(logits / base).toFixed(2)}, explain ${(explain / base).toFixed(2)}`);
