// RobertaForMaskedLM against PyTorch. The committed fixtures (test/parity/roberta-fixtures,
// written by roberta_reference.py in plain torch) are checked on every `npm test`: SPLADE
// weights within 1e-4 through `splade encode --input-ids`, the dense activations within 1e-4
// relative, and `splade inspect` dumps layer by layer (tolerances: see check-case.ts). With
// SPLADE_LIVE_PARITY=1 the reference writes fresh cases with a new seed.
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
const fixtures = join(here, 'roberta-fixtures');
const CASES = ['roberta-f32', 'roberta-bf16-untied', 'roberta-positions'];
const work = mkdtempSync(join(tmpdir(), 'splade-roberta-parity-'));

/** A copy of a committed case with config.json fields changed. */
function changedCopy(name: string, as: string, fields: Record<string, unknown>): string {
  const copy = join(work, as);
  cpSync(join(fixtures, name), copy, { recursive: true });
  const config = JSON.parse(readFileSync(join(copy, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(copy, 'config.json'), JSON.stringify({ ...config, ...fields }));
  return copy;
}

const committed = suite('RoBERTa parity: committed fixtures');
committed.after(() => rmSync(work, { recursive: true, force: true }));
committed('every case of roberta_reference.py has a committed fixture', () => {
  assert.equal(readdirSync(fixtures).sort(), [...CASES].sort());
});
familyParityChecks(committed, CASES, (name) => join(fixtures, name), (name) => name, work);
committed('position ids counted from another padding id are caught (the comparison can fail)', async () => {
  // pad_token_id 0 moves every position by one (and makes id 0 padding): RoBERTa's offset matters.
  const copy = changedCopy('roberta-f32', 'other-padding', { pad_token_id: 0 });
  assert.ok((await checkCase(copy)).length > 0, 'checkCase notices');
  assert.ok((await encodeCliFailures(copy)).length > 0, 'the CLI comparison notices');
});
committed("the head's GELU is not hidden_act: relu in the encoder changes the encoder only", async () => {
  const copy = changedCopy('roberta-f32', 'relu-encoder', { hidden_act: 'relu' });
  const failures = await checkCase(copy);
  assert.ok(failures.some((f) => f.startsWith('last_hidden_state')), failures.join('\n'));
});
committed('a sequence longer than max_position_embeddings - pad_token_id - 1 (32 here) is refused, naming the limit', async () => {
  const copy = changedCopy('roberta-positions', 'too-long', {});
  const inputs = JSON.parse(readFileSync(join(copy, 'inputs.json'), 'utf8')) as { input_ids: number[][]; attention_mask: number[][] };
  // One more token in every row: the first row becomes 33 long.
  writeFileSync(join(copy, 'inputs.json'), JSON.stringify({
    input_ids: inputs.input_ids.map((row) => [...row, 1]),
    attention_mask: inputs.attention_mask.map((row, b) => [...row, b === 0 ? 1 : 0]),
  }));
  assert.match((await encodeCliFailures(copy)).join('\n'), /exited 1: .*\b32\b/s);
});
committed.run();

if (process.env.SPLADE_LIVE_PARITY === '1') {
  const live = suite('RoBERTa parity: live PyTorch, fresh seed');
  const seed = Math.floor(Math.random() * 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'splade-roberta-live-'));
  live.before(() => {
    execFileSync('/usr/bin/python3', [join(here, 'roberta_reference.py'), 'write', dir, '--seed', String(seed)], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
  });
  live.after(() => rmSync(dir, { recursive: true, force: true }));
  familyParityChecks(live, CASES, (name) => join(dir, name), (name) => `${name} (seed ${seed})`, dir);
  live.run();
} else {
  console.log('RoBERTa parity: live PyTorch pass not requested (set SPLADE_LIVE_PARITY=1 to run it)');
}
