// `npm run demo` says its weights are random (on stderr, before the output) and then prints the
// model card's bag of words from the generated model.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../foundation/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('the demo says RANDOM weights on stderr; stdout is the bag of words', () => {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.is(scripts.demo, 'node --import tsx tools/demo.ts');
  const out = join(tempDir('demo'), 'random-bert');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'tools/demo.ts'), '--out', out], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /^demo: \S+random-bert is a 2-layer BERT with RANDOM weights [^\n]*: the terms below are noise/);
  assert.match(r.stderr, /for real vectors: \.\/bin\/splade\.js encode --model prithivida\/Splade_PP_en_v1/);
  assert.match(r.stdout, /^Number of actual dimensions: {2}\d+\nSPLADE BOW rep:\n \[(\('[^']+', \d\.\d{1,2}\)(, )?){10}\]\n$/);
});

test.run();
