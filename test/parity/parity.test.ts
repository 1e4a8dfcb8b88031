// Parity with PyTorch. The committed fixtures (test/parity/fixtures, written by
// test/parity/reference.py) are checked on every `npm test`; with SPLADE_LIVE_PARITY=1 the
// reference also writes fresh cases with new seeds into a temporary folder, checked the same
// way, so the comparison can never go stale. Tolerances: see check-case.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCase } from './check-case.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixtures = join(here, 'fixtures');
const CASES = ['f32', 'f16', 'bf16', 'single', 'token-types', 'legacy-names', 'untied-decoder', 'head-size-12', 'gelu-tanh', 'max-length'];

const committed = suite('parity: committed fixtures');
committed('every case of reference.py has a committed fixture', () => {
  assert.equal(readdirSync(fixtures).sort(), [...CASES].sort());
});
for (const name of CASES) {
  committed(`${name} matches PyTorch`, async () => {
    assert.equal(await checkCase(join(fixtures, name)), []);
  });
}
committed.run();

if (process.env.SPLADE_LIVE_PARITY === '1') {
  const live = suite('parity: live PyTorch, fresh seeds');
  const seed = Math.floor(Math.random() * 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'splade-parity-'));
  live.before(() => {
    execFileSync('/usr/bin/python3', [join(here, 'reference.py'), dir, '--seed', String(seed)], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
  });
  live.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const name of CASES) {
    live(`${name} (seed ${seed}) matches PyTorch`, async () => {
      assert.equal(await checkCase(join(dir, name)), [], `case ${name}, seed ${seed}`);
    });
  }
  live.run();
} else {
  console.log('parity: live PyTorch pass not requested (set SPLADE_LIVE_PARITY=1 to run it)');
}
