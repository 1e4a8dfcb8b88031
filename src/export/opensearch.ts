// OpenSearch: bulk NDJSON for a `rank_features` field (token -> positive weight, the field
// type OpenSearch's neural sparse search uses), and the index mapping to create first.
import { bulkFormat } from './bulk.js';

export const opensearch = bulkFormat({ name: 'opensearch', fieldType: 'rank_features', fieldName: 'OpenSearch rank_features' });
