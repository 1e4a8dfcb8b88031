// The evidence of issue 3: a model folder with only pytorch_model.bin encodes text to exactly
// the same SPLADE vectors as the same folder with only its safetensors twin.
import { copyFileSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { FIXTURES } from './helpers.js';

const TEXTS = ['the cat is on the mat', 'what was there for all of them, and how', 'a'];

let root = '';
test.before(() => {
  root = mkdtempSync(join(tmpdir(), 'splade-parity-'));
});
test.after(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the fixture folder holding config.json, vocab.txt and one weights file. */
function folderWith(fixture: string, weights: string): string {
  const dir = join(root, `${fixture}-${weights}`);
  mkdirSync(dir);
  for (const file of ['config.json', 'vocab.txt', weights]) copyFileSync(join(FIXTURES, fixture, file), join(dir, file));
  return dir;
}

for (const fixture of ['tiny-f32', 'tiny-f16', 'tiny-bf16', 'tiny-legacy-names', 'tiny-legacy-format']) {
  test(`${fixture}: pytorch_model.bin encodes to the same SPLADE vectors as model.safetensors`, async () => {
    const pickle = await SpladeEncoder.fromPretrained(folderWith(fixture, 'pytorch_model.bin'));
    const twin = await SpladeEncoder.fromPretrained(folderWith(fixture, 'model.safetensors'));
    const fromPickle = await pickle.encode(TEXTS);
    const fromTwin = await twin.encode(TEXTS);
    assert.is(fromPickle.length, TEXTS.length);
    for (let i = 0; i < TEXTS.length; i++) {
      assert.ok(fromTwin[i].indices.length > 0, `'${TEXTS[i]}' has some terms`);
      assert.equal([...fromPickle[i].indices], [...fromTwin[i].indices], `'${TEXTS[i]}': terms`);
      assert.equal([...fromPickle[i].values], [...fromTwin[i].values], `'${TEXTS[i]}': weights`);
    }
  });
}

test.run();
