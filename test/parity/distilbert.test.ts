// DistilBertForMaskedLM against PyTorch. The committed fixtures (test/parity/distilbert-fixtures,
// written by distilbert_reference.py in plain torch) are checked on every `npm test`: SPLADE
// weights within 1e-4 through `splade encode --input-ids`, the dense activations within 1e-4
// relative, and `splade inspect` dumps (hidden states and attentions of every layer, logits)
// layer by layer. With SPLADE_LIVE_PARITY=1 the reference writes fresh cases with a new seed.
// Tolerances: see check-case.ts.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCase } from './check-case.js';
import { encodeCliFailures, familyParityChecks } from './family-parity.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixtures = join(here, 'distilbert-fixtures');
const CASES = ['distilbert-f32', 'distilbert-sinusoidal', 'distilbert-f16'];
const work = mkdtempSync(join(tmpdir(), 'splade-distilbert-parity-'));

const committed = suite('DistilBERT parity: committed fixtures');
committed.after(() => rmSync(work, { recursive: true, force: true }));
committed('every case of distilbert_reference.py has a committed fixture', () => {
  assert.equal(readdirSync(fixtures).sort(), [...CASES].sort());
});
familyParityChecks(committed, CASES, (name) => join(fixtures, name), (name) => name, work);
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
  familyParityChecks(live, CASES, (name) => join(dir, name), (name) => `${name} (seed ${seed})`, dir);
  live.run();
} else {
  console.log('DistilBERT parity: live PyTorch pass not requested (set SPLADE_LIVE_PARITY=1 to run it)');
}
