// Qdrant: a collection with a named sparse vector (`sparse_vectors` in the collection config)
// and points carrying it as {"indices": [...], "values": [...]} (term ids; no vocabulary
// needed). Each data line is the body of one upsert request, PUT /collections/NAME/points.
// Point ids must be unsigned integers or UUIDs, so a point's id is the vector's position among
// the records written (from 0; blank lines of the vectors file are not records) and the
// document id goes in the payload as "doc_id".
import { batches } from './batches.js';
import { hitsOf, type ExportFormat, type ExportOptions, type ExportRecord, type ExportWriter } from './format.js';
import { checkIdentifier } from './names.js';
import { float32Text } from './numbers.js';

const POINTS_PER_REQUEST = 256;

/** The sparse vector name (--field) of a format's options. */
function vectorName(options: ExportOptions): string {
  return checkIdentifier(options.field ?? 'splade', 'sparse vector name');
}

/** Qdrant's sparse vector: `{"indices": [...], "values": [...]}` (term ids). */
function sparseJson(record: ExportRecord): string {
  const { indices, values } = record.vector;
  return `{"indices":[${Array.from(indices).join(',')}],"values":[${Array.from(values, float32Text).join(',')}]}`;
}

export const qdrant: ExportFormat = {
  name: 'qdrant',
  summary: 'upsert request bodies (one per line, 256 points each) + the collection config',
  needsVocabulary: false,
  create(options): ExportWriter {
    const field = vectorName(options);
    const points = batches(POINTS_PER_REQUEST, (items) => `{"points":[${items}]}`);
    let next = 0;
    return {
      header: () => '',
      add: (record) => points.add(`{"id":${next++},"vector":{${JSON.stringify(field)}:${sparseJson(record)}},"payload":{"doc_id":${JSON.stringify(record.id)}}}`),
      finish: () => points.flush(),
    };
  },
  setup(options) {
    const field = vectorName(options);
    const collection = checkIdentifier(options.name ?? 'splade', 'collection name');
    return {
      suffix: 'collection.json',
      content: JSON.stringify({ sparse_vectors: { [field]: {} } }, null, 2) + '\n',
      use: `create the collection with it (PUT /collections/${collection}), then send each data line to PUT /collections/${collection}/points?wait=true`,
    };
  },
};

/**
 * Query vectors as query batches: each line the body of one POST
 * /collections/NAME/points/query/batch (Qdrant 1.10+) with up to 256 searches of the named
 * sparse vector, `limit` --size, the payload's doc_id returned; the answers come back in the
 * vectors file's order.
 */
export const qdrantQueries: ExportFormat = {
  name: 'qdrant-queries',
  summary: 'query vectors as query/batch request bodies (256 searches a line, in order)',
  needsVocabulary: false,
  create(options): ExportWriter {
    const field = vectorName(options);
    const size = hitsOf(options);
    const searches = batches(POINTS_PER_REQUEST, (items) => `{"searches":[${items}]}`);
    return {
      header: () => '',
      add: (record) => searches.add(`{"query":${sparseJson(record)},"using":${JSON.stringify(field)},"limit":${size},"with_payload":["doc_id"]}`),
      finish: () => searches.flush(),
    };
  },
};
