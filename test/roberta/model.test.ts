// A generated RobertaForMaskedLM folder (npm run generate-model -- --architecture
// RobertaForMaskedLM) in the layout transformers saves, encoded from text end to end: the ids
// the Rust tokenizers binding gives for its tokenizer.json, and the vectors of those ids. With
// SPLADE_LIVE_PARITY=1 the folder also goes through roberta_reference.py (plain torch).
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Tokenizer } from 'tokenizers';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { writeRandomRobertaFolder } from '../../tools/generate-model.js';
import { liveTorchFailures } from '../parity/family-parity.js';

const test = suite('RobertaForMaskedLM: a generated folder');
const tmp = mkdtempSync(join(tmpdir(), 'splade-roberta-'));
const dir = join(tmp, 'model');
const TEXTS = ['Sparse search, on one machine.', "It's 2026: naïve café résumé 🙂", '   leading and trailing spaces   '];

test.before(async () => {
  await writeRandomRobertaFolder(dir, { layers: 2, hidden: 32, heads: 4, intermediate: 64, maxPositions: 64, seed: 3 });
});
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('the layout transformers saves: roberta.* and lm_head.* names, no tied decoder, padding rows zero', async () => {
  const file = await readSafetensorsFile(join(dir, 'model.safetensors'));
  const names = file.names();
  assert.ok(names.every((n) => n.startsWith('roberta.') || n.startsWith('lm_head.')), names.join(', '));
  assert.not.ok(names.includes('lm_head.decoder.weight'));
  assert.ok(names.includes('lm_head.bias') && names.includes('lm_head.layer_norm.weight'));
  assert.equal(file.info('roberta.embeddings.position_embeddings.weight')!.shape, [66, 32]);
  for (const table of ['word_embeddings', 'position_embeddings']) {
    const row = file.float32(`roberta.embeddings.${table}.weight`).subarray(32, 64);
    assert.ok(row.every((v) => v === 0), `${table} row 1 (the padding id) is zero`);
  }
});

test('text: the ids of the Rust tokenizer, the vectors of those ids, and the 64-token limit of a 66-row table', async () => {
  const rust = Tokenizer.fromString(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
  const encoder = await SpladeEncoder.fromPretrained(dir);
  assert.is(encoder.model.sizes.max_position_embeddings, 64);
  const fromText = await encoder.encode(TEXTS);
  for (const [i, text] of TEXTS.entries()) {
    const ids = (await rust.encode(text)).getIds();
    const [fromIds] = await encoder.encodeInputIds({ input_ids: [ids] });
    assert.equal([[...fromText[i].indices], [...fromText[i].values]], [[...fromIds.indices], [...fromIds.values]], text);
    assert.ok(fromText[i].indices.length > 0);
  }
  encoder.dispose();
});

if (process.env.SPLADE_LIVE_PARITY === '1') {
  test('live: the folder matches roberta_reference.py (plain torch) on hidden states, attentions and SPLADE', async () => {
    const script = fileURLToPath(new URL('../parity/roberta_reference.py', import.meta.url));
    const rows = { input_ids: [[0, 400, 7700, 1, 120, 2], [0, 9, 2, 1, 1, 1]], attention_mask: [[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]] };
    assert.equal(await liveTorchFailures(script, dir, tmp, rows), []);
  });
}

test.run();
