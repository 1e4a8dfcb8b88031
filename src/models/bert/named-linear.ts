// torch.nn.Linear with its output kept under its Hugging Face name when asked for. Projections
// are modules of their own (BERT's query and intermediate.dense, DistilBERT's q_lin, ffn.lin1,
// vocab_transform), and so are activations (intermediate_act_fn, ffn.activation), so both sides
// of an activation can be captured.
import type { Activation } from '../../tensor/backend.js';
import type { Tensor } from '../../tensor/tensor.js';
import { keepTokens, type ForwardContext } from './context.js';
import { linearsOf, type Linear } from './nn.js';

/** `linear(x)`, kept under the layer's name when asked for. */
export async function namedLinear(context: ForwardContext, linear: Linear, x: Tensor): Promise<Tensor> {
  const out = await linear.forward(context, x);
  keepTokens(context, linear.handle.name, out);
  return out;
}

/** Each layer applied to `x` (one backend op where it has one), each kept under its name when asked for. */
export async function namedLinears(context: ForwardContext, linears: readonly Linear[], x: Tensor): Promise<Tensor[]> {
  const outs = await linearsOf(context, linears, x);
  outs.forEach((out, i) => keepTokens(context, linears[i].handle.name, out));
  return outs;
}

/**
 * `activation(linear(x))` in one fused kernel, kept under `activationName` (when the activation
 * is a module with a name). When the linear layer's own output (before the activation) is asked
 * for, it is computed by a second, unfused multiply: the fused kernel's activation can round
 * differently from Backend.activate, and capturing must not change the model's numbers.
 */
export async function linearThenActivation(
  context: ForwardContext,
  linear: Linear,
  x: Tensor,
  activation: Activation,
  activationName: string | undefined,
): Promise<Tensor> {
  if (context.capture.wants(linear.handle.name)) await namedLinear(context, linear, x);
  const out = await linear.forward(context, x, activation);
  if (activationName !== undefined) keepTokens(context, activationName, out);
  return out;
}
