// A separate query model decodes with its own vocabulary: two generated models whose
// vocabularies differ (sizes and order), the query vector's terms read with the query model's
// vocab.txt through the API (`decode(v, { role: 'query' })`) and the CLI (`--query --terms`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import type { SparseVector } from '../../src/splade/sparse-vector.js';
import { writeRandomBertFolder } from '../../tools/generate-model.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'splade-query-model-'));
const documentDir = join(dir, 'document');
const queryDir = join(dir, 'query');
const sizes = { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 32 };
await writeRandomBertFolder(documentDir, { ...sizes, vocab: 400, seed: 1 });
const generated = await writeRandomBertFolder(queryDir, { ...sizes, vocab: 600, seed: 2 });
// The query vocabulary: the same specials and characters first (the tokenizer needs them), then
// its words in reverse order, so most ids name other tokens than in the document vocabulary.
const fixed = generated.vocab.findIndex((token) => /^[a-z]{2,}$/.test(token));
const queryVocab = [...generated.vocab.slice(0, fixed), ...generated.vocab.slice(fixed).reverse()];
writeFileSync(join(queryDir, 'vocab.txt'), queryVocab.join('\n') + '\n');
const documentVocab = readFileSync(join(documentDir, 'vocab.txt'), 'utf8').split('\n');

const TEXT = 'the history of the atomic bomb';

/** The vector's terms read with `vocab`, as decode returns them (heaviest first). */
function termsWith(vector: SparseVector, vocab: readonly string[]): Array<[string, number]> {
  const pairs = Array.from(vector.indices, (id, k): [string, number] => [vocab[id], vector.values[k]]);
  return pairs.sort((a, b) => b[1] - a[1]);
}

test('decode with role query reads the query model\'s vocabulary', async () => {
  const encoder = await SpladeEncoder.fromPretrained(documentDir, { queryModel: queryDir, threads: 1 });
  try {
    const query = await encoder.encodeQuery(TEXT);
    assert.ok(query.indices.length > 0);
    const decoded = encoder.decode(query, { role: 'query' });
    assert.equal(decoded.map(([token]) => token).sort(), termsWith(query, queryVocab).map(([token]) => token).sort());
    // The document vocabulary would name other tokens: the test can tell them apart.
    const differing = Array.from(query.indices).filter((id) => documentVocab[id] !== queryVocab[id]);
    assert.ok(differing.length > 0, 'some active query term has another token in the document vocabulary');
    // Documents still decode with the document vocabulary.
    const [doc] = await encoder.encode([TEXT]);
    assert.equal(encoder.decode(doc).map(([token]) => token).sort(), termsWith(doc, documentVocab).map(([token]) => token).sort());
  } finally {
    encoder.dispose();
  }
});

test('splade encode --query --query-model --terms prints the query model\'s tokens', async () => {
  const result = spawnSync(process.execPath, [
    join(root, 'bin/splade.js'), 'encode', '--model', documentDir, '--query-model', queryDir, '--query', '--terms', '--threads', '1', '--text', TEXT,
  ], { encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr);
  const printed = Object.keys((JSON.parse(result.stdout) as { terms: Record<string, number> }).terms).sort();
  const encoder = await SpladeEncoder.fromPretrained(queryDir, { threads: 1 });
  try {
    const alone = await encoder.encode([TEXT]);
    assert.equal(printed, termsWith(alone[0], queryVocab).map(([token]) => token).sort());
    assert.not.equal(printed, termsWith(alone[0], documentVocab).map(([token]) => token).sort());
  } finally {
    encoder.dispose();
  }
});

test.run();
