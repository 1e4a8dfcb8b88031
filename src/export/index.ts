// Handing SPLADE vectors over to search engines: one module per engine, each checked against
// the engine's documented format. Browser-safe (no file system): callers stream the records
// through a writer and store the text where they like.
export { anserini, anseriniTopics } from './anserini.js';
export { elasticsearch } from './elasticsearch.js';
export { milvus, milvusImport, milvusQueries } from './milvus.js';
export { opensearch } from './opensearch.js';
export { pinecone, pineconeQueries } from './pinecone.js';
export { pgvector, pgvectorQueries } from './pgvector.js';
export { qdrant, qdrantQueries } from './qdrant.js';
export { elasticsearchQueries, opensearchQueries } from './search-requests.js';
export { vespa } from './vespa.js';
export { checkTermIdsFit, parseVectorLine } from './vectors-jsonl.js';
export { ExportError, type ExportFormat, type ExportOptions, type ExportRecord, type ExportWriter, type SetupFile, type Vocabulary } from './format.js';
import { anserini, anseriniTopics } from './anserini.js';
import { elasticsearch } from './elasticsearch.js';
import type { ExportFormat } from './format.js';
import { milvus, milvusImport, milvusQueries } from './milvus.js';
import { opensearch } from './opensearch.js';
import { pinecone, pineconeQueries } from './pinecone.js';
import { pgvector, pgvectorQueries } from './pgvector.js';
import { qdrant, qdrantQueries } from './qdrant.js';
import { elasticsearchQueries, opensearchQueries } from './search-requests.js';
import { vespa } from './vespa.js';

/** Every format by its `--to` name. */
export const EXPORT_FORMATS: Readonly<Record<string, ExportFormat>> = {
  pgvector, elasticsearch, opensearch, qdrant, milvus, 'milvus-import': milvusImport, pinecone, vespa, anserini,
  'pgvector-queries': pgvectorQueries, 'elasticsearch-queries': elasticsearchQueries, 'opensearch-queries': opensearchQueries,
  'qdrant-queries': qdrantQueries, 'milvus-queries': milvusQueries, 'pinecone-queries': pineconeQueries, 'anserini-topics': anseriniTopics,
};
