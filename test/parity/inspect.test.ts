// `splade inspect` against PyTorch: hidden states and attentions of every layer, and the MLM
// logits, as BertForMaskedLM(..., output_hidden_states=True, output_attentions=True) returns
// them. The committed fixtures (test/parity/inspect-fixtures, written by inspect_reference.py)
// run on every `npm test`; with SPLADE_LIVE_PARITY=1 fresh cases are made with a new seed, and
// Python loads splade-ts's safetensors dump with a hand-written reader and compares it too.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';
import { compareWithReference, dumpCase } from './inspect-check.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixtures = join(here, 'inspect-fixtures');
const CASES = ['f32', 'head-size-12', 'token-types'];
const work = mkdtempSync(join(tmpdir(), 'splade-inspect-parity-'));

const committed = suite('inspect parity: committed fixtures');
committed.after(() => rmSync(work, { recursive: true, force: true }));
committed('every case of inspect_reference.py has a committed fixture', () => {
  assert.equal(readdirSync(fixtures).sort(), [...CASES].sort());
});
for (const name of CASES) {
  committed(`${name}: hidden_states, attentions and logits of every layer match PyTorch`, async () => {
    const dump = await dumpCase(join(fixtures, name), join(work, `${name}.safetensors`));
    const expected = await readSafetensorsFile(join(fixtures, name, 'hf_outputs.safetensors'));
    const layers = expected.names().filter((n) => n.startsWith('attentions.')).length;
    assert.ok(layers >= 2, 'the fixture has several layers');
    assert.ok(expected.has(`hidden_states.${layers}`), 'hidden states: embeddings + one per layer');
    assert.equal(compareWithReference(dump, expected), []);
  });
}
committed('a perturbed dump is caught (the comparison can fail)', async () => {
  const dir = join(fixtures, 'f32');
  const expected = await readSafetensorsFile(join(dir, 'hf_outputs.safetensors'));
  const dump = await dumpCase(dir, join(work, 'perturbed.safetensors'));
  const attention = dump.float32('attentions.1');
  const [, heads, seq] = dump.info('attentions.1')!.shape;
  // Sequence 1 has 5 real tokens: query row 10 of head 0 is a padded row, kept as torch keeps it.
  attention[((1 * heads + 0) * seq + 10) * seq] += 1e-3;
  const failures = compareWithReference(dump, expected);
  assert.equal(failures.length, 1);
  assert.match(failures[0], /^attentions\.1: relative difference/);
});
committed.run();

if (process.env.SPLADE_LIVE_PARITY === '1') {
  const live = suite('inspect parity: live PyTorch, fresh seed');
  const seed = Math.floor(Math.random() * 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'splade-inspect-live-'));
  const script = join(here, 'inspect_reference.py');
  const env = { ...process.env, OMP_NUM_THREADS: '1' };
  live.before(() => {
    execFileSync('/usr/bin/python3', [script, 'write', dir, '--seed', String(seed)], { stdio: ['ignore', 'inherit', 'inherit'], env });
  });
  live.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const name of CASES) {
    live(`${name} (seed ${seed}) matches PyTorch, and the dump loads in Python`, async () => {
      const out = join(dir, `${name}.dump.safetensors`);
      const expectedPath = join(dir, name, 'hf_outputs.safetensors');
      const dump = await dumpCase(join(dir, name), out);
      assert.equal(compareWithReference(dump, await readSafetensorsFile(expectedPath)), [], `case ${name}, seed ${seed}`);
      // Python reads the dump on its own and compares it with torch's tensors.
      const report = execFileSync('/usr/bin/python3', [script, 'check', out, expectedPath], { encoding: 'utf8', env });
      assert.match(report, /all match/);
    });
  }
  live.run();
} else {
  console.log('inspect parity: live PyTorch pass not requested (set SPLADE_LIVE_PARITY=1 to run it)');
}
