// Ctrl-C or `kill` during `splade quantize`: the copy is built in a hidden staging folder next to
// DIR (.DIR.PID.HEX.tmp, named as the temporary files are) renamed at the end; a stopped run
// removes it, says so in one line and exits with the status a shell reports for the signal.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';
import { interruptWhileWriting } from './interrupt.js';

const dir = tempDir('interrupted-quantize');
const src = join(dir, 'src');

test.before(async () => {
  // bert-base's vocabulary at hidden 192: ~26 MB of f32 weights, ~13 MB written as f16 (for
  // ~250 ms here), still being written when the signal comes.
  await writeRandomBertFolder(src, { layers: 2, hidden: 192, heads: 4, intermediate: 384, maxPositions: 64, seed: 3 });
});

const quantize = (out: string): string[] => ['quantize', src, '--dtype', 'f16', '--out', join(out, 'q')];
const said = 'splade: interrupted: OUT/q was not written, and the temporary folder is removed\n';

test('SIGINT (Ctrl-C): no staging folder left, status 130, one line saying so', async () => {
  assert.equal(await interruptWhileWriting(join(dir, 'int'), 'q', quantize, 'SIGINT'), { code: 130, left: [], stderr: said });
});

test('SIGTERM: no staging folder left, status 143, one line saying so', async () => {
  assert.equal(await interruptWhileWriting(join(dir, 'term'), 'q', quantize, 'SIGTERM'), { code: 143, left: [], stderr: said });
});

test.run();
