// What every engine format implements: text before the records, text per record (a format
// that batches records returns '' until a batch is full), and text after them. The CLI
// streams a vectors file through it, so memory holds one batch at most.
import { SpladeError } from '../errors.js';
import type { SparseVector } from '../splade/sparse-vector.js';

/** One document's vector, as read from a vectors.jsonl line. */
export interface ExportRecord {
  readonly id: string | number;
  readonly vector: SparseVector;
  /** Names the record in errors, e.g. `vectors.jsonl line 12`. */
  readonly where: string;
}

/** A vector or option the target engine cannot take (the message names the line and term). */
export class ExportError extends SpladeError {}

/** Token strings of term ids (from the model's vocabulary): needed by engines keyed by token. */
export interface Vocabulary {
  /** The key of term `id`, or undefined when the vocabulary has no such id. */
  token(id: number): string | undefined;
  readonly size: number;
}

/** Options shared by the formats; each reads the ones it needs. */
export interface ExportOptions {
  /** Token strings (Elasticsearch, OpenSearch, Vespa, Anserini). */
  readonly vocabulary?: Vocabulary;
  /** The vector space's size, e.g. the model's vocab_size (pgvector's sparsevec(N)). */
  readonly dimensions?: number;
  /** Table (pgvector), index (Elasticsearch, OpenSearch, Pinecone), collection (Qdrant, Milvus) or schema (Vespa). */
  readonly name?: string;
  /** The vector field (or named sparse vector) in the engine. */
  readonly field?: string;
  /** Anserini: integer impacts are round(weight x scale) (default 100). */
  readonly scale?: number;
  /** Search requests: the hits each query asks for (default 10). */
  readonly size?: number;
  /** Elasticsearch/OpenSearch: keep '.' in token keys instead of writing '__' (see weights.ts). */
  readonly keepDots?: boolean;
  /** Elasticsearch/OpenSearch: what '.' in a token key is written as (default '__'; see weights.ts). */
  readonly dotAs?: string;
}

/** Search requests: the hits each query asks for (--size, default 10), checked. */
export function hitsOf(options: ExportOptions): number {
  const size = options.size ?? 10;
  if (!Number.isInteger(size) || size < 1) throw new ExportError(`--size must be a whole number of at least 1, got ${size}`);
  return size;
}

/** Streams records out in one engine's format. */
export interface ExportWriter {
  header(): string;
  add(record: ExportRecord): string;
  finish(): string;
}

/** A second file the engine needs before loading (mapping, collection config, schema). */
export interface SetupFile {
  /** Appended to the output's name for the default path, e.g. `mapping.json`. */
  readonly suffix: string;
  readonly content: string;
  /** What to do with it, for the command's last message. */
  readonly use: string;
}

export interface ExportFormat {
  readonly name: string;
  /** One line for --help. */
  readonly summary: string;
  /** Keys are token strings, so the model's vocabulary is needed. */
  readonly needsVocabulary: boolean;
  create(options: ExportOptions): ExportWriter;
  setup?(options: ExportOptions): SetupFile;
}
