// Pruning as OpenSearch's PruneUtils defines it, sentence-transformers' max_active_dims, special
// tokens kept or dropped, and the separate query/document lengths. Expected results are worked
// out by hand from the definitions.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { PruneError, parsePrune, pruneVector } from '../../src/splade/prune.js';
import { sparseVector, type SparseVector } from '../../src/splade/sparse-vector.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const f32 = join(root, 'test/parity/fixtures/f32');
const windows = join(root, 'test/parity/windows-fixtures/chunk-64');

// Weights 4, 3, 2, 1 (sum 10) on terms 10..13, plus 0.5 on term 1.
const v = sparseVector([13, 1, 11, 10, 12], [1, 0.5, 3, 4, 2]);
const ids = (x: SparseVector): number[] => Array.from(x.indices);

test('top_k keeps the k heaviest terms', () => {
  assert.equal(ids(pruneVector(v, { type: 'top_k', value: 2 })), [10, 11]);
  assert.equal(ids(pruneVector(v, { type: 'top_k', value: 9 })), [1, 10, 11, 12, 13]);
});

test('max_ratio keeps weight / max >= R', () => {
  assert.equal(ids(pruneVector(v, { type: 'max_ratio', value: 0.5 })), [10, 11, 12]); // 4, 3, 2 >= 2
  assert.equal(ids(pruneVector(v, { type: 'max_ratio', value: 0.51 })), [10, 11]);
});

test('alpha_mass keeps the heaviest terms until their sum reaches A of the total, the one reaching it included', () => {
  // total 10.5: 4 (0.38), +3 (0.67), +2 (0.86), +1 (0.95), +0.5 (1)
  assert.equal(ids(pruneVector(v, { type: 'alpha_mass', value: 0.6 })), [10, 11]);
  assert.equal(ids(pruneVector(v, { type: 'alpha_mass', value: 0.3 })), [10]);
  assert.equal(ids(pruneVector(v, { type: 'alpha_mass', value: 0.9 })), [10, 11, 12, 13]);
});

test('abs_value keeps weight >= V', () => {
  assert.equal(ids(pruneVector(v, { type: 'abs_value', value: 2 })), [10, 11, 12]);
  assert.equal(Array.from(pruneVector(v, { type: 'abs_value', value: 2 }).values), [4, 3, 2]);
});

test('parsePrune reads TYPE:VALUE and refuses what OpenSearch refuses', () => {
  assert.equal(parsePrune('top_k:3'), { type: 'top_k', value: 3 });
  assert.equal(parsePrune('alpha_mass:0.4'), { type: 'alpha_mass', value: 0.4 });
  for (const bad of ['top_k:0', 'top_k:2.5', 'max_ratio:1', 'alpha_mass:0', 'abs_value:0', 'abs_value:-1', 'rank:3', 'top_k', 'top_k:x']) {
    assert.throws(() => parsePrune(bad), (e: unknown) => e instanceof PruneError, bad);
  }
});

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/splade.js'), 'encode', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('splade encode --prune: top_k:3 is --top-k 3; max_ratio keeps exactly the terms at or above R of the largest; bad values are usage errors', () => {
  const text = ['--model', f32, '--text', 'the atomic bomb and the end of the war'];
  const full = JSON.parse(cli(text).stdout) as { indices: number[]; values: number[] };
  assert.is(cli([...text, '--prune', 'top_k:3']).stdout, cli([...text, '--top-k', '3']).stdout);
  const pruned = JSON.parse(cli([...text, '--prune', 'max_ratio:0.5']).stdout) as { indices: number[]; values: number[] };
  const max = Math.max(...full.values);
  assert.equal(pruned.indices, full.indices.filter((_, k) => full.values[k] / max >= 0.5));
  assert.ok(pruned.indices.length < full.indices.length && pruned.indices.length > 0);
  const bad = cli([...text, '--prune', 'max_ratio:2']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--prune: prune max_ratio needs a number strictly between 0 and 1, got 2/);
});

test('special tokens: kept by default, --special-tokens drop removes [CLS] [SEP] [PAD] [UNK] [MASK] dimensions only', async () => {
  const encoder = await SpladeEncoder.fromPretrained(f32, { backend: new ReferenceBackend() });
  const texts = ['the atomic bomb', 'world war', 'the end of the war', 'science and peace', 'city state'];
  const kept = await encoder.encode(texts);
  const dropped = await encoder.encode(texts, { specialTokens: 'drop' });
  const specials = new Set([0, 1, 2, 3, 4]); // [PAD] [UNK] [CLS] [SEP] [MASK] in the fixture's vocab.txt
  assert.ok(kept.some((x) => ids(x).some((id) => specials.has(id))), 'some vector has a special-token dimension to drop');
  kept.forEach((x, i) => assert.equal(ids(dropped[i]), ids(x).filter((id) => !specials.has(id))));
});

test('maxActiveDims keeps the N heaviest terms, after prune', async () => {
  const encoder = await SpladeEncoder.fromPretrained(f32, { backend: new ReferenceBackend() });
  const [full] = await encoder.encode(['the atomic bomb and the end of the war']);
  const [top] = await encoder.encode(['the atomic bomb and the end of the war'], { maxActiveDims: 4 });
  const heaviest = Array.from(full.indices).map((id, k) => [id, full.values[k]] as const).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([id]) => id).sort((a, b) => a - b);
  assert.equal(ids(top), heaviest);
});

test('query and document lengths: maxLength for documents, queryMaxLength for queries', async () => {
  const encoder = await SpladeEncoder.fromPretrained(windows, { backend: new ReferenceBackend(), maxLength: 10, queryMaxLength: 6 });
  const long = 'the war of the world and the end of the manhattan project atomic bomb';
  const [asQuery] = await encoder.encode([long], { role: 'query' });
  const [asDocument] = await encoder.encode([long]);
  assert.equal(ids(asQuery), ids((await encoder.encode(['the war of the'], { role: 'query', maxLength: 64 }))[0]), 'queries keep 6 - 2 word pieces');
  assert.equal(ids(asDocument), ids((await encoder.encode(['the war of the world and the end'], { maxLength: 64 }))[0]), 'documents keep 10 - 2');
});

test('splade encode --query --query-max-length N cuts queries, --max-length cuts documents', () => {
  const base = ['--model', windows, '--text', 'the war of the world and the end of the manhattan project'];
  const query = cli([...base, '--query', '--query-max-length', '6', '--max-length', '40']);
  assert.is(query.code, 0, query.stderr);
  assert.is(query.stdout, cli(['--model', windows, '--text', 'the war of the', '--query']).stdout);
  assert.match(query.stderr, /the text was truncated to 6 tokens/);
  const document = cli([...base, '--max-length', '6', '--query-max-length', '40']);
  assert.is(document.stdout, query.stdout);
});

test.run();
