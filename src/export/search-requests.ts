// Query vectors as multi-search requests (`_msearch` NDJSON, the same in Elasticsearch and
// OpenSearch): for each query a header line naming the index and a body with the query, so
// the responses come back in the vectors file's order. The query is the engine's own for a
// field of token weights: Elasticsearch's `sparse_vector` query with `query_vector` (8.15+),
// OpenSearch's `neural_sparse` with `query_tokens` (raw vectors). Keys follow the documents'
// rules (weights.ts: '.' written '__' unless --keep-dots), so queries match what was indexed.
import { checkIndexName, fieldPath } from './bulk.js';
import { ExportError, hitsOf, type ExportFormat, type ExportWriter } from './format.js';
import { luceneKeys, positiveWeightsJson, requireVocabulary } from './weights.js';

interface QueryEngine {
  readonly name: 'elasticsearch-queries' | 'opensearch-queries';
  /** How errors name the field's engine. */
  readonly engine: string;
  /** The query's name, for --help. */
  readonly queryName: string;
  /** The query clause of `field` for the weights (JSON text). */
  query(field: string, weights: string): string;
  /** The largest query weight the engine takes, if it has a limit. */
  readonly maxWeight?: number;
}

function searchRequests(engine: QueryEngine): ExportFormat {
  return {
    name: engine.name,
    summary: `query vectors as _msearch NDJSON of ${engine.queryName} queries, in order (needs --model)`,
    needsVocabulary: true,
    create(options): ExportWriter {
      const index = checkIndexName(options.name ?? 'splade');
      const field = fieldPath(options.field);
      const size = hitsOf(options);
      const keys = luceneKeys(requireVocabulary(options.vocabulary, engine.name), options);
      const header = JSON.stringify({ index });
      return {
        header: () => '',
        add(record) {
          const { indices, values } = record.vector;
          for (let k = 0; k < values.length; k++) {
            if (engine.maxWeight !== undefined && values[k] > engine.maxWeight) {
              throw new ExportError(
                `${record.where}: term ${indices[k]} has weight ${values[k]}; ${engine.queryName} takes query weights of at most ${engine.maxWeight} ` +
                  '(dividing all of a query\'s weights by one number keeps its ranking)',
              );
            }
          }
          const weights = positiveWeightsJson(record, keys, engine.engine);
          // A query without terms matches nothing, and keeps its place in the responses.
          const query = weights === '{}' ? '{"match_none":{}}' : engine.query(field, weights);
          return `${header}\n{"size":${size},"query":${query}}\n`;
        },
        finish: () => '',
      };
    },
  };
}

export const elasticsearchQueries = searchRequests({
  name: 'elasticsearch-queries',
  engine: 'Elasticsearch sparse_vector',
  queryName: 'sparse_vector',
  // "prune": false keeps every query token. On indexes created by 8.19+/9.1+ a sparse_vector
  // field prunes by default (SparseVectorFieldMapper: index_options prune true unless the
  // query says otherwise), dropping frequent low-weight tokens: no longer the dot product
  // `splade search` computes. The query's own "prune" wins and is read since 8.15.
  query: (field, weights) => `{"sparse_vector":{"field":${JSON.stringify(field)},"query_vector":${weights},"prune":false}}`,
});

export const opensearchQueries = searchRequests({
  name: 'opensearch-queries',
  engine: 'OpenSearch rank_features',
  queryName: 'neural_sparse',
  // neural-search's NeuralSparseQueryBuilder.doToQuery makes each token a Lucene
  // FeatureField.newLinearQuery(field, token, weight), which throws for a weight outside (0, 64].
  maxWeight: 64,
  query: (field, weights) => `{"neural_sparse":{${JSON.stringify(field)}:{"query_tokens":${weights}}}}`,
});
