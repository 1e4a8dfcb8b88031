// splade-ts/export: SPLADE vectors in search engines' formats (pgvector, Elasticsearch,
// OpenSearch, Qdrant, Vespa, Anserini documents and topics), streamed record by record; browser-safe.
export {
  EXPORT_FORMATS, ExportError, anserini, anseriniTopics, elasticsearch, elasticsearchQueries, opensearchQueries, pgvectorQueries, qdrantQueries, opensearch, parseVectorLine, pgvector, qdrant, vespa,
  type ExportFormat, type ExportOptions, type ExportRecord, type ExportWriter, type SetupFile, type Vocabulary,
} from '../export/index.js';
