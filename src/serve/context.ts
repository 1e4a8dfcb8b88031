// What the routes of one handler share: the encoder, its batcher and the admission gate, and
// the limits that requests are checked against.
import type { SpladeEncoder } from '../splade/encoder.js';
import type { RequestLimits } from './embed-request.js';
import type { EncodeBatcher } from './encode-batcher.js';
import type { RequestGate } from './request-gate.js';

export interface ServeContext {
  readonly encoder: SpladeEncoder;
  readonly batcher: EncodeBatcher;
  readonly gate: RequestGate;
  readonly limits: RequestLimits & { readonly payloadLimit: number };
}
