// Qdrant: a collection with a named sparse vector (`sparse_vectors` in the collection config)
// and points carrying it as {"indices": [...], "values": [...]} (term ids; no vocabulary
// needed). Each data line is the body of one upsert request, PUT /collections/NAME/points.
// Point ids must be unsigned integers or UUIDs, so a point's id is its line number in the
// vectors file (from 0) and the document id goes in the payload as "doc_id".
import type { ExportFormat, ExportWriter } from './format.js';
import { checkIdentifier } from './names.js';
import { float32Text } from './numbers.js';

const POINTS_PER_REQUEST = 256;

export const qdrant: ExportFormat = {
  name: 'qdrant',
  summary: 'upsert request bodies (one per line, 256 points each) + the collection config',
  needsVocabulary: false,
  create(options): ExportWriter {
    const field = checkIdentifier(options.field ?? 'splade', 'sparse vector name');
    let points: string[] = [];
    let next = 0;
    const flush = (): string => {
      if (points.length === 0) return '';
      const line = `{"points":[${points.join(',')}]}\n`;
      points = [];
      return line;
    };
    return {
      header: () => '',
      add(record) {
        const { indices, values } = record.vector;
        const vector = `{"indices":[${Array.from(indices).join(',')}],"values":[${Array.from(values, float32Text).join(',')}]}`;
        points.push(`{"id":${next++},"vector":{${JSON.stringify(field)}:${vector}},"payload":{"doc_id":${JSON.stringify(record.id)}}}`);
        return points.length >= POINTS_PER_REQUEST ? flush() : '';
      },
      finish: flush,
    };
  },
  setup(options) {
    const field = checkIdentifier(options.field ?? 'splade', 'sparse vector name');
    const collection = checkIdentifier(options.name ?? 'splade', 'collection name');
    return {
      suffix: 'collection.json',
      content: JSON.stringify({ sparse_vectors: { [field]: {} } }, null, 2) + '\n',
      use: `create the collection with it (PUT /collections/${collection}), then send each data line to PUT /collections/${collection}/points?wait=true`,
    };
  },
};
