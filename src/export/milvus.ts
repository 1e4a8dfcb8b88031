// Milvus: a collection with a VarChar primary key `doc_id` and a SparseFloatVector field
// (SPARSE_INVERTED_INDEX, metric IP), its rows carrying the vector as
// {"indices": [...], "values": [...]} (term ids; no vocabulary needed). Checked against Milvus'
// source (milvus-io/milvus), not a running Milvus:
// - REST v2 insert, POST /v2/vectordb/entities/insert: {"collectionName", "data": [row, ...]}
//   (httpserver/request_v2.go CollectionDataReq; collectionName and data binding:"required");
// - REST v2 search, POST /v2/vectordb/entities/search: {"collectionName", "data": [vector, ...],
//   "annsField", "limit", "outputFields"} (SearchReqV2);
// - bulk import JSON (importutilv2/json/reader.go): one array of rows, `[row, ...]`;
// - collection creation, POST /v2/vectordb/collections/create (CollectionReq, handler_v2.go
//   createCollection: dataType names are schemapb's, case sensitive).
// Both insert and search read a sparse vector with typeutil.CreateSparseFloatRowFromJSON, whose
// ValidateSparseFloatRows refuses index 2^32-1, repeated or unsorted indices, NaN/Inf and
// negative values, and takes zeros and empty vectors ("we allow empty row (including indices
// with 0 value)"). vectors-jsonl.ts already refuses the rest; the two left are refused here.
import { batches } from './batches.js';
import { ExportError, hitsOf, type ExportFormat, type ExportOptions, type ExportRecord, type ExportWriter, type SetupFile } from './format.js';
import { checkIdentifier, utf8Length } from './names.js';
import { float32Text } from './numbers.js';

/** Rows per insert body and query vectors per search body (Milvus allows nq up to 16384). */
const ITEMS_PER_REQUEST = 256;

/** The primary key's max_length: proxy.maxVarCharLength's default, the most a VarChar may declare. */
export const MAX_VARCHAR_BYTES = 65535;

/** typeutil.ValidateSparseFloatRows: "invalid index in sparse float vector: must be less than 2^32-1". */
const MAX_SPARSE_INDEX = 0xfffffffe;

/** quotaAndLimits.limits.topK's default: the most hits a search may ask for. */
const MAX_LIMIT = 16384;


/** The collection (--index) and sparse vector field (--field) of a format's options. */
function namesOf(options: ExportOptions): { collection: string; field: string } {
  const collection = checkIdentifier(options.name ?? 'splade', 'collection name');
  const field = checkIdentifier(options.field ?? 'splade', 'field name');
  if (field === 'doc_id') throw new ExportError("field name 'doc_id' is the primary key's: give --field another name");
  return { collection, field };
}

/** The vector as Milvus' sparse JSON `{"indices": [...], "values": [...]}`, refusing what Milvus refuses. */
export function milvusSparseJson(record: ExportRecord): string {
  const { indices, values } = record.vector;
  for (let k = 0; k < indices.length; k++) {
    if (values[k] < 0) throw new ExportError(`${record.where}: term ${indices[k]} has weight ${values[k]}; a Milvus sparse vector takes no negative values`);
    if (indices[k] > MAX_SPARSE_INDEX) throw new ExportError(`${record.where}: term id ${indices[k]}; Milvus sparse indices must be less than 2^32-1`);
  }
  return `{"indices":[${Array.from(indices).join(',')}],"values":[${Array.from(values, float32Text).join(',')}]}`;
}

/**
 * One row `{"doc_id": ID, FIELD: vector}`. The id is always a string (the VarChar key: a
 * number id is written as its text, which bulk import requires) of at most 65,535 UTF-8 bytes,
 * the length the proxy checks (checkVarCharFieldData compares len(), in bytes).
 */
export function milvusRow(record: ExportRecord, field: string): string {
  const id = String(record.id);
  const bytes = utf8Length(id);
  if (bytes > MAX_VARCHAR_BYTES) throw new ExportError(`${record.where}: the id is ${bytes} bytes in UTF-8; Milvus' VarChar primary key holds at most ${MAX_VARCHAR_BYTES}`);
  return `{"doc_id":${JSON.stringify(id)},${JSON.stringify(field)}:${milvusSparseJson(record)}}`;
}

/** The create-collection body: doc_id VarChar primary key, the sparse field, its IP inverted index. */
function collectionSetup(options: ExportOptions, then: string): SetupFile {
  const { collection, field } = namesOf(options);
  const body = {
    collectionName: collection,
    schema: {
      autoID: false,
      enableDynamicField: false,
      fields: [
        { fieldName: 'doc_id', dataType: 'VarChar', isPrimary: true, elementTypeParams: { max_length: MAX_VARCHAR_BYTES } },
        { fieldName: field, dataType: 'SparseFloatVector', elementTypeParams: {} },
      ],
    },
    indexParams: [{ fieldName: field, indexName: field, metricType: 'IP', indexType: 'SPARSE_INVERTED_INDEX' }],
  };
  return {
    suffix: 'collection.json',
    content: JSON.stringify(body, null, 2) + '\n',
    use: `create (and load) the collection with it (POST /v2/vectordb/collections/create), then ${then}`,
  };
}

export const milvus: ExportFormat = {
  name: 'milvus',
  summary: 'insert request bodies (one per line, 256 rows each) + the create-collection body',
  needsVocabulary: false,
  create(options): ExportWriter {
    const { collection, field } = namesOf(options);
    const rows = batches(ITEMS_PER_REQUEST, (items) => `{"collectionName":${JSON.stringify(collection)},"data":[${items}]}`);
    return {
      header: () => '',
      add: (record) => rows.add(milvusRow(record, field)),
      finish: () => rows.flush(),
    };
  },
  setup: (options) => collectionSetup(options, 'send each data line to POST /v2/vectordb/entities/insert'),
};

/**
 * The same rows as one JSON array, a row a line, for bulk import: a file in Milvus' object
 * storage named in POST /v2/vectordb/jobs/import/create.
 */
export const milvusImport: ExportFormat = {
  name: 'milvus-import',
  summary: 'the rows as one JSON array for bulk import + the create-collection body',
  needsVocabulary: false,
  create(options): ExportWriter {
    const { field } = namesOf(options);
    let rows = 0;
    return {
      header: () => '[\n',
      add: (record) => `${rows++ === 0 ? '' : ',\n'}${milvusRow(record, field)}`,
      finish: () => (rows === 0 ? ']\n' : '\n]\n'),
    };
  },
  setup: (options) => collectionSetup(options, 'upload the data file to the object storage Milvus reads and POST /v2/vectordb/jobs/import/create with "files": [["PATH"]]'),
};

/**
 * Query vectors as search bodies: up to 256 vectors a line (nq), `limit` --size, doc_id
 * returned. Milvus answers a line with one flat `data` list of hits, query after query in the
 * line's order, and (since milvus-io/milvus#39812, February 2025) `topks`, how many hits each
 * query has, which is what splits the list: a query can have fewer than `limit` hits.
 */
export const milvusQueries: ExportFormat = {
  name: 'milvus-queries',
  summary: 'query vectors as search request bodies (256 vectors a line, answers in order)',
  needsVocabulary: false,
  create(options): ExportWriter {
    const { collection, field } = namesOf(options);
    const limit = hitsOf(options);
    if (limit > MAX_LIMIT) throw new ExportError(`--size ${limit} is more than the ${MAX_LIMIT} hits Milvus allows a search (quotaAndLimits.limits.topK)`);
    const tail = `],"annsField":${JSON.stringify(field)},"limit":${limit},"outputFields":["doc_id"]}`;
    const searches = batches(ITEMS_PER_REQUEST, (items) => `{"collectionName":${JSON.stringify(collection)},"data":[${items}${tail}`);
    return {
      header: () => '',
      add: (record) => searches.add(milvusSparseJson(record)),
      finish: () => searches.flush(),
    };
  },
};
