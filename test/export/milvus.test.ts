// Milvus' export against the request structs of its REST v2 API (milvus-io/milvus
// internal/distributed/proxy/httpserver/request_v2.go), the bulk import's JSON array, and the
// sparse vector rules of typeutil.CreateSparseFloatRowFromMap / ValidateSparseFloatRows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { milvus, milvusImport, milvusQueries, type ExportFormat, type ExportOptions, type ExportRecord } from '../../src/export/index.js';
import { MAX_VARCHAR_BYTES } from '../../src/export/milvus.js';
import { exportText, jsonLines, rejects } from './export-run.js';
import { randomVectors } from './vectors.js';

const vectors = randomVectors(600, 30522, 30, 17);
const records: ExportRecord[] = vectors.map((vector, i) => ({ id: i % 4 === 0 ? i : `doc-${i}`, vector, where: `vectors.jsonl line ${i + 1}` }));

// The JSON names each Go struct binds (its `json:` tags), and those that are binding:"required".
const COLLECTION_DATA_REQ = { tags: ['dbName', 'collectionName', 'partitionName', 'data'], required: ['collectionName', 'data'] };
const SEARCH_REQ_V2 = {
  tags: ['dbName', 'collectionName', 'data', 'annsField', 'partitionNames', 'filter', 'groupingField', 'groupSize', 'strictGroupSize', 'limit', 'offset', 'outputFields', 'searchParams', 'consistencyLevel', 'exprParams', 'functionScore', 'params'],
  required: ['collectionName', 'data'],
};
const COLLECTION_REQ = {
  tags: ['dbName', 'collectionName', 'dimension', 'idType', 'autoID', 'metricType', 'primaryFieldName', 'vectorFieldName', 'schema', 'indexParams', 'params', 'description'],
  required: ['collectionName'],
};
const COLLECTION_SCHEMA = { tags: ['fields', 'functions', 'autoID', 'enableDynamicField'], required: [] };
// FieldSchema also tags nullable and defaultValue binding:"required", but gin's validator does
// not look inside a slice without `dive` (CollectionSchema.Fields has none), and a required
// bool would refuse false: handler_v2.go's createCollection reads them as optional.
const FIELD_SCHEMA = {
  tags: ['fieldName', 'dataType', 'elementDataType', 'isPrimary', 'isPartitionKey', 'isClusteringKey', 'elementTypeParams', 'nullable', 'defaultValue', 'multiAnalyzerParam'],
  required: ['fieldName', 'dataType', 'elementTypeParams'],
};
const INDEX_PARAM = { tags: ['fieldName', 'indexName', 'metricType', 'indexType', 'params'], required: ['fieldName'] };

function bindsTo(value: unknown, struct: { tags: string[]; required: string[] }, what: string): void {
  assert.type(value, 'object', what);
  const keys = Object.keys(value as object);
  for (const key of keys) assert.ok(struct.tags.includes(key), `${what}: "${key}" is not a field of the Go struct`);
  for (const key of struct.required) assert.ok(keys.includes(key), `${what}: required "${key}" missing`);
}

const run = (format: ExportFormat, options: ExportOptions, input: readonly ExportRecord[] = records): string => exportText(format, options, input);

interface Sparse {
  indices: number[];
  values: number[];
}

/** The vector as Milvus reads it back: float32(float64 parse of the text), as Go's float32(val). */
function readBack(sparse: Sparse): { indices: number[]; values: number[] } {
  assert.equal(Object.keys(sparse), ['indices', 'values']);
  return { indices: sparse.indices, values: sparse.values.map((v) => Math.fround(v)) };
}

function expected(record: ExportRecord): { indices: number[]; values: number[] } {
  return { indices: Array.from(record.vector.indices), values: Array.from(record.vector.values) };
}

type Row = Record<string, unknown> & { doc_id: string };

test('milvus: insert bodies of at most 256 rows {"doc_id": string id, "splade": {indices, values}}, vectors read back exactly', () => {
  const lines = jsonLines(run(milvus, {})) as Array<{ collectionName: string; data: Row[] }>;
  assert.equal(lines.map((line) => line.data.length), [256, 256, 88]);
  for (const line of lines) {
    bindsTo(line, COLLECTION_DATA_REQ, 'insert body');
    assert.is(line.collectionName, 'splade');
  }
  lines.flatMap((line) => line.data).forEach((row, i) => {
    assert.equal(Object.keys(row), ['doc_id', 'splade']);
    // A VarChar key: bulk import takes only a JSON string (row_parser.go), so number ids too.
    assert.is(row.doc_id, String(records[i].id));
    assert.equal(readBack(row.splade as Sparse), expected(records[i]));
  });
  const named = jsonLines(run(milvus, { name: 'docs', field: 'sparse' }, records.slice(0, 1))) as Array<{ collectionName: string; data: Row[] }>;
  assert.is(named[0].collectionName, 'docs');
  assert.equal(Object.keys(named[0].data[0]), ['doc_id', 'sparse']);
});

test('milvus: edge weights and term ids read back to the same float32s; zeros and empty vectors are kept (Milvus takes them)', () => {
  const edge: ExportRecord = {
    id: 'e',
    vector: { indices: Uint32Array.of(0, 7, 8, 9, 10, 0xfffffffe), values: Float32Array.of(0, 1e-45, 1.1754942e-38, 0.1, 3.4028234e38, 1 / 3) },
    where: 'w',
  };
  const empty: ExportRecord = { id: 'z', vector: { indices: new Uint32Array(0), values: new Float32Array(0) }, where: 'w' };
  const [line] = jsonLines(run(milvus, {}, [edge, empty])) as Array<{ data: Row[] }>;
  assert.equal(readBack(line.data[0].splade as Sparse), expected(edge));
  assert.equal(line.data[1].splade, { indices: [], values: [] });
});

test('milvus: refuses what ValidateSparseFloatRows refuses (negative values, index 2^32-1), naming the line', () => {
  const negative: ExportRecord = { id: 'n', vector: { indices: Uint32Array.of(3, 5), values: Float32Array.of(1, -0.5) }, where: 'v line 4' };
  for (const format of [milvus, milvusImport, milvusQueries]) {
    rejects(() => run(format, {}, [negative]), /^v line 4: term 5 has weight -0\.5; a Milvus sparse vector takes no negative values$/);
  }
  const last: ExportRecord = { id: 'l', vector: { indices: Uint32Array.of(0xffffffff), values: Float32Array.of(1) }, where: 'v line 5' };
  for (const format of [milvus, milvusImport, milvusQueries]) {
    rejects(() => run(format, {}, [last]), /^v line 5: term id 4294967295; Milvus sparse indices must be less than 2\^32-1$/);
  }
});

test('milvus: an id longer than 65,535 UTF-8 bytes (the VarChar limit) is refused, naming the line; 65,535 bytes pass', () => {
  const vector = { indices: Uint32Array.of(1), values: Float32Array.of(1) };
  // 32,768 two-byte characters: 65,536 bytes though only 32,768 UTF-16 units.
  const long: ExportRecord = { id: 'é'.repeat(32768), vector, where: 'v line 7' };
  rejects(() => run(milvus, {}, [long]), /^v line 7: the id is 65536 bytes in UTF-8; Milvus' VarChar primary key holds at most 65535$/);
  rejects(() => run(milvusImport, {}, [long]), /^v line 7: the id is 65536 bytes/);
  const fits: ExportRecord = { id: `${'é'.repeat(32767)}a`, vector, where: 'v line 8' };
  const [line] = jsonLines(run(milvus, {}, [fits])) as Array<{ data: Row[] }>;
  assert.is(new TextEncoder().encode(line.data[0].doc_id).length, MAX_VARCHAR_BYTES);
});

test('milvus: names are checked; the vector field cannot be doc_id', () => {
  rejects(() => milvus.create({ field: 'doc_id' }), /field name 'doc_id' is the primary key's/);
  rejects(() => milvus.create({ name: 'my-docs' }), /collection name 'my-docs' must be letters, digits and underscores/);
  rejects(() => milvusQueries.create({ field: 'a b' }), /field name 'a b'/);
});

test('milvus: OUT.collection.json is a create-collection body: doc_id VarChar(65535) primary, SparseFloatVector, SPARSE_INVERTED_INDEX with IP', () => {
  for (const format of [milvus, milvusImport]) {
    const setup = format.setup!({ name: 'docs', field: 'sparse' });
    assert.is(setup.suffix, 'collection.json');
    const body = JSON.parse(setup.content) as { collectionName: string; schema: { autoID: boolean; fields: Array<Record<string, unknown>> }; indexParams: Array<Record<string, unknown>> };
    bindsTo(body, COLLECTION_REQ, 'collection body');
    bindsTo(body.schema, COLLECTION_SCHEMA, 'schema');
    body.schema.fields.forEach((field, i) => bindsTo(field, FIELD_SCHEMA, `fields[${i}]`));
    body.indexParams.forEach((index, i) => bindsTo(index, INDEX_PARAM, `indexParams[${i}]`));
    assert.is(body.collectionName, 'docs');
    assert.is(body.schema.autoID, false);
    assert.equal(body.schema.fields, [
      { fieldName: 'doc_id', dataType: 'VarChar', isPrimary: true, elementTypeParams: { max_length: 65535 } },
      { fieldName: 'sparse', dataType: 'SparseFloatVector', elementTypeParams: {} },
    ]);
    // createCollection refuses an index on a field its schema does not define.
    assert.equal(body.indexParams, [{ fieldName: 'sparse', indexName: 'sparse', metricType: 'IP', indexType: 'SPARSE_INVERTED_INDEX' }]);
    assert.match(setup.use, /POST \/v2\/vectordb\/collections\/create/);
  }
});

test('milvus-import: one JSON array of the insert bodies\' rows, a row a line; no rows is []', () => {
  const text = run(milvusImport, {});
  const rows = JSON.parse(text) as Row[];
  const inserted = (jsonLines(run(milvus, {})) as Array<{ data: Row[] }>).flatMap((line) => line.data);
  assert.equal(rows, inserted);
  assert.is(text.split('\n').length, records.length + 3, '[, a line per row, ], final line break');
  assert.equal(JSON.parse(run(milvusImport, {}, [])), []);
  assert.match(milvusImport.setup!({}).use, /jobs\/import\/create/);
});

test('milvus-queries: search bodies of at most 256 query vectors (in order), annsField, limit --size, doc_id returned', () => {
  const lines = jsonLines(run(milvusQueries, { name: 'docs', field: 'sparse', size: 7 })) as Array<Record<string, unknown> & { data: Sparse[] }>;
  assert.equal(lines.map((line) => line.data.length), [256, 256, 88]);
  for (const line of lines) {
    bindsTo(line, SEARCH_REQ_V2, 'search body');
    assert.equal(Object.keys(line), ['collectionName', 'data', 'annsField', 'limit', 'outputFields']);
    assert.equal([line.collectionName, line.annsField, line.limit, line.outputFields], ['docs', 'sparse', 7, ['doc_id']]);
  }
  lines.flatMap((line) => line.data).forEach((query, i) => assert.equal(readBack(query), expected(records[i])));
  assert.is((jsonLines(run(milvusQueries, {}, records.slice(0, 1)))[0] as { limit: number }).limit, 10);
});

test('milvus-queries: --size above 16384 (quotaAndLimits.limits.topK) is refused', () => {
  rejects(() => milvusQueries.create({ size: 16385 }), /--size 16385 is more than the 16384 hits Milvus allows a search/);
  assert.ok(run(milvusQueries, { size: 16384 }, records.slice(0, 1)).includes('"limit":16384'));
  rejects(() => milvusQueries.create({ size: 0 }), /--size must be a whole number/);
});

test.run();
