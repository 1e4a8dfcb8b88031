// Pinecone's export against the REST models of its published TypeScript client
// (@pinecone-database/pinecone 8.2.0, API version 2026-04: db_data UpsertRequest, Vector,
// SparseValues, QueryRequest; db_control CreateIndexRequest, ServerlessSpec, as their ToJSON
// functions name the fields) and the limits of docs.pinecone.io (Operation and Identifier limits).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pinecone, pineconeQueries, type ExportFormat, type ExportOptions, type ExportRecord } from '../../src/export/index.js';
import { MAX_REQUEST_BYTES } from '../../src/export/pinecone.js';
import { exportText, jsonLines, rejects } from './export-run.js';
import { randomVectors } from './vectors.js';

const vectors = randomVectors(2500, 30522, 30, 23);
const records: ExportRecord[] = vectors.map((vector, i) => ({ id: i % 4 === 0 ? i : `doc-${i}`, vector, where: `vectors.jsonl line ${i + 1}` }));

// The JSON names each model's ToJSON writes, and those its interface requires.
const UPSERT_REQUEST = { fields: ['vectors', 'namespace'], required: ['vectors'] };
const VECTOR = { fields: ['id', 'values', 'sparseValues', 'metadata'], required: ['id'] };
const SPARSE_VALUES = { fields: ['indices', 'values'], required: ['indices', 'values'] };
const QUERY_REQUEST = {
  fields: ['namespace', 'topK', 'filter', 'includeValues', 'includeMetadata', 'queries', 'vector', 'sparseVector', 'id', 'scanFactor', 'maxCandidates'],
  required: ['topK'],
};
const CREATE_INDEX_REQUEST = { fields: ['name', 'dimension', 'metric', 'deletion_protection', 'tags', 'spec', 'vector_type'], required: ['name', 'spec'] };
const SERVERLESS = { fields: ['serverless'], required: ['serverless'] };
const SERVERLESS_SPEC = { fields: ['cloud', 'region', 'read_capacity', 'source_collection', 'schema'], required: ['cloud', 'region'] };

function fitsModel(value: unknown, model: { fields: string[]; required: string[] }, what: string): void {
  assert.type(value, 'object', what);
  const keys = Object.keys(value as object);
  for (const key of keys) assert.ok(model.fields.includes(key), `${what}: "${key}" is not a field of the model`);
  for (const key of model.required) assert.ok(keys.includes(key), `${what}: required "${key}" missing`);
}

const run = (format: ExportFormat, options: ExportOptions, input: readonly ExportRecord[] = records): string => exportText(format, options, input);

interface Sparse {
  indices: number[];
  values: number[];
}
interface Upsert {
  vectors: Array<{ id: string; sparseValues: Sparse }>;
  namespace: string;
}

/** The vector as Pinecone reads it back: float32 values (SparseValues' values are float32). */
function readBack(sparse: Sparse): Sparse {
  fitsModel(sparse, SPARSE_VALUES, 'sparse values');
  return { indices: sparse.indices, values: sparse.values.map((v) => Math.fround(v)) };
}

/** The record's non-zero weights (zeros are left out). */
function expected(record: ExportRecord): Sparse {
  const { indices, values } = record.vector;
  const kept = Array.from(values.keys()).filter((k) => values[k] !== 0);
  return { indices: kept.map((k) => indices[k]), values: kept.map((k) => values[k]) };
}

function vector(terms: number, first = 0): ExportRecord['vector'] {
  return { indices: Uint32Array.from({ length: terms }, (_, k) => first + k), values: Float32Array.from({ length: terms }, (_, k) => 1 + k / 7) };
}

test('pinecone: upsert bodies of at most 1000 records {"id": string, "sparseValues"} in the default namespace, vectors read back exactly', () => {
  const lines = jsonLines(run(pinecone, {})) as Upsert[];
  assert.equal(lines.map((line) => line.vectors.length), [1000, 1000, 500]);
  for (const line of lines) {
    fitsModel(line, UPSERT_REQUEST, 'upsert body');
    assert.is(line.namespace, '');
  }
  lines.flatMap((line) => line.vectors).forEach((record, i) => {
    fitsModel(record, VECTOR, 'vector');
    assert.equal(Object.keys(record), ['id', 'sparseValues']);
    // Vector.id is a string: number ids are written as their text.
    assert.is(record.id, String(records[i].id));
    assert.equal(readBack(record.sparseValues), expected(records[i]));
  });
});

test('pinecone: a line never crosses 2 MB (2,000,000 bytes): records go to the next line before it would', () => {
  // 2048 terms and a 512-character id: about 31 KB a record, so the 120 records (3.7 MB) need two lines.
  const big: ExportRecord[] = Array.from({ length: 120 }, (_, i) => ({ id: `${i}`.padStart(512, 'x'), vector: vector(2048, 25000 + i), where: `v line ${i + 1}` }));
  const text = run(pinecone, {}, big);
  const lines = text.trimEnd().split('\n');
  assert.ok(lines.length > 1, 'the records need more than one request');
  const encoder = new TextEncoder();
  let next = 0;
  for (const line of lines) {
    assert.ok(encoder.encode(line).length <= MAX_REQUEST_BYTES, `a line of ${encoder.encode(line).length} bytes`);
    const body = JSON.parse(line) as Upsert;
    fitsModel(body, UPSERT_REQUEST, 'upsert body');
    for (const record of body.vectors) {
      assert.is(record.id, big[next].id);
      assert.equal(readBack(record.sparseValues), expected(big[next++]));
    }
    // Packed: the next record would not have fitted on this line.
    if (next < big.length) {
      const item = JSON.stringify({ id: big[next].id, sparseValues: expected(big[next]) });
      assert.ok(encoder.encode(line).length + 1 + item.length > MAX_REQUEST_BYTES, 'the line could have taken the next record');
    }
  }
  assert.is(next, big.length);
});

test('pinecone: zero weights are left out; edge float32s read back exactly', () => {
  const edge: ExportRecord = {
    id: 'e',
    vector: { indices: Uint32Array.of(0, 7, 8, 9, 10, 11, 0xffffffff), values: Float32Array.of(0, 1e-45, 1.1754942e-38, 0, 3.4028234e38, 1 / 3, 0.1) },
    where: 'w',
  };
  const [line] = jsonLines(run(pinecone, {}, [edge])) as Upsert[];
  assert.equal(readBack(line.vectors[0].sparseValues), { indices: [7, 8, 10, 11, 0xffffffff], values: [1e-45, 1.1754942e-38, 3.4028234e38, 1 / 3, 0.1].map(Math.fround) });
});

test('pinecone, pinecone-queries: more than 2048 non-zero weights, or none, is refused naming the line', () => {
  const many: ExportRecord = { id: 'm', vector: vector(2049), where: 'v line 3' };
  const empty: ExportRecord = { id: 'z', vector: { indices: Uint32Array.of(4, 9), values: Float32Array.of(0, -0) }, where: 'v line 6' };
  for (const format of [pinecone, pineconeQueries]) {
    rejects(() => run(format, {}, [many]), /^v line 3: 2049 non-zero weights; a Pinecone sparse vector holds at most 2048$/);
    rejects(() => run(format, {}, [empty]), /^v line 6: the vector has no non-zero weight; Pinecone never returns a match scoring 0/);
  }
  // 2049 terms of which one is zero: 2048 non-zero values, the most a sparse vector holds.
  const withZero = vector(2049);
  withZero.values[5] = 0;
  const [line] = jsonLines(run(pinecone, {}, [{ id: 'ok', vector: withZero, where: 'w' }])) as Upsert[];
  assert.is(line.vectors[0].sparseValues.indices.length, 2048);
});

test('pinecone: ids are 1 to 512 ASCII characters without \\0, or refused naming the line', () => {
  const terms = vector(3);
  const fits: ExportRecord = { id: 'a'.repeat(512), vector: terms, where: 'w' };
  assert.is((jsonLines(run(pinecone, {}, [fits]))[0] as Upsert).vectors[0].id, fits.id);
  rejects(() => run(pinecone, {}, [{ id: 'a'.repeat(513), vector: terms, where: 'v line 2' }]), /^v line 2: the id is 513 characters; a Pinecone record id holds at most 512$/);
  rejects(() => run(pinecone, {}, [{ id: 'café', vector: terms, where: 'v line 4' }]), /^v line 4: the id has U\+00E9 at position 3; a Pinecone record id is ASCII without \\0$/);
  rejects(() => run(pinecone, {}, [{ id: 'a\0b', vector: terms, where: 'v line 5' }]), /^v line 5: the id has U\+0000 at position 1/);
  rejects(() => run(pinecone, {}, [{ id: '', vector: terms, where: 'v line 7' }]), /^v line 7: the id is empty; a Pinecone record id cannot be$/);
});

test('pinecone: OUT.index.json is a create-index body: a serverless sparse index, metric dotproduct, no dimension, deletion protection off', () => {
  const setup = pinecone.setup!({ name: 'my-docs' });
  assert.is(setup.suffix, 'index.json');
  const body = JSON.parse(setup.content) as { spec: { serverless: unknown } };
  fitsModel(body, CREATE_INDEX_REQUEST, 'create-index body');
  fitsModel(body.spec, SERVERLESS, 'spec');
  fitsModel(body.spec.serverless, SERVERLESS_SPEC, 'serverless spec');
  assert.equal(body, { name: 'my-docs', vector_type: 'sparse', metric: 'dotproduct', spec: { serverless: { cloud: 'aws', region: 'us-east-1' } }, deletion_protection: 'disabled' });
  assert.match(setup.use, /POST https:\/\/api\.pinecone\.io\/indexes, headers Api-Key and X-Pinecone-Api-Version: 2026-04/);
  assert.match(setup.use, /POST https:\/\/INDEX_HOST\/vectors\/upsert/);
  assert.is((JSON.parse(pinecone.setup!({}).content) as { name: string }).name, 'splade');
  assert.is((JSON.parse(pinecone.setup!({ name: `a${'-'.repeat(43)}z` }).content) as { name: string }).name.length, 45);
  for (const name of ['My-Docs', 'my_docs', '-docs', 'docs-', '', 'a'.repeat(46)]) {
    rejects(() => pinecone.setup!({ name }), /a Pinecone index name is 1 to 45 lower-case letters, digits and '-', not starting or ending with '-'/);
  }
});

test('pinecone-queries: one query body a line (in order): sparseVector, topK --size, default namespace, no values or metadata back', () => {
  const lines = jsonLines(run(pineconeQueries, { size: 7 })) as Array<Record<string, unknown> & { sparseVector: Sparse }>;
  assert.is(lines.length, records.length);
  lines.forEach((line, i) => {
    fitsModel(line, QUERY_REQUEST, 'query body');
    assert.equal(Object.keys(line), ['namespace', 'topK', 'sparseVector', 'includeValues', 'includeMetadata']);
    assert.equal([line.namespace, line.topK, line.includeValues, line.includeMetadata], ['', 7, false, false]);
    assert.equal(readBack(line.sparseVector), expected(records[i]));
  });
  assert.is((jsonLines(run(pineconeQueries, {}, records.slice(0, 1)))[0] as { topK: number }).topK, 10);
});

test('pinecone-queries: --size above 10000 (the largest top_k) is refused', () => {
  rejects(() => pineconeQueries.create({ size: 10001 }), /^--size 10001 is more than the 10000 hits \(top_k\) Pinecone allows a query$/);
  assert.ok(run(pineconeQueries, { size: 10000 }, records.slice(0, 1)).includes('"topK":10000'));
  rejects(() => pineconeQueries.create({ size: 0 }), /--size must be a whole number/);
});

test.run();
