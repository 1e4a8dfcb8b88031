// What the corpus pipeline needs of an encoder: vectors for a window of texts, in order.
// One in this process (SpladeEncoder), or a pool of child processes each with its own.
import type { SparseVector } from '../../splade/sparse-vector.js';
import type { BackendOptions } from '../../tensor/backend-options.js';

export interface WindowEncoder {
  /** How many windows it encodes at once (the pipeline keeps twice as many in flight). */
  readonly parallelism: number;
  /** The vectors of `texts`, in their order. */
  encode(texts: readonly string[]): Promise<SparseVector[]>;
  /** Releases workers and backends. */
  close(): Promise<void>;
}

/** How texts are encoded: the same for every window and every worker. */
export interface EncodeSettings {
  readonly model: string;
  readonly queryModel?: string;
  readonly role: 'query' | 'document';
  readonly batchSize?: number;
  readonly maxLength?: number;
  /**
   * What computes (--backend, --threads, --kernels, --gpu-mode): plain data, so it travels to
   * worker processes. Without `threads`, a pool of N workers gives each cores/N threads.
   */
  readonly backend: BackendOptions;
}
