// Elasticsearch: bulk NDJSON for a `sparse_vector` field (token -> weight; "strictly positive
// values"; query with the sparse_vector query), and the index mapping to create first.
import { bulkAction, checkIndexName } from './bulk.js';
import type { ExportFormat, ExportWriter } from './format.js';
import { luceneKeys, positiveWeightsJson, requireVocabulary } from './weights.js';

export const elasticsearch: ExportFormat = {
  name: 'elasticsearch',
  summary: 'bulk NDJSON for a sparse_vector field + the index mapping (needs --model)',
  needsVocabulary: true,
  create(options): ExportWriter {
    const index = checkIndexName(options.name ?? 'splade');
    const field = options.field ?? 'splade';
    const keys = luceneKeys(requireVocabulary(options.vocabulary, 'elasticsearch'), options.keepDots ?? false);
    return {
      header: () => '',
      add: (record) => `${bulkAction(index, record)}\n{${JSON.stringify(field)}:${positiveWeightsJson(record, keys, 'Elasticsearch sparse_vector')}}\n`,
      finish: () => '',
    };
  },
  setup(options) {
    const field = options.field ?? 'splade';
    const index = checkIndexName(options.name ?? 'splade');
    return {
      suffix: 'mapping.json',
      content: JSON.stringify({ mappings: { properties: { [field]: { type: 'sparse_vector' } } } }, null, 2) + '\n',
      use: `create the index with it (PUT /${index}), then POST the data file to /_bulk (Content-Type: application/x-ndjson)`,
    };
  },
};
