// Ctrl-C or `kill` during `splade explain --out`: the page is written under a hidden temporary
// name renamed at the end; a stopped run removes it, says so in one line and exits with the
// status a shell reports for the signal.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';
import { interruptWhileWriting } from './interrupt.js';

const dir = tempDir('interrupted-explain');
const said = 'splade: interrupted: OUT/page.html was not written, and the temporary file is removed\n';

test('explain --out FILE.html, SIGINT (Ctrl-C): no temporary file left, status 130, one line saying so', async () => {
  // The page holds every attention map: at 502 tokens, ~12 MB (written for ~200 ms here).
  const model = join(dir, 'long-model');
  await writeRandomBertFolder(model, { layers: 2, hidden: 32, heads: 4, intermediate: 64, maxPositions: 512, vocab: 1000, seed: 3 });
  const run = (out: string): string[] => ['explain', '--model', model, '--text', 'the cat sat on the mat '.repeat(50), '--out', join(out, 'page.html')];
  assert.equal(await interruptWhileWriting(join(dir, 'html'), 'page.html', run, 'SIGINT'), { code: 130, left: [], stderr: said });
});

test.run();
