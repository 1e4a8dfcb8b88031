// Messages between the corpus pipeline and its worker processes (Node's IPC channel with
// 'advanced' serialization, so typed arrays travel as they are).
import type { SparseVector } from '../../splade/sparse-vector.js';
import type { TextCounts } from './text-counts.js';
import type { EncodeSettings } from './window-encoder.js';

export type ToWorker =
  | { readonly type: 'load'; readonly settings: EncodeSettings }
  | { readonly type: 'encode'; readonly texts: readonly string[] };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'vectors'; readonly vectors: SparseVector[]; readonly counts: TextCounts }
  | { readonly type: 'error'; readonly message: string };
