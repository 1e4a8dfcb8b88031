// The model card of prithivida/Splade_PP_en_v1: its example sentence and published output,
// checked when the real weights are present (weights/prithivida/Splade_PP_en_v1, or the
// folder SPLADE_MODEL_DIR names). Without them the test is reported as skipped, with why.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeEncoder } from '../../src/index.node.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = process.env.SPLADE_MODEL_DIR ?? join(root, 'weights/prithivida/Splade_PP_en_v1');

const SENTENCE =
  'The Manhattan Project and its atomic bomb helped bring an end to World War II. Its legacy of peaceful uses of atomic energy continues to have an impact on history and science.';
/** The card's "SPLADE BOW rep", first terms, as printed (two decimals). */
const CARD_TOP: Array<[string, number]> = [
  ['manhattan', 2.32], ['atomic', 1.74], ['ny', 1.71], ['project', 1.7], ['1945', 1.65],
  ['war', 1.54], ['legacy', 1.52], ['peaceful', 1.49], ['bomb', 1.48],
];
const CARD_ACTIVE_TERMS = 112;
/** Printed weights are rounded to two decimals: half a unit of the last digit, plus parity's 1e-4. */
const PRINTED_TOLERANCE = 0.005 + 1e-4;

const title = 'Splade_PP_en_v1 model card example: 112 active terms led by manhattan 2.32, atomic 1.74, ...';

if (!existsSync(join(dir, 'config.json'))) {
  console.log(
    `model card test skipped: no model at ${dir} (run \`splade fetch prithivida/Splade_PP_en_v1\` or set SPLADE_MODEL_DIR)`,
  );
  test.skip(title, () => {});
} else {
  test(title, async () => {
    const encoder = await SpladeEncoder.fromPretrained(dir);
    const vector = await encoder.encodeDocument(SENTENCE);
    const bag = encoder.decode(vector);
    const top = bag.slice(0, CARD_TOP.length);
    assert.equal(top.map(([token]) => token), CARD_TOP.map(([token]) => token), 'the heaviest terms, in order');
    top.forEach(([token, weight], k) => {
      const card = CARD_TOP[k][1];
      assert.ok(Math.abs(weight - card) <= PRINTED_TOLERANCE, `${token}: ${weight.toFixed(4)} vs the card's ${card}`);
    });
    assert.is(vector.indices.length, CARD_ACTIVE_TERMS, 'number of active terms');
  });
}

test.run();
