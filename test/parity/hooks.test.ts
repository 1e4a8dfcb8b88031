// Every capturable activation against what a PyTorch forward hook on the module of the same
// name records (test/parity/hooks_reference.py: transformers' module trees in plain torch),
// for a BERT, a DistilBERT and a RoBERTa model on a batch of two rows of different lengths:
// the padded positions' rows are compared too, as torch computes them. The committed
// fixtures (test/parity/hooks-fixtures, npm run parity:hooks-fixtures) run on every `npm
// test`; with SPLADE_LIVE_PARITY=1 Python records the hooks afresh.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { dumpActivations } from '../../src/inspect/dump.js';
import { loadMaskedLM } from '../../src/io/masked-lm.js';
import { bertInputFromRows, type BertInput } from '../../src/models/bert/input.js';
import type { MaskedLM } from '../../src/models/masked-lm.js';
import type { SafetensorsFile } from '../../src/formats/safetensors.js';
import { loadModelFolderFromDisk } from '../../src/node/model-folder.js';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';
import { createBackend } from '../../src/tensor/create-backend.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { RELATIVE_TOLERANCE, relativeDiff } from './check-case.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixtures = join(here, 'hooks-fixtures');
/** Each family's model folder (hooks_reference.py's FAMILIES). */
const FAMILIES: Record<string, string> = {
  bert: 'fixtures/f32',
  distilbert: 'distilbert-fixtures/distilbert-f32',
  roberta: 'roberta-fixtures/roberta-f32',
};

async function loadCase(family: string, inputsPath: string): Promise<{ model: MaskedLM; input: BertInput }> {
  const folder = await loadModelFolderFromDisk(join(here, FAMILIES[family]));
  const model = await loadMaskedLM(folder.config, folder.weights, await createBackend({ threads: 1 }));
  const input = bertInputFromRows(JSON.parse(readFileSync(inputsPath, 'utf8')), model.sizes, inputsPath);
  return { model, input };
}

/** Every capturable name of the model, captured in one forward pass. */
async function captureAll(model: MaskedLM, input: BertInput): Promise<Map<string, Tensor>> {
  const names = model.capturableNames().map((n) => n.name);
  return new Map(await dumpActivations(model, input, { capture: names }));
}

/** The captures that differ from the hooks' records (or have none): empty when all match. */
function compareWithHooks(captured: Map<string, Tensor>, hooks: SafetensorsFile): string[] {
  const failures: string[] = [];
  for (const [name, tensor] of captured) {
    const info = hooks.info(name);
    if (!info) {
      failures.push(`${name}: no torch module of this name records an output`);
    } else if (info.shape.join() !== tensor.shape.join()) {
      failures.push(`${name}: [${tensor.shape.join(', ')}] vs torch [${info.shape.join(', ')}]`);
    } else {
      const rel = relativeDiff(tensor.data, hooks.float32(name));
      if (!(rel <= RELATIVE_TOLERANCE)) failures.push(`${name}: relative difference ${rel.toExponential(2)} > ${RELATIVE_TOLERANCE}`);
    }
  }
  return failures;
}

/** Rows of attention probabilities that do not sum to 1 over the real keys, or give a padded key weight. */
function badAttentionRows(name: string, probs: Tensor, input: BertInput): string[] {
  const [batch, heads, seq] = probs.shape;
  const bad: string[] = [];
  for (let b = 0; b < batch; b++) {
    for (let row = 0; row < heads * seq; row++) {
      const offset = (b * heads * seq + row) * seq;
      let real = 0;
      let padded = 0;
      for (let k = 0; k < seq; k++) {
        if (input.attentionMask[b * seq + k] === 1) real += probs.data[offset + k];
        else padded += probs.data[offset + k];
      }
      if (Math.abs(real - 1) > 1e-5 || padded !== 0) bad.push(`${name}[${b}] row ${row}: ${real} on real keys, ${padded} on padding`);
    }
  }
  return bad;
}

const committed = suite('module hooks parity: committed fixtures');
for (const family of Object.keys(FAMILIES)) {
  committed(`${family}: every capturable activation equals torch's forward hook on that module, padding included`, async () => {
    const dir = join(fixtures, family);
    const { model, input } = await loadCase(family, join(dir, 'inputs.json'));
    assert.ok(new Set(Array.from({ length: input.batch }, (_, b) => input.attentionMask.subarray(b * input.seq, (b + 1) * input.seq).reduce((s, m) => s + m, 0))).size > 1, 'rows of different lengths');
    const captured = await captureAll(model, input);
    assert.is(captured.size, model.capturableNames().length, 'every name captured');
    assert.equal(compareWithHooks(captured, await readSafetensorsFile(join(dir, 'hooks.safetensors'))), []);
  });
  committed(`${family}: attention probabilities sum to 1 over the real keys, 0 on padded keys, padded query rows too`, async () => {
    const { model, input } = await loadCase(family, join(fixtures, family, 'inputs.json'));
    const captured = await captureAll(model, input);
    const probs = [...captured].filter(([name]) => name.endsWith('.attention_probs'));
    assert.ok(probs.length >= 2, 'one map per layer');
    assert.equal(probs.flatMap(([name, tensor]) => badAttentionRows(name, tensor, input)), []);
  });
}
for (const family of Object.keys(FAMILIES)) {
  committed(`${family}: every module a torch forward hook records is capturable by its name`, async () => {
    const { model } = await loadCase(family, join(fixtures, family, 'inputs.json'));
    const hooks = await readSafetensorsFile(join(fixtures, family, 'hooks.safetensors'));
    const ours = new Set(model.capturableNames().map((n) => n.name));
    const modules = hooks.names().filter((name) => name !== 'input_ids' && name !== 'attention_mask');
    assert.equal(modules.filter((name) => !ours.has(name)), [], 'modules torch hooks but splade-ts cannot capture');
  });
}
for (const family of Object.keys(FAMILIES)) {
  committed(`${family}: each name captured alone (the backend's fused ops run around it) equals torch's hook`, async () => {
    const dir = join(fixtures, family);
    const { model, input } = await loadCase(family, join(dir, 'inputs.json'));
    const hooks = await readSafetensorsFile(join(dir, 'hooks.safetensors'));
    const failures: string[] = [];
    for (const { name } of model.capturableNames()) {
      const captured = new Map(await dumpActivations(model, input, { capture: [name] }));
      assert.equal([...captured.keys()].filter((kept) => kept !== `${name}.attention_probs`), [name], `only ${name} is kept`);
      failures.push(...compareWithHooks(captured, hooks));
    }
    assert.equal(failures, []);
  });
}
for (const family of Object.keys(FAMILIES)) {
  committed(`${family}: capturing every module leaves the SPLADE vectors bit for bit (the CPU backend's fused ops)`, async () => {
    const { model, input } = await loadCase(family, join(fixtures, family, 'inputs.json'));
    const plain = await model.forward(input, { splade: true });
    const captured = await model.forward(input, { splade: true, capture: model.capturableNames().map((n) => n.name) });
    assert.equal(Array.from(captured.splade!.data), Array.from(plain.splade!.data));
  });
}
committed('a perturbed capture is caught (the comparison can fail)', async () => {
  const { model, input } = await loadCase('bert', join(fixtures, 'bert', 'inputs.json'));
  const captured = await captureAll(model, input);
  captured.get('bert.encoder.layer.1.output.dense')!.data[5] += 0.05;
  captured.set('bert.encoder.layer.9', captured.get('bert.encoder')!);
  assert.equal(compareWithHooks(captured, await readSafetensorsFile(join(fixtures, 'bert', 'hooks.safetensors'))).map((f) => f.split(':')[0]),
    ['bert.encoder.layer.1.output.dense', 'bert.encoder.layer.9']);
});
committed.run();

if (process.env.SPLADE_LIVE_PARITY === '1') {
  const live = suite('module hooks parity: live PyTorch');
  const dir = mkdtempSync(join(tmpdir(), 'splade-hooks-live-'));
  live.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const family of Object.keys(FAMILIES)) {
    live(`${family}: the hooks recorded now match every capture`, async () => {
      const inputs = join(fixtures, family, 'inputs.json');
      const out = join(dir, `${family}.safetensors`);
      execFileSync('/usr/bin/python3', [join(here, 'hooks_reference.py'), 'run', join(here, FAMILIES[family]), inputs, out],
        { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, OMP_NUM_THREADS: '1' } });
      const { model, input } = await loadCase(family, inputs);
      assert.equal(compareWithHooks(await captureAll(model, input), await readSafetensorsFile(out)), []);
    });
  }
  live.run();
} else {
  console.log('module hooks parity: live PyTorch pass not requested (set SPLADE_LIVE_PARITY=1 to run it)');
}
