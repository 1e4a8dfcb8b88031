// splade export end to end: token keys from the model folder's vocab.txt, dimensions from its
// config.json, clear errors, and no output at all when an export fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';
import { writeRouterFolder } from '../helpers/sparse-encoder-folders.js';
import { EXPORT_FORMATS } from '../../src/export/index.js';
import { randomVectors, vectorsJsonl } from '../export/vectors.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = tempDir('export-cli');
const model = join(dir, 'model');
const vectorsPath = join(dir, 'vectors.jsonl');
const vectors = randomVectors(20, 1000, 15, 11);

function splade(args: string[]): { code: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), 'export', ...args], { encoding: 'utf8' });
  return { code: result.status, stderr: result.stderr };
}

test.before(async () => {
  await writeRandomBertFolder(model, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 16, vocab: 1000, seed: 2 });
  writeFileSync(vectorsPath, vectorsJsonl(vectors.map((_, i) => `d${i}`), vectors));
});

test('--to anserini --model: keys are the model\'s vocab.txt tokens; the mapping file for elasticsearch', () => {
  const vocab = readFileSync(join(model, 'vocab.txt'), 'utf8').split('\n');
  const out = join(dir, 'anserini.jsonl');
  const { code, stderr } = splade(['--vectors', vectorsPath, '--to', 'anserini', '--out', out, '--model', model]);
  assert.is(code, 0, stderr);
  const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { id: string; vector: Record<string, number> });
  assert.is(lines.length, vectors.length);
  lines.forEach((line, i) => {
    const expected = Array.from(vectors[i].indices, (index) => vocab[index]).sort();
    // randomVectors weights are at least 0.01, so none rounds to 0 at scale 100.
    assert.equal(Object.keys(line.vector).sort(), expected);
  });
  const es = join(dir, 'es.ndjson');
  const result = splade(['--vectors', vectorsPath, '--to', 'elasticsearch', '--out', es, '--model', model, '--index', 'docs']);
  assert.is(result.code, 0, result.stderr);
  assert.equal(JSON.parse(readFileSync(`${es}.mapping.json`, 'utf8')), { mappings: { properties: { splade: { type: 'sparse_vector' } } } });
  assert.match(result.stderr, /es\.ndjson\.mapping\.json: create the index with it \(PUT \/docs\)/);
});

test('--to anserini-topics --model ROUTER: query vectors as TSV topics, tokens from a Router layout\'s MLM folder', async () => {
  // A sentence-transformers Router folder around the same model: its vocabulary is in the MLM's folder.
  const router = join(dir, 'router');
  await writeRouterFolder(router, model, {}, new Float32Array(1000).fill(1));
  const vocab = readFileSync(join(model, 'vocab.txt'), 'utf8').split('\n');
  const out = join(dir, 'topics.tsv');
  const { code, stderr } = splade(['--vectors', vectorsPath, '--to', 'anserini-topics', '--out', out, '--model', router, '--scale', '10']);
  assert.is(code, 0, stderr);
  const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
  assert.is(lines.length, vectors.length);
  lines.forEach((line, i) => {
    const [id, words] = line.split('\t');
    assert.is(id, `d${i}`);
    const kept = Array.from(vectors[i].indices).filter((_, k) => Math.round(vectors[i].values[k] * 10) > 0).map((index) => vocab[index]);
    assert.equal([...new Set(words.split(' '))].sort(), kept.sort());
  });
});

test('--to elasticsearch-queries / opensearch-queries: _msearch NDJSON with --size and --index; --size elsewhere is a usage error', () => {
  for (const to of ['elasticsearch-queries', 'opensearch-queries']) {
    const out = join(dir, `${to}.ndjson`);
    const { code, stderr } = splade(['--vectors', vectorsPath, '--to', to, '--out', out, '--model', model, '--index', 'docs', '--size', '5']);
    assert.is(code, 0, stderr);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.is(lines.length, 2 * vectors.length);
    assert.equal(lines[0], { index: 'docs' });
    assert.is((lines[1] as { size: number }).size, 5);
  }
  const misplaced = splade(['--vectors', vectorsPath, '--to', 'anserini', '--out', join(dir, 'x'), '--model', model, '--size', '5']);
  assert.is(misplaced.code, 2);
  assert.match(misplaced.stderr, /--size is for --to pgvector-queries\|elasticsearch-queries\|opensearch-queries\|qdrant-queries\|milvus-queries\|pinecone-queries, not anserini/);
});

test('--to milvus / milvus-queries: insert and search bodies named by --index and --field, and OUT.collection.json; no --model needed', () => {
  const out = join(dir, 'milvus.jsonl');
  const { code, stderr } = splade(['--vectors', vectorsPath, '--to', 'milvus', '--out', out, '--index', 'docs', '--field', 'sparse']);
  assert.is(code, 0, stderr);
  const [insert] = readFileSync(out, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { collectionName: string; data: Array<{ doc_id: string; sparse: { indices: number[] } }> });
  assert.is(insert.collectionName, 'docs');
  assert.equal(insert.data.map((row) => row.doc_id), vectors.map((_, i) => `d${i}`));
  assert.equal(insert.data[3].sparse.indices, Array.from(vectors[3].indices));
  const collection = JSON.parse(readFileSync(`${out}.collection.json`, 'utf8')) as { collectionName: string; indexParams: Array<{ fieldName: string }> };
  assert.equal([collection.collectionName, collection.indexParams[0].fieldName], ['docs', 'sparse']);
  assert.match(stderr, /milvus\.jsonl\.collection\.json: create \(and load\) the collection with it \(POST \/v2\/vectordb\/collections\/create\)/);
  const queries = join(dir, 'milvus-queries.jsonl');
  const result = splade(['--vectors', vectorsPath, '--to', 'milvus-queries', '--out', queries, '--index', 'docs', '--size', '5']);
  assert.is(result.code, 0, result.stderr);
  const [search] = readFileSync(queries, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { collectionName: string; data: unknown[]; limit: number });
  assert.equal([search.collectionName, search.data.length, search.limit], ['docs', vectors.length, 5]);
  assert.not.ok(existsSync(`${queries}.collection.json`));
});

test('--to pinecone / pinecone-queries: upsert and query bodies, OUT.index.json named by --index; no --model needed', () => {
  const out = join(dir, 'pinecone.jsonl');
  const { code, stderr } = splade(['--vectors', vectorsPath, '--to', 'pinecone', '--out', out, '--index', 'my-docs']);
  assert.is(code, 0, stderr);
  const [upsert] = readFileSync(out, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { vectors: Array<{ id: string; sparseValues: { indices: number[] } }>; namespace: string });
  assert.equal(upsert.vectors.map((record) => record.id), vectors.map((_, i) => `d${i}`));
  assert.equal(upsert.vectors[3].sparseValues.indices, Array.from(vectors[3].indices));
  const index = JSON.parse(readFileSync(`${out}.index.json`, 'utf8')) as { name: string; vector_type: string };
  assert.equal([index.name, index.vector_type], ['my-docs', 'sparse']);
  assert.match(stderr, /pinecone\.jsonl\.index\.json: create the index with it \(POST https:\/\/api\.pinecone\.io\/indexes/);
  const badName = splade(['--vectors', vectorsPath, '--to', 'pinecone', '--out', join(dir, 'badname.jsonl'), '--index', 'My_Docs']);
  assert.is(badName.code, 1);
  assert.match(badName.stderr, /index name 'My_Docs': a Pinecone index name is 1 to 45 lower-case letters/);
  const queries = join(dir, 'pinecone-queries.jsonl');
  const result = splade(['--vectors', vectorsPath, '--to', 'pinecone-queries', '--out', queries, '--size', '5']);
  assert.is(result.code, 0, result.stderr);
  const lines = readFileSync(queries, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { topK: number });
  assert.equal([lines.length, lines[0].topK], [vectors.length, 5]);
  assert.not.ok(existsSync(`${queries}.index.json`));
});

test('--to pgvector --model takes sparsevec(N) from config.json vocab_size', () => {
  const out = join(dir, 'pg.sql');
  const { code, stderr } = splade(['--vectors', vectorsPath, '--to', 'pgvector', '--out', out, '--model', model, '--table', 'docs']);
  assert.is(code, 0, stderr);
  assert.match(readFileSync(out, 'utf8'), /CREATE TABLE docs \(id text PRIMARY KEY, embedding sparsevec\(1000\) NOT NULL\);/);
});

test('errors: usage (exit 2), and a bad line midway leaves no output file and no temp file', () => {
  const usage = splade(['--vectors', vectorsPath, '--to', 'anserini', '--out', join(dir, 'x')]);
  assert.is(usage.code, 2);
  assert.match(usage.stderr, /--to anserini keys vectors by token string: give --model DIR/);
  const unknown = splade(['--vectors', vectorsPath, '--to', 'solr', '--out', join(dir, 'x')]);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /--to must be one of pgvector, elasticsearch, opensearch, qdrant, milvus, milvus-import, pinecone, vespa, anserini/);

  const bad = join(dir, 'bad.jsonl');
  const lines = readFileSync(vectorsPath, 'utf8').split('\n');
  lines[2] = '{"id":"d2","indices":[5,3],"values":[1,1]}';
  writeFileSync(bad, lines.join('\n'));
  const sub = join(dir, 'failed');
  mkdirSync(sub);
  const out = join(sub, 'q.jsonl');
  const failed = splade(['--vectors', bad, '--to', 'qdrant', '--out', out]);
  assert.is(failed.code, 1);
  assert.match(failed.stderr, /bad\.jsonl line 3: indices must increase/);
  assert.not.ok(existsSync(out));
  assert.equal(readdirSync(sub), []);
});

/** One vector line with `id` written as given (raw JSON text, so escapes and numbers stay as written). */
const lineWithId = (idJson: string, term = 1): string => `{"id":${idJson},"indices":[${term}],"values":[0.5]}`;

/** Runs an export expected to be refused; asserts one line on stderr and nothing left in a fresh folder. */
function refused(name: string, args: string[]): string {
  const sub = join(dir, name);
  mkdirSync(sub);
  const result = splade([...args, '--out', join(sub, 'out')]);
  assert.is(result.code, 1, result.stderr);
  assert.is(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.equal(readdirSync(sub), [], `${name}: no output, setup file or temporary file`);
  return result.stderr;
}

// Formats keyed by term id do not need --model, but given one, a term id past its vocab_size
// says the vectors come from another model: refused, as the token-keyed formats refuse it.
test('with --model, a term id past its vocab_size is refused by the formats keyed by term id too', () => {
  const foreign = join(dir, 'foreign.jsonl');
  writeFileSync(foreign, `${lineWithId('"a"')}\n{"id":"b","indices":[3,1000],"values":[0.5,1]}\n`);
  for (const [to, format] of Object.entries(EXPORT_FORMATS)) {
    if (format.needsVocabulary) continue;
    const stderr = refused(`foreign-${to}`, ['--vectors', foreign, '--to', to, '--model', model]);
    assert.match(stderr, /foreign\.jsonl line 2: term id 1000 is outside the model's vocabulary \(vocab_size 1000\)/, to);
  }
});

test('a repeated id is refused by every format, naming both lines, with no output or setup file left', () => {
  const lines = readFileSync(vectorsPath, 'utf8').trimEnd().split('\n');
  const repeated = join(dir, 'repeated.jsonl');
  writeFileSync(repeated, [...lines.slice(0, 6), lines[3], ...lines.slice(6)].join('\n') + '\n');
  for (const to of Object.keys(EXPORT_FORMATS)) {
    const stderr = refused(`repeated-${to}`, ['--vectors', repeated, '--to', to, '--model', model]);
    assert.match(stderr, /^splade: .*repeated\.jsonl line 7: id "d3" repeats line 4's\n$/, to);
  }
});

test('ids are compared as the engines store them: 7 is "7", "d\\u0031" is "d1"; NFC and NFD stay two ids', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['number-then-text', [lineWithId('7'), lineWithId('"7"')], /line 2: id "7" repeats line 1's/],
    ['text-then-number', [lineWithId('"7"'), '', lineWithId('7')], /line 3: id "7" repeats line 1's \(the number 7 is the id "7": ids are stored as text\)/],
    ['escaped', [lineWithId('"d1"'), lineWithId('"d\\u0031"')], /line 2: id "d1" repeats line 1's/],
  ];
  for (const [name, lines, message] of cases) {
    const path = join(dir, `${name}.jsonl`);
    writeFileSync(path, lines.join('\n') + '\n');
    assert.match(refused(name, ['--vectors', path, '--to', 'qdrant']), message, name);
  }
  const normalized = join(dir, 'nfc-nfd.jsonl');
  writeFileSync(normalized, [lineWithId('"caf\u00e9"'), lineWithId('"cafe\u0301"')].join('\n') + '\n');
  const out = join(dir, 'nfc-nfd.ndjson');
  const result = splade(['--vectors', normalized, '--to', 'milvus-import', '--out', out]);
  assert.is(result.code, 0, result.stderr);
  assert.equal((JSON.parse(readFileSync(out, 'utf8')) as Array<{ doc_id: string }>).map((row) => row.doc_id), ['caf\u00e9', 'cafe\u0301']);
});

test('a repeat far apart: the first line and the last of 3,000 (blank lines between), and --no-id-check lets it through', () => {
  const lines = Array.from({ length: 2999 }, (_, k) => lineWithId(JSON.stringify(`doc-${k}`), k % 500));
  lines.splice(1000, 0, '', '');
  lines.push(lineWithId('"doc-0"'));
  const path = join(dir, 'far.jsonl');
  writeFileSync(path, lines.join('\n') + '\n');
  assert.match(refused('far', ['--vectors', path, '--to', 'pgvector', '--dimensions', '500']), /far\.jsonl line 3002: id "doc-0" repeats line 1's/);
  const out = join(dir, 'far.sql');
  const skipped = splade(['--vectors', path, '--to', 'pgvector', '--dimensions', '500', '--out', out, '--no-id-check']);
  assert.is(skipped.code, 0, skipped.stderr);
  assert.match(skipped.stderr, /3000 vectors to/);
  assert.is(readFileSync(out, 'utf8').match(/\('doc-0',/g)?.length, 2);
});

test.run();
