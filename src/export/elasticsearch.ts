// Elasticsearch: bulk NDJSON for a `sparse_vector` field (token -> weight; "strictly positive
// values"; query with the sparse_vector query), and the index mapping to create first.
import { bulkFormat } from './bulk.js';

export const elasticsearch = bulkFormat({ name: 'elasticsearch', fieldType: 'sparse_vector', fieldName: 'Elasticsearch sparse_vector' });
