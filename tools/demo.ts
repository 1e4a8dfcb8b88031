// `npm run demo`: the whole pipeline, offline, in a few seconds. Generates a small BERT with
// RANDOM weights and the real bert-base-uncased vocabulary, then runs
// `splade encode --format bow` on the model card's sentence. Random weights make the terms
// noise (the tokenizer, the network and the SPLADE pooling are real), so the demo says so on
// stderr before the output, and how to get the real model's vectors.
//
//   npm run demo [-- --out DIR]     (default weights/demo/random-bert)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PRESETS, writeRandomBertFolder } from './generate-model.js';

const DEMO_TEXT =
  'The Manhattan Project and its atomic bomb helped bring an end to World War II. Its legacy of peaceful uses of atomic energy continues to have an impact on history and science.';

const { values } = parseArgs({ args: process.argv.slice(2), strict: true, options: { out: { type: 'string' } } });
const out = values.out ?? 'weights/demo/random-bert';
const model = await writeRandomBertFolder(out, { ...PRESETS.base, layers: 2, hidden: 128, heads: 4, intermediate: 512 });
const c = model.config;
process.stderr.write(
  `demo: ${out} is a ${c.num_hidden_layers}-layer BERT with RANDOM weights (tools/generate-model.ts) and the real ` +
    `bert-base-uncased vocabulary: the terms below are noise; the tokenizer, network and pooling are real.\n` +
    `demo: for real vectors: ./bin/splade.js encode --model prithivida/Splade_PP_en_v1 --format bow --text "..." ` +
    `(npm run fetch-weights downloads it)\n`,
);
const cli = fileURLToPath(new URL('../bin/splade.js', import.meta.url));
const run = spawnSync(process.execPath, [cli, 'encode', '--model', out, '--format', 'bow', '--top-k', '10', '--text', DEMO_TEXT], { stdio: 'inherit' });
process.exitCode = run.status ?? 1;
