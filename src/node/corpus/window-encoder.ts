// What the corpus pipeline needs of an encoder: vectors for a window of texts, in order.
// One in this process (SpladeEncoder), or a pool of child processes each with its own.
import type { Prune } from '../../splade/prune.js';
import type { Overflow } from '../../splade/windows.js';
import type { BackendOptions } from '../../tensor/backend-options.js';
import type { WeightDType } from '../../tensor/compact-weight.js';
import type { TruncationSide } from '../../tokenizer/index.js';
import type { EncodedWindow } from './text-counts.js';

export interface WindowEncoder {
  /** How many windows it encodes at once (the pipeline keeps twice as many in flight). */
  readonly parallelism: number;
  /** The vectors of `texts`, in their order, and what was counted of the texts (for the run's notices). */
  encode(texts: readonly string[]): Promise<EncodedWindow>;
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
  /** How the weights are held (--dtype; default: as stored). */
  readonly dtype?: WeightDType;
  /** Long texts: truncate (default) or chunk into windows `stride` word pieces apart (--overflow, --stride). */
  readonly overflow?: Overflow;
  /** Which end overflow 'truncate' cuts (--truncation-side; default: the folder's truncation_side). */
  readonly truncation?: TruncationSide;
  readonly stride?: number;
  /** OpenSearch's pruning of each vector (--prune). */
  readonly prune?: Prune;
  /** Keep (default) or drop the special tokens' dimensions (--special-tokens). */
  readonly specialTokens?: 'keep' | 'drop';
  /**
   * What computes (--backend, --threads, --kernels, --gpu-mode): plain data, so it travels to
   * worker processes. Without `threads`, a pool of N workers gives each cores/N threads.
   */
  readonly backend: BackendOptions;
}
