// DistilBertForMaskedLM against PyTorch. The committed fixtures (test/parity/distilbert-fixtures,
// written by distilbert_reference.py in plain torch) are checked on every `npm test`: SPLADE
// weights within 1e-4 through `splade encode --input-ids`, the dense activations within 1e-4
// relative, and `splade inspect` dumps (hidden states and attentions of every layer, logits)
// layer by layer. With SPLADE_LIVE_PARITY=1 the reference writes fresh cases with a new seed.
// Tolerances: see check-case.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';
import { SPLADE_ABS_TOLERANCE, checkCase } from './check-case.js';
import { compareWithReference, dumpCase } from './inspect-check.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../..');
const fixtures = join(here, 'distilbert-fixtures');
const CASES = ['distilbert-f32', 'distilbert-sinusoidal', 'distilbert-f16'];
const work = mkdtempSync(join(tmpdir(), 'splade-distilbert-parity-'));

/** `splade encode --input-ids` on the case; the failures against expected.safetensors' splade. */
async function encodeCliFailures(dir: string): Promise<string[]> {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), 'encode', '--model', dir, '--input-ids', join(dir, 'inputs.json')], { encoding: 'utf8' });
  if (result.status !== 0) return [`splade encode exited ${result.status}: ${result.stderr}`];
  const expected = await readSafetensorsFile(join(dir, 'expected.safetensors'));
  const [batch, vocab] = expected.info('splade')!.shape;
  const torch = expected.float32('splade');
  const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { row: number; indices: number[]; values: number[] });
  if (lines.length !== batch) return [`${lines.length} lines for ${batch} rows`];
  const failures: string[] = [];
  for (const line of lines) {
    const ours = new Float32Array(vocab);
    line.indices.forEach((id, k) => (ours[id] = line.values[k]));
    for (let v = 0; v < vocab; v++) {
      const diff = Math.abs(ours[v] - torch[line.row * vocab + v]);
      if (!(diff <= SPLADE_ABS_TOLERANCE)) failures.push(`row ${line.row} term ${v}: ${ours[v]} vs torch ${torch[line.row * vocab + v]}`);
    }
  }
  return failures;
}

function checks(test: ReturnType<typeof suite>, dir: (name: string) => string, label: (name: string) => string, out: string): void {
  for (const name of CASES) {
    test(`${label(name)}: SPLADE weights through splade encode --input-ids within 1e-4`, async () => {
      assert.equal(await encodeCliFailures(dir(name)), []);
    });
    test(`${label(name)}: last hidden state, logits, embeddings, attention probabilities match`, async () => {
      assert.equal(await checkCase(dir(name)), []);
    });
    test(`${label(name)}: splade inspect matches every layer's hidden states and attentions`, async () => {
      const dump = await dumpCase(dir(name), join(out, `${name}.dump.safetensors`));
      const expected = await readSafetensorsFile(join(dir(name), 'hf_outputs.safetensors'));
      assert.ok(expected.names().filter((n) => n.startsWith('attentions.')).length >= 2);
      assert.equal(compareWithReference(dump, expected), []);
    });
  }
}

const committed = suite('DistilBERT parity: committed fixtures');
committed.after(() => rmSync(work, { recursive: true, force: true }));
committed('every case of distilbert_reference.py has a committed fixture', () => {
  assert.equal(readdirSync(fixtures).sort(), [...CASES].sort());
});
checks(committed, (name) => join(fixtures, name), (name) => name, work);
committed('a model that differs is caught (the comparison can fail)', async () => {
  // distilbert-f32 with gelu_new for gelu: a small change to every activation.
  const copy = join(work, 'changed-activation');
  cpSync(join(fixtures, 'distilbert-f32'), copy, { recursive: true });
  const config = JSON.parse(readFileSync(join(copy, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(copy, 'config.json'), JSON.stringify({ ...config, activation: 'gelu_new' }));
  assert.ok((await checkCase(copy)).length > 0, 'checkCase notices');
  assert.ok((await encodeCliFailures(copy)).length > 0, 'the CLI comparison notices');
});
committed('sinusoidal_pos_embds false with no position table in the checkpoint: a missing-tensor error', async () => {
  const copy = join(work, 'no-positions');
  cpSync(join(fixtures, 'distilbert-sinusoidal'), copy, { recursive: true });
  const config = JSON.parse(readFileSync(join(copy, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(copy, 'config.json'), JSON.stringify({ ...config, sinusoidal_pos_embds: false }));
  const failures = await encodeCliFailures(copy);
  assert.match(failures.join('\n'), /missing tensor 'distilbert\.embeddings\.position_embeddings\.weight'/);
});
committed.run();

if (process.env.SPLADE_LIVE_PARITY === '1') {
  const live = suite('DistilBERT parity: live PyTorch, fresh seed');
  const seed = Math.floor(Math.random() * 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'splade-distilbert-live-'));
  live.before(() => {
    execFileSync('/usr/bin/python3', [join(here, 'distilbert_reference.py'), 'write', dir, '--seed', String(seed)], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
  });
  live.after(() => rmSync(dir, { recursive: true, force: true }));
  checks(live, (name) => join(dir, name), (name) => `${name} (seed ${seed})`, dir);
  live.run();
} else {
  console.log('DistilBERT parity: live PyTorch pass not requested (set SPLADE_LIVE_PARITY=1 to run it)');
}
