// The two building blocks with weights that every BERT module uses: torch.nn.Linear and
// torch.nn.LayerNorm, loaded by their Hugging Face names.
import type { Activation, Backend, LinearHandle } from '../../tensor/backend.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { ForwardContext } from './context.js';
import type { Weights } from './weights.js';

/** torch.nn.Linear: `<path>.weight` [out, in] and `<path>.bias` [out]. */
export class Linear {
  private constructor(readonly handle: LinearHandle) {}

  static async load(weights: Weights, backend: Backend, inFeatures: number, outFeatures: number): Promise<Linear> {
    const weight = weights.tensor('weight', [outFeatures, inFeatures]);
    const bias = weights.tensor('bias', [outFeatures]);
    return new Linear(await backend.prepareLinear(weights.path, weight, bias));
  }

  /** For weights that are found elsewhere (the tied MLM decoder). */
  static async fromTensors(name: string, backend: Backend, weight: Tensor, bias: Tensor): Promise<Linear> {
    return new Linear(await backend.prepareLinear(name, weight, bias));
  }

  forward(context: ForwardContext, x: Tensor, activation: Activation = 'none'): Promise<Tensor> {
    return Promise.resolve(context.backend.linear(x, this.handle, activation));
  }
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
