// What every module's forward needs besides its input: the kernels, the token layout of the
// batch and the capture of named activations.
import type { Backend, TokenLayout } from '../../tensor/backend.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Capture } from './capture.js';

export interface ForwardContext {
  readonly backend: Backend;
  readonly tokens: TokenLayout;
  readonly capture: Capture;
}

/** Keeps a [batch * seq, features] activation as [batch, seq, features] when asked for. */
export function keepTokens(context: ForwardContext, name: string, x: Tensor): void {
  const { batch, seq } = context.tokens;
  context.capture.keep(name, x, [batch, seq, x.shape[x.shape.length - 1]]);
}
