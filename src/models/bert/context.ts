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

/**
 * Hands activations the forward pass is done with back to the backend (Backend.release), so
 * that a later op can reuse their memory; a tensor a capture keeps is left alone. Only for
 * tensors that nothing else reads afterwards and that are not returned.
 */
export function release(context: ForwardContext, ...tensors: Tensor[]): void {
  const { backend, capture } = context;
  if (!backend.release) return;
  for (const t of tensors) if (!capture.holds(t)) backend.release(t);
}
