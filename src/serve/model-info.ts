// GET /info: text-embeddings-inference's `Info` (router/src/lib.rs), so that clients which read
// the limits before sending (max_input_length, max_client_batch_size) find them where TEI puts
// them. Fields with no meaning here say so with TEI's own null.
import type { SpladeEncoder } from '../splade/encoder.js';
import { VERSION } from '../version.js';

/** TEI's Info, with splade-ts's own `splade_ts` object at the end. */
export interface ModelInfo {
  readonly model_id: string;
  readonly model_sha: null;
  readonly model_dtype: string;
  /** TEI's name for its OpenAI routes (--served-model-name, default the model id): the model id here. */
  readonly served_model_name: string;
  readonly model_type: { readonly embedding: { readonly pooling: 'splade' } };
  readonly max_concurrent_requests: number;
  readonly max_input_length: number;
  readonly max_batch_tokens: number;
  readonly max_batch_requests: null;
  readonly max_client_batch_size: number;
  readonly auto_truncate: boolean;
  readonly tokenization_workers: number;
  readonly version: string;
  readonly sha: null;
  readonly docker_label: null;
  readonly splade_ts: {
    readonly query_route: string;
    readonly query_max_input_length: number;
    readonly backend: string;
    /** The documents of the index POST /search searches; null when there is none. */
    readonly index_documents: number | null;
    /** Whether POST /search's hits carry their document's "text" (`splade serve --corpus`). */
    readonly search_texts: boolean;
  };
}

/** The server's settings that /info reports. */
export interface InfoSettings {
  readonly modelId?: string;
  readonly modelDtype?: string;
  readonly maxConcurrentRequests: number;
  readonly maxClientBatchSize: number;
  readonly autoTruncate: boolean;
  readonly batchSize?: number;
  readonly index?: { readonly docCount: number };
  /** Whether POST /search answers with the documents' texts. */
  readonly searchTexts?: boolean;
}

export function modelInfo(encoder: SpladeEncoder, settings: InfoSettings): ModelInfo {
  const modelId = settings.modelId ?? 'splade-ts';
  const maxInputLength = encoder.defaultMaxLength('document');
  const backend = encoder.backendInfo;
  return {
    model_id: modelId,
    model_sha: null,
    model_dtype: settings.modelDtype ?? 'float32',
    served_model_name: modelId,
    model_type: { embedding: { pooling: 'splade' } },
    max_concurrent_requests: settings.maxConcurrentRequests,
    max_input_length: maxInputLength,
    // One forward pass takes at most batchSize texts of at most max_input_length tokens.
    max_batch_tokens: (settings.batchSize ?? 16) * maxInputLength,
    max_batch_requests: null,
    max_client_batch_size: settings.maxClientBatchSize,
    auto_truncate: settings.autoTruncate,
    // Texts are tokenized on the thread that runs the forward passes.
    tokenization_workers: 1,
    version: VERSION,
    sha: null,
    docker_label: null,
    splade_ts: {
      query_route: encoder.queryRoute,
      query_max_input_length: encoder.defaultMaxLength('query'),
      backend: backend.name,
      index_documents: settings.index?.docCount ?? null,
      search_texts: settings.searchTexts ?? false,
    },
  };
}
