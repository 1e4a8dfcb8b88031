// Pinecone: a serverless sparse index (vector_type "sparse", metric dotproduct) whose records
// carry only sparse values {"indices": [...], "values": [...]} (term ids; no vocabulary needed).
// Checked against Pinecone's published TypeScript client (@pinecone-database/pinecone 8.2.0: its
// OpenAPI models for API version 2026-04, the X-Pinecone-Api-Version it sends) and Pinecone's
// documentation, not a running Pinecone (a hosted service):
// - upsert, POST https://INDEX_HOST/vectors/upsert: UpsertRequest {"vectors" (required),
//   "namespace"}, each a Vector {"id" (required), "values", "sparseValues", "metadata"}, and
//   SparseValues {"indices", "values"} (both required);
// - query, POST https://INDEX_HOST/query: QueryRequest {"topK" (required), "namespace",
//   "sparseVector", "includeValues", "includeMetadata", ...}, one query vector a request;
// - index creation, POST https://api.pinecone.io/indexes: CreateIndexRequest, which the client
//   writes in snake_case ("vector_type", "deletion_protection"), "spec": {"serverless": {"cloud",
//   "region"}}. API version 2026-07 makes POST /indexes schema-only, hence the pinned version.
// The limits are those of docs.pinecone.io's newest Operation and Identifier limits pages (older
// pages said 1,000 non-zero values and top_k 1,000 while sparse indexes were in preview).
import { sizedBatches } from './batches.js';
import { ExportError, hitsOf, type ExportFormat, type ExportRecord, type ExportWriter } from './format.js';
import { utf8Length } from './names.js';
import { float32Text } from './numbers.js';

/** The API version whose request bodies these are (the client's X_PINECONE_API_VERSION). */
export const PINECONE_API_VERSION = '2026-04';

/** "Max batch size for records with vectors: 1,000 records, up to 2 MB total". */
export const RECORDS_PER_REQUEST = 1000;

/** 2 MB read as the smaller 2,000,000 bytes (not 2 MiB), so a line fits either reading. */
export const MAX_REQUEST_BYTES = 2_000_000;

/** "Max non-zero values for sparse vectors: 2048". */
export const MAX_NON_ZERO = 2048;

/** "Record id: max 512 characters, ASCII except \0, cannot be empty". */
export const MAX_ID_CHARACTERS = 512;

/** "Max top_k value: 10,000". */
export const MAX_TOP_K = 10_000;

/** Lower-case letters, digits and '-', not at either end, 1 to 45 characters (Identifier limits). */
const INDEX_NAME = /^[a-z0-9](?:[a-z0-9-]{0,43}[a-z0-9])?$/;

/** The index name (--index) for the create-index body. */
function indexName(name: string): string {
  if (!INDEX_NAME.test(name)) throw new ExportError(`index name '${name}': a Pinecone index name is 1 to 45 lower-case letters, digits and '-', not starting or ending with '-'`);
  return name;
}

/**
 * The vector as Pinecone's SparseValues JSON. Zero weights are left out: the limits count
 * non-zero values, and the documentation does not say that a sparse index takes zeros (they add
 * nothing to a dot product). A vector with no non-zero weight is refused: the documentation does
 * not say that a sparse record or query may be empty, and a match scoring 0 is never returned.
 */
export function pineconeSparseJson(record: ExportRecord): string {
  const { indices, values } = record.vector;
  const kept: number[] = [];
  for (let k = 0; k < values.length; k++) if (values[k] !== 0) kept.push(k);
  if (kept.length > MAX_NON_ZERO) throw new ExportError(`${record.where}: ${kept.length} non-zero weights; a Pinecone sparse vector holds at most ${MAX_NON_ZERO}`);
  if (kept.length === 0) throw new ExportError(`${record.where}: the vector has no non-zero weight; Pinecone never returns a match scoring 0, and its documentation does not say it takes an empty sparse vector`);
  return `{"indices":[${kept.map((k) => indices[k]).join(',')}],"values":[${kept.map((k) => float32Text(values[k])).join(',')}]}`;
}

/** The record id as Pinecone takes it: a string (number ids written as their text) of 1 to 512 ASCII characters, no \0. */
export function pineconeId(record: ExportRecord): string {
  const id = String(record.id);
  if (id === '') throw new ExportError(`${record.where}: the id is empty; a Pinecone record id cannot be`);
  if (id.length > MAX_ID_CHARACTERS) throw new ExportError(`${record.where}: the id is ${id.length} characters; a Pinecone record id holds at most ${MAX_ID_CHARACTERS}`);
  const bad = /[^\x01-\x7f]/.exec(id);
  if (bad) {
    const code = bad[0].codePointAt(0) ?? 0;
    throw new ExportError(`${record.where}: the id has U+${code.toString(16).toUpperCase().padStart(4, '0')} at position ${bad.index}; a Pinecone record id is ASCII without \\0`);
  }
  return id;
}

/** The default namespace: the data plane reads "" as it (there is no --namespace). */
const NAMESPACE = '';

export const pinecone: ExportFormat = {
  name: 'pinecone',
  summary: 'upsert request bodies (one per line, up to 1000 records and 2 MB) + the create-index body',
  needsVocabulary: false,
  create(): ExportWriter {
    const records = sizedBatches(RECORDS_PER_REQUEST, MAX_REQUEST_BYTES, '{"vectors":[', `],"namespace":${JSON.stringify(NAMESPACE)}}`);
    return {
      header: () => '',
      add(record) {
        // One record is at most about 55 KB (2048 terms of 10-digit ids and 14-character weights, a
        // 512-character id): it always fits a line alone, so no record is too large for a request.
        const item = `{"id":${JSON.stringify(pineconeId(record))},"sparseValues":${pineconeSparseJson(record)}}`;
        return records.add(item, utf8Length(item));
      },
      finish: () => records.flush(),
    };
  },
  setup(options) {
    const name = indexName(options.name ?? 'splade');
    // A sparse index takes no dimension. The cloud and region are the user's choice; aws us-east-1 is the one a Starter plan may use.
    const body = { name, vector_type: 'sparse', metric: 'dotproduct', spec: { serverless: { cloud: 'aws', region: 'us-east-1' } }, deletion_protection: 'disabled' };
    return {
      suffix: 'index.json',
      content: JSON.stringify(body, null, 2) + '\n',
      use:
        `create the index with it (POST https://api.pinecone.io/indexes, headers Api-Key and X-Pinecone-Api-Version: ${PINECONE_API_VERSION}; ` +
        'choose its cloud and region), then send each data line to POST https://INDEX_HOST/vectors/upsert (INDEX_HOST: the answer\'s "host")',
    };
  },
};

/**
 * Query vectors as query bodies, one a line (Pinecone takes one query vector a request): the
 * sparse vector, `topK` --size, the default namespace, no values or metadata back. Each answer's
 * `matches` hold the ids and scores.
 */
export const pineconeQueries: ExportFormat = {
  name: 'pinecone-queries',
  summary: 'query vectors as query request bodies (one query a line, in order)',
  needsVocabulary: false,
  create(options): ExportWriter {
    const topK = hitsOf(options);
    if (topK > MAX_TOP_K) throw new ExportError(`--size ${topK} is more than the ${MAX_TOP_K} hits (top_k) Pinecone allows a query`);
    const head = `{"namespace":${JSON.stringify(NAMESPACE)},"topK":${topK},"sparseVector":`;
    return {
      header: () => '',
      add: (record) => `${head}${pineconeSparseJson(record)},"includeValues":false,"includeMetadata":false}\n`,
      finish: () => '',
    };
  },
};
