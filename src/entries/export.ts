// splade-ts/export: SPLADE vectors in search engines' formats (pgvector, Elasticsearch,
// OpenSearch, Qdrant, Milvus, Pinecone, Vespa, Anserini documents and topics), streamed record by record; browser-safe.
export {
  EXPORT_FORMATS, ExportError, anserini, anseriniTopics, elasticsearch, elasticsearchQueries, milvus, milvusImport, milvusQueries, opensearchQueries, pgvectorQueries, qdrantQueries, opensearch, parseVectorLine, pgvector, pinecone, pineconeQueries, qdrant, vespa,
  type ExportFormat, type ExportOptions, type ExportRecord, type ExportWriter, type SetupFile, type Vocabulary,
} from '../export/index.js';
