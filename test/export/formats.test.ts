// Each export format against its engine's documented shape (field names, types, mappings),
// with token keys from a generated model's vocabulary.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { anserini, anseriniTopics, elasticsearch, elasticsearchQueries, opensearchQueries, qdrantQueries, opensearch, parseVectorLine, pgvector, qdrant, vespa, type ExportFormat, type ExportOptions, type ExportRecord, type Vocabulary } from '../../src/export/index.js';
import { sparsevecText, sqlString } from '../../src/export/pgvector.js';
import { roundHalfEven } from '../../src/export/numbers.js';
import { smallVocab } from '../../tools/generate-model.js';
import { robertaVocab } from '../../tools/roberta-tokenizer-files.js';
import { exportText, jsonLines, rejects } from './export-run.js';
import { randomVectors } from './vectors.js';

const tokens = smallVocab(1000);
const vocabulary: Vocabulary = { size: tokens.length, token: (id) => tokens[id] };
const idOf = new Map(tokens.map((token, id) => [token, id]));
const vectors = randomVectors(600, tokens.length, 30, 7);
const records: ExportRecord[] = vectors.map((vector, i) => ({ id: i % 4 === 0 ? i : `doc-${i}`, vector, where: `vectors.jsonl line ${i + 1}` }));

/** [term id, float32 weight] pairs sorted by id (JSON.parse puts integer-like keys such as "4" first). */
function pairs(entries: Array<[string, number]>, id: (key: string) => number | undefined): Array<[number | undefined, number]> {
  return entries.map(([key, weight]): [number | undefined, number] => [id(key), Math.fround(weight)]).sort((a, b) => (a[0] ?? -1) - (b[0] ?? -1));
}

function expectedPairs(record: ExportRecord): Array<[number, number]> {
  return Array.from(record.vector.indices, (index, k): [number, number] => [index, record.vector.values[k]]);
}

const run = (format: ExportFormat, options: ExportOptions, input: readonly ExportRecord[] = records): string => exportText(format, options, input);

test('the vocabulary has dotted tokens (the Lucene key rule is exercised)', () => {
  assert.ok(tokens.includes('.'), 'smallVocab has "."');
});

test('parseVectorLine reads a line and names what is wrong with a bad one', () => {
  const record = parseVectorLine('{"id":"a","indices":[2,7],"values":[0.5,1.25]}', 'v line 1');
  assert.equal([record.id, Array.from(record.vector.indices), Array.from(record.vector.values)], ['a', [2, 7], [0.5, 1.25]]);
  rejects(() => parseVectorLine('{"id":"a","indices":[7,2],"values":[1,1]}', 'v line 3'), /^v line 3: indices must increase: indices\[1\] = 2 after 7$/);
  rejects(() => parseVectorLine('{"id":"a","indices":[1],"values":[]}', 'v line 4'), /1 indices but 0 values/);
  rejects(() => parseVectorLine('{"id":null,"indices":[],"values":[]}', 'v line 5'), /"id" must be a string or a number/);
  // JSON.parse has rounded 12345678901234567891 to 12345678901234567000: another document's id.
  rejects(() => parseVectorLine('{"id":12345678901234567891,"indices":[],"values":[]}', 'v line 5'), /^v line 5: "id" 12345678901234567000 is a number outside ±\(2\^53 - 1\), which JSON readers round: write it as a string$/);
  assert.equal(parseVectorLine(`{"id":${Number.MAX_SAFE_INTEGER},"indices":[],"values":[]}`, 'v').id, Number.MAX_SAFE_INTEGER);
  rejects(() => parseVectorLine('{"id":1,"indices":[1.5],"values":[1]}', 'v line 6'), /indices\[0\] = 1.5 is not a term id/);
  rejects(() => parseVectorLine('{"id":1,"indices":[1],"values":["x"]}', 'v line 7'), /values\[0\] = "x" is not a finite number/);
  rejects(() => parseVectorLine('{"id":1,"indices":[1],"values":[1e999]}', 'v line 7'), /values\[0\] = Infinity is not a finite number/);
  rejects(() => parseVectorLine('{"id":1,', 'v line 8'), /v line 8: not valid JSON/);
  // Finite as a double, Infinity as a float32: it would be written `Infinity` (not JSON).
  rejects(() => parseVectorLine('{"id":1,"indices":[1],"values":[1e39]}', 'v line 9'), /v line 9: values\[0\] = 1e\+39 is outside the float32 range/);
  assert.equal(Array.from(parseVectorLine('{"id":1,"indices":[1],"values":[3.4028234e38]}', 'v').vector.values), [3.4028234663852886e38]);
});

test('pgvector: CREATE TABLE (id text primary key, embedding sparsevec(N)), 1-based sparsevec literals, quoted ids', () => {
  const sql = run(pgvector, { dimensions: 1000 });
  assert.match(sql, /CREATE EXTENSION IF NOT EXISTS vector;\nCREATE TABLE splade_vectors \(id text PRIMARY KEY, embedding sparsevec\(1000\) NOT NULL\);/);
  assert.match(sql, /^BEGIN;$/m);
  assert.ok(sql.trimEnd().split('\n').some((line) => line === 'COMMIT;'));
  // 600 rows in INSERTs of 500.
  assert.is(sql.match(/^INSERT INTO splade_vectors \(id, embedding\) VALUES$/gm)?.length, 2);
  const record: ExportRecord = { id: 'x', vector: { indices: Uint32Array.of(0, 2, 999), values: Float32Array.of(0.5, 1.25, 0.1) }, where: 'w' };
  assert.is(sparsevecText(record, 1000), '{1:0.5,3:1.25,1000:0.1}/1000');
  rejects(() => sparsevecText({ ...record, vector: { indices: Uint32Array.of(1000), values: Float32Array.of(1) } }, 1000), /w: term id 1000 does not fit sparsevec\(1000\)/);
  assert.is(sqlString("it's", 'w'), "'it''s'");
  rejects(() => sqlString('a\0b', 'w'), /NUL/);
  rejects(() => pgvector.create({}), /give --model \(its vocab_size\) or --dimensions N/);
  rejects(() => pgvector.create({ dimensions: 10, name: 'x; DROP TABLE y' }), /table name/);
  const many = { id: 1, vector: { indices: Uint32Array.from({ length: 16_001 }, (_, i) => i), values: new Float32Array(16_001).fill(1) }, where: 'w' };
  rejects(() => pgvector.create({ dimensions: 20_000 }).add(many), /at most 16000/);
});

function checkBulk(format: ExportFormat, fieldType: string): void {
  const lines = jsonLines(run(format, { vocabulary }));
  assert.is(lines.length, 2 * records.length);
  records.forEach((record, i) => {
    assert.equal(lines[2 * i], { index: { _index: 'splade', _id: String(record.id) } });
    const source = lines[2 * i + 1] as { splade: Record<string, number> };
    assert.equal(Object.keys(source), ['splade']);
    assert.equal(pairs(Object.entries(source.splade), (key) => idOf.get(key.replaceAll('__', '.'))), expectedPairs(record));
    for (const key of Object.keys(source.splade)) assert.not.ok(key.includes('.'), `key ${key}`);
  });
  const setup = format.setup!({ vocabulary });
  assert.equal(JSON.parse(setup.content), { mappings: { properties: { splade: { type: fieldType } } } });
}

test('elasticsearch: bulk action + {splade: {token: weight}} lines, a sparse_vector mapping, "." written "__"', () => {
  checkBulk(elasticsearch, 'sparse_vector');
  const dotted = { id: 'd', vector: { indices: Uint32Array.of(idOf.get('.')!), values: Float32Array.of(1.5) }, where: 'w' };
  assert.match(run(elasticsearch, { vocabulary, keepDots: true }, [dotted]), /\{"splade":\{"\.":1\.5\}\}/);
  assert.match(run(elasticsearch, { vocabulary }, [dotted]), /\{"splade":\{"__":1\.5\}\}/);
});

// Elasticsearch and OpenSearch split a field name at its dots (DocumentParser): an empty name, or
// a part that is empty or only white space, fails every document of the bulk request.
test('elasticsearch/opensearch (and their queries): a --field that is no field path is refused; a dotted path is kept', () => {
  for (const format of [elasticsearch, opensearch, elasticsearchQueries, opensearchQueries]) {
    for (const field of ['', ' ', '.splade', 'splade.', 'a..b', 'a. .b']) {
      rejects(() => format.create({ vocabulary, field }), /^field name .* is not a field path: Elasticsearch and OpenSearch split it at each '\.', and every part must be non-empty and not only white space$/);
    }
    assert.match(run(format, { vocabulary, field: 'doc.splade' }, records.slice(0, 1)), /"doc\.splade"/);
  }
  rejects(() => elasticsearch.setup!({ field: 'a..b' }), /field name "a\.\.b" is not a field path/);
});

test("a RoBERTa vocabulary has '.' and '__': the default key rule refuses it and names --dot-as replacements that stay distinct", () => {
  const gpt2 = robertaVocab();
  const roberta: Vocabulary = { size: gpt2.length, token: (id) => gpt2[id] };
  const gpt2Id = new Map(gpt2.map((token, id) => [token, id]));
  for (const format of [elasticsearch, opensearch, elasticsearchQueries, opensearchQueries]) {
    rejects(() => format.create({ vocabulary: roberta }), /tokens "\." and "__" both become key "__" once '\.' is written '__'; use --dot-as '_dot_'.* \(distinct in this vocabulary\)/);
  }
  rejects(() => opensearch.create({ vocabulary: roberta, dotAs: '_' }), /once '\.' is written '_'; use --dot-as '_dot_'/);
  rejects(() => opensearch.create({ vocabulary: roberta, dotAs: '' }), /--dot-as must be a non-empty text without '\.'/);
  rejects(() => opensearch.create({ vocabulary: roberta, dotAs: 'a.b' }), /--dot-as must be a non-empty text without '\.'/);
  // With '_dot_' documents and queries are keyed alike, and every key maps back to one token.
  const dotted = ['.', 'Ġ.', '...', 'Ġ__', '__'].map((token) => gpt2Id.get(token)!);
  const record = { id: 'd', vector: { indices: Uint32Array.from(dotted).sort(), values: new Float32Array(dotted.length).fill(1.5) }, where: 'w' };
  const [, source] = jsonLines(run(opensearch, { vocabulary: roberta, dotAs: '_dot_' }, [record])) as [unknown, { splade: Record<string, number> }];
  const back = (key: string) => gpt2Id.get(key.replaceAll('_dot_', '.'));
  assert.equal(pairs(Object.entries(source.splade), back), expectedPairs(record));
  assert.ok('_dot_' in source.splade && '__' in source.splade && 'Ġ_dot_' in source.splade);
  const [, query] = jsonLines(run(opensearchQueries, { vocabulary: roberta, dotAs: '_dot_' }, [record])) as [unknown, { query: { neural_sparse: { splade: { query_tokens: Record<string, number> } } } }];
  assert.equal(Object.keys(query.query.neural_sparse.splade.query_tokens).sort(), Object.keys(source.splade).sort());
});

test('opensearch: the same bulk lines for a rank_features mapping', () => {
  checkBulk(opensearch, 'rank_features');
});

test('elasticsearch/opensearch: positive weights only; zeros left out; a vocabulary is required', () => {
  const withZero = { id: 'z', vector: { indices: Uint32Array.of(5, 6), values: Float32Array.of(0, 2) }, where: 'v line 9' };
  assert.match(run(opensearch, { vocabulary }, [withZero]), new RegExp(`\\{"splade":\\{${JSON.stringify(tokens[6]).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}:2\\}\\}`));
  const negative = { id: 'n', vector: { indices: Uint32Array.of(5), values: Float32Array.of(-1) }, where: 'v line 10' };
  rejects(() => run(elasticsearch, { vocabulary }, [negative]), /v line 10: term 5 has weight -1; Elasticsearch sparse_vector takes only positive weights/);
  rejects(() => elasticsearch.create({}), /give the model \(--model\)/);
  const outside = { id: 'o', vector: { indices: Uint32Array.of(5000), values: Float32Array.of(1) }, where: 'v line 11' };
  rejects(() => run(elasticsearch, { vocabulary }, [outside]), /v line 11: term id 5000 is outside the vocabulary \(1000 tokens\)/);
  rejects(() => run(opensearch, { vocabulary }, [{ ...outside, id: '', where: 'v line 12' }]), /v line 12: the id is empty/);
});

test('qdrant: upsert bodies of at most 256 points, named sparse vector {indices, values}, unsigned point ids, doc_id payload', () => {
  const lines = jsonLines(run(qdrant, {})) as Array<{ points: Array<{ id: number; vector: { splade: { indices: number[]; values: number[] } }; payload: { doc_id: unknown } }> }>;
  assert.equal(lines.map((line) => line.points.length), [256, 256, 88]);
  lines.flatMap((line) => line.points).forEach((point, i) => {
    assert.equal(Object.keys(point), ['id', 'vector', 'payload']);
    assert.is(point.id, i);
    assert.equal(point.vector.splade.indices, Array.from(records[i].vector.indices));
    assert.equal(point.vector.splade.values.map(Math.fround), Array.from(records[i].vector.values));
    assert.equal(point.payload, { doc_id: records[i].id });
  });
  assert.equal(JSON.parse(qdrant.setup!({ field: 'text' }).content), { sparse_vectors: { text: {} } });
});

test('vespa: put operations with a token{} tensor as {"cells": {label: value}}, and the schema', () => {
  const lines = jsonLines(run(vespa, { vocabulary })) as Array<{ put: string; fields: { doc_id: string; splade: { cells: Record<string, number> } } }>;
  lines.forEach((line, i) => {
    assert.equal(Object.keys(line), ['put', 'fields']);
    assert.is(line.put, `id:splade:splade::${records[i].id}`);
    assert.is(line.fields.doc_id, String(records[i].id));
    assert.equal(Object.keys(line.fields.splade), ['cells']);
    assert.equal(pairs(Object.entries(line.fields.splade.cells), (token) => idOf.get(token)), expectedPairs(records[i]));
  });
  // Vespa's TensorReader reads a bare object whose first key is "blocks" as the blocks form
  // (and refuses it for a mapped tensor): labels that name a form stay labels under "cells".
  const named: Vocabulary = { size: 4, token: (id) => ['blocks', 'cells', 'values', 'type'][id] };
  const record = { id: 'b', vector: { indices: Uint32Array.of(0, 1, 2, 3), values: Float32Array.of(1, 2, 3, 4) }, where: 'w' };
  const [put] = jsonLines(run(vespa, { vocabulary: named }, [record])) as Array<{ fields: { splade: unknown } }>;
  assert.equal(put.fields.splade, { cells: { blocks: 1, cells: 2, values: 3, type: 4 } });
  const schema = vespa.setup!({}).content;
  assert.match(schema, /field splade type tensor<float>\(token\{\}\) \{\n\s+indexing: summary \| attribute/);
  assert.match(schema, /query\(q\) tensor<float>\(token\{\}\)/);
  assert.match(schema, /expression: sum\(query\(q\) \* attribute\(splade\)\)/);
});

// Vespa's IdString.createIdString refuses an id of more than 0x10000 UTF-16 units, or with a
// code point that com.yahoo.text.Text.isTextCharacter refuses: `vespa feed` would fail on that
// document alone, halfway through the feed.
test('vespa: a document id Vespa cannot parse is refused, naming the line', () => {
  const vector = { indices: Uint32Array.of(1), values: Float32Array.of(1) };
  const feed = (id: string): string => run(vespa, { vocabulary }, [{ id, vector, where: 'v line 9' }]);
  for (const [id, code] of [['a\u0000b', '0x0'], ['bell\u0007', '0x7'], ['x\ufdd0', '0xFDD0'], ['x\uffff', '0xFFFF'], ['x\u{1fffe}', '0x1FFFE'], ['lone \ud800', '0xD800'], ['\udc00', '0xDC00']]) {
    rejects(() => feed(id), new RegExp(`^v line 9: the id holds the code point ${code}, which a Vespa document id cannot hold$`));
  }
  const longest = 'x'.repeat(0x10000 - 'id:splade:splade::'.length);
  assert.ok(feed(longest).includes(longest));
  rejects(() => feed(`${longest}y`), /^v line 9: the document id id:splade:splade::\.\.\. is 65537 UTF-16 units long; Vespa takes at most 65536$/);
  // Tabs, line breaks, DEL and the other planes' text characters are Vespa text.
  for (const id of ['a\tb\nc\rd', 'del\u007f', 'x\u{1fffd}', 'emoji \u{1f600}', '\ufdef']) assert.ok(feed(id).includes(JSON.stringify(`id:splade:splade::${id}`)));
});

test('anserini: {"id", "contents", "vector": {token: int}} with round(w x 100), zeros left out, --scale', () => {
  const lines = jsonLines(run(anserini, { vocabulary })) as Array<{ id: string; contents: string; vector: Record<string, number> }>;
  lines.forEach((line, i) => {
    assert.equal(Object.keys(line), ['id', 'contents', 'vector']);
    assert.is(line.id, String(records[i].id));
    assert.is(line.contents, '');
    const expected = expectedPairs(records[i]).map(([index, w]): [number, number] => [index, Math.round(w * 100)]).filter(([, w]) => w !== 0);
    // Math.round and round-half-even differ only at exact halves, which these random weights avoid.
    assert.equal(pairs(Object.entries(line.vector), (token) => idOf.get(token)), expected);
    for (const weight of Object.values(line.vector)) assert.ok(Number.isInteger(weight) && weight > 0);
  });
  const small = { id: 's', vector: { indices: Uint32Array.of(3, 4), values: Float32Array.of(0.004, 0.5) }, where: 'w' };
  assert.equal(JSON.parse(run(anserini, { vocabulary, scale: 1000 }, [small])).vector, { [tokens[3]]: 4, [tokens[4]]: 500 });
  assert.equal(JSON.parse(run(anserini, { vocabulary }, [small])).vector, { [tokens[4]]: 50 });
  // JsonVectorCollection writes each key `cnt` times into text the WhitespaceAnalyzer splits:
  // a token with white space (Java's, U+001C..U+001F included) would index as other terms.
  for (const odd of ['two words', 'a\u001fb']) {
    const spaced: Vocabulary = { size: 10, token: (id) => (id === 4 ? odd : tokens[id]) };
    rejects(() => run(anserini, { vocabulary: spaced }, [small]), /w: token ".*" holds white space/);
  }
});

test('anserini-topics: id TAB each token repeated round(w x 100) times, as Anserini\'s SPLADE topic files (TsvString)', () => {
  const lines = run(anseriniTopics, { vocabulary }).split('\n');
  assert.is(lines.pop(), '', 'ends with a line break');
  lines.forEach((line, i) => {
    const [id, words, ...rest] = line.split('\t');
    assert.equal(rest, [], 'two columns');
    assert.is(id, String(records[i].id));
    const counts = new Map<string, number>();
    for (const word of words === '' ? [] : words.split(' ')) counts.set(word, (counts.get(word) ?? 0) + 1);
    const expected = expectedPairs(records[i]).map(([index, w]): [number, number] => [index, Math.round(w * 100)]).filter(([, w]) => w !== 0);
    assert.equal(pairs([...counts], (token) => idOf.get(token)), expected);
  });
  const small = { id: 's', vector: { indices: Uint32Array.of(3, 4), values: Float32Array.of(0.004, 0.03) }, where: 'w' };
  assert.is(run(anseriniTopics, { vocabulary, scale: 1000 }, [small]), `s\t${Array(4).fill(tokens[3]).concat(Array(30).fill(tokens[4])).join(' ')}\n`);
  assert.is(run(anseriniTopics, { vocabulary }, [small]), `s\t${Array(3).fill(tokens[4]).join(' ')}\n`);
  rejects(() => run(anseriniTopics, { vocabulary }, [{ ...small, id: 'a\tb', where: 'q line 2' }]), /^q line 2: id "a\\tb" holds a tab or line break/);
  const spaced: Vocabulary = { size: 10, token: (id) => (id === 4 ? 'two words' : tokens[id]) };
  rejects(() => run(anseriniTopics, { vocabulary: spaced }, [small]), /token "two words" holds white space/);
  rejects(() => run(anseriniTopics, { vocabulary }, [{ ...small, vector: { indices: Uint32Array.of(1), values: Float32Array.of(-1) } }]), /only positive weights/);
  // TsvStringTopicReader trims each line and reads split("\t")[1]: `id<TAB>` alone would stop
  // SearchCollection, so a query with no term left (empty, or all rounding to 0) is not written.
  const empty = { id: 'e', vector: { indices: new Uint32Array(0), values: new Float32Array(0) }, where: 'q line 3' };
  const tiny = { id: 't', vector: { indices: Uint32Array.of(3), values: Float32Array.of(0.004) }, where: 'q line 4' };
  assert.is(run(anseriniTopics, { vocabulary }, [empty, small, tiny]), `s\t${Array(3).fill(tokens[4]).join(' ')}\n`);
});

test('elasticsearch-queries / opensearch-queries: _msearch pairs, each engine\'s query of the token weights, in order', () => {
  for (const [format, queryOf] of [
    [elasticsearchQueries, (q: Record<string, unknown>) => {
      // Exact dot products: no token pruning (the default of 8.19+/9.1+ sparse_vector fields).
      const clause = q.sparse_vector as { field: string; query_vector: Record<string, number>; prune: boolean };
      assert.equal(Object.keys(clause), ['field', 'query_vector', 'prune']);
      assert.is(clause.prune, false);
      return clause;
    }],
    [opensearchQueries, (q: Record<string, unknown>) => ({ field: Object.keys(q.neural_sparse as object)[0], query_vector: (Object.values(q.neural_sparse as object)[0] as { query_tokens: Record<string, number> }).query_tokens })],
  ] as const) {
    const lines = jsonLines(run(format, { vocabulary, name: 'docs', field: 'emb', size: 100 })) as Array<Record<string, unknown>>;
    assert.is(lines.length, 2 * records.length, format.name);
    records.forEach((record, i) => {
      assert.equal(lines[2 * i], { index: 'docs' });
      const body = lines[2 * i + 1] as { size: number; query: Record<string, unknown> };
      assert.equal(Object.keys(body), ['size', 'query']);
      assert.is(body.size, 100);
      const { field, query_vector: weights } = queryOf(body.query);
      assert.is(field, 'emb');
      // '.' is written '__' as in the documents' bulk file, so the keys match what was indexed.
      const keyOf = (token: string) => idOf.get(token.replaceAll('__', '.'));
      assert.equal(pairs(Object.entries(weights), keyOf), expectedPairs(record).map(([index, w]): [number, number] => [index, Math.fround(w)]), `${format.name} ${i}`);
    });
    const empty = { id: 'e', vector: { indices: new Uint32Array(0), values: new Float32Array(0) }, where: 'q line 9' };
    assert.equal(jsonLines(run(format, { vocabulary }, [empty])), [{ index: 'splade' }, { size: 10, query: { match_none: {} } }]);
    rejects(() => run(format, { vocabulary }, [{ ...empty, vector: { indices: Uint32Array.of(1), values: Float32Array.of(-1) } }]), /q line 9: term 1 has weight -1/);
    rejects(() => run(format, { vocabulary, size: 0 }, [empty]), /--size must be a whole number/);
  }
});

test('opensearch-queries: a weight above 64 is refused (FeatureField.newLinearQuery takes (0, 64]); elasticsearch-queries takes it', () => {
  const heavy = { id: 'h', vector: { indices: Uint32Array.of(1, 2), values: Float32Array.of(64, 64.5) }, where: 'q line 2' };
  rejects(() => run(opensearchQueries, { vocabulary }, [heavy]), /^q line 2: term 2 has weight 64\.5; neural_sparse takes query weights of at most 64/);
  assert.ok(run(opensearchQueries, { vocabulary }, [{ ...heavy, vector: { indices: Uint32Array.of(1), values: Float32Array.of(64) } }]).includes(':64}'));
  // Elasticsearch boosts a term query by the weight (WeightedTokensUtils): no such limit.
  assert.ok(run(elasticsearchQueries, { vocabulary }, [heavy]).includes(':64.5'));
});

test('qdrant-queries: query/batch bodies of 256 searches of the named sparse vector, in order', () => {
  const lines = jsonLines(run(qdrantQueries, { field: 'emb', size: 7 })) as Array<{ searches: Array<Record<string, unknown>> }>;
  assert.equal(lines.map((l) => l.searches.length), [256, 256, records.length - 512]);
  const searches = lines.flatMap((l) => l.searches);
  searches.forEach((search, i) => {
    assert.equal(Object.keys(search), ['query', 'using', 'limit', 'with_payload']);
    assert.equal([search.using, search.limit, search.with_payload], ['emb', 7, ['doc_id']]);
    const query = search.query as { indices: number[]; values: number[] };
    assert.equal(query.indices, Array.from(records[i].vector.indices));
    assert.equal(query.values.map((v) => Math.fround(v)), Array.from(records[i].vector.values));
  });
});

test('roundHalfEven rounds as Python round() does', () => {
  assert.equal([0.5, 1.5, 2.5, 2.4, 2.6, 3.5].map(roundHalfEven), [0, 2, 2, 2, 3, 4]);
});

test.run();
