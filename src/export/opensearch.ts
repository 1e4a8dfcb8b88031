// OpenSearch: bulk NDJSON for a `rank_features` field (token -> positive weight, the field
// type OpenSearch's neural sparse search uses), and the index mapping to create first.
import { bulkAction, checkIndexName } from './bulk.js';
import type { ExportFormat, ExportWriter } from './format.js';
import { luceneKeys, positiveWeightsJson, requireVocabulary } from './weights.js';

export const opensearch: ExportFormat = {
  name: 'opensearch',
  summary: 'bulk NDJSON for a rank_features field + the index mapping (needs --model)',
  needsVocabulary: true,
  create(options): ExportWriter {
    const index = checkIndexName(options.name ?? 'splade');
    const field = options.field ?? 'splade';
    const keys = luceneKeys(requireVocabulary(options.vocabulary, 'opensearch'), options.keepDots ?? false);
    return {
      header: () => '',
      add: (record) => `${bulkAction(index, record)}\n{${JSON.stringify(field)}:${positiveWeightsJson(record, keys, 'OpenSearch rank_features')}}\n`,
      finish: () => '',
    };
  },
  setup(options) {
    const field = options.field ?? 'splade';
    const index = checkIndexName(options.name ?? 'splade');
    return {
      suffix: 'mapping.json',
      content: JSON.stringify({ mappings: { properties: { [field]: { type: 'rank_features' } } } }, null, 2) + '\n',
      use: `create the index with it (PUT /${index}), then POST the data file to /_bulk (Content-Type: application/x-ndjson)`,
    };
  },
};
