// The two building blocks with weights that every BERT module uses: torch.nn.Linear and
// torch.nn.LayerNorm, loaded by their Hugging Face names.
import type { Activation, Backend, LinearHandle } from '../../tensor/backend.js';
import { widenWeight, type CompactWeight } from '../../tensor/compact-weight.js';
import { Tensor } from '../../tensor/tensor.js';
import type { ForwardContext } from './context.js';
import type { Weights } from './weights.js';

/** torch.nn.Linear: `<path>.weight` [out, in] and `<path>.bias` [out]. */
export class Linear {
  private constructor(readonly handle: LinearHandle) {}

  static async load(weights: Weights, backend: Backend, inFeatures: number, outFeatures: number): Promise<Linear> {
    // Prepared at once and never read again here: the values may go through the loader's reused buffer.
    const weight = weights.linearWeight('weight', [outFeatures, inFeatures], { transient: preparedByCopy(backend) });
    const bias = weights.tensor('bias', [outFeatures]);
    return new Linear(await prepareWeight(backend, weights.path, weight, bias));
  }

  /** For weights that are found elsewhere (the tied MLM decoder). */
  static async fromTensors(name: string, backend: Backend, weight: Tensor | CompactWeight, bias: Tensor): Promise<Linear> {
    return new Linear(await prepareWeight(backend, name, weight, bias));
  }

  forward(context: ForwardContext, x: Tensor, activation: Activation = 'none'): Promise<Tensor> {
    return Promise.resolve(context.backend.linear(x, this.handle, activation));
  }
}

/** Each layer applied to `x`: in one backend op where the backend has it (Backend.linears). */
export async function linearsOf(context: ForwardContext, layers: readonly Linear[], x: Tensor): Promise<Tensor[]> {
  const { backend } = context;
  if (backend.linears) return backend.linears(x, layers.map((l) => l.handle));
  const outs: Tensor[] = [];
  for (const layer of layers) outs.push(await layer.forward(context, x));
  return outs;
}

/** torch.nn.LayerNorm over the last dimension: `<path>.weight` and `<path>.bias`. */
export class LayerNorm {
  private constructor(
    readonly weight: Tensor,
    readonly bias: Tensor,
    readonly eps: number,
  ) {}

  static load(weights: Weights, size: number, eps: number): LayerNorm {
    return new LayerNorm(weights.tensor('weight', [size]), weights.tensor('bias', [size]), eps);
  }

  /** LayerNorm(x + residual), the residual add fused; residual null for a plain LayerNorm. */
  forward(context: ForwardContext, x: Tensor, residual: Tensor | null): Promise<Tensor> {
    return Promise.resolve(context.backend.layerNorm(x, residual, this.weight, this.bias, this.eps));
  }
}

/**
 * Whether preparing a compact weight on the backend leaves nothing that reads the weight's own
 * arrays: the backend copies it, or it has no compact kernels and gets the weight widened.
 */
export function preparedByCopy(backend: Backend): boolean {
  return !backend.prepareCompactLinear || backend.copiesCompactWeights === true;
}

/**
 * Prepares a weight on the backend: compact weights stay compact where the backend computes on
 * them, and are widened to float32 where it does not.
 */
export async function prepareWeight(backend: Backend, name: string, weight: Tensor | CompactWeight, bias: Tensor): Promise<LinearHandle> {
  if (weight instanceof Tensor) return backend.prepareLinear(name, weight, bias);
  if (backend.prepareCompactLinear) return backend.prepareCompactLinear(name, weight, bias);
  return backend.prepareLinear(name, new Tensor([weight.n, weight.k], widenWeight(weight), name), bias);
}
