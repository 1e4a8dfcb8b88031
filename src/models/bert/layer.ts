// BertIntermediate, BertOutput, BertLayer and BertEncoder, as in transformers' modeling_bert.py.
import type { Activation, Backend } from '../../tensor/backend.js';
import type { Tensor } from '../../tensor/tensor.js';
import { activationOf } from './activation.js';
import { BertAttention } from './attention.js';
import type { BertArchitecture } from './config.js';
import { keepTokens, release, type ForwardContext } from './context.js';
import { linearThenActivation, namedLinear } from './named-linear.js';
import { LayerNorm, Linear } from './nn.js';
import type { Weights } from './weights.js';

/** The feed-forward up-projection with the config's activation fused. */
export class BertIntermediate {
  private constructor(
    readonly name: string,
    readonly dense: Linear,
    readonly activation: Activation,
  ) {}

  static async load(weights: Weights, config: BertArchitecture, backend: Backend): Promise<BertIntermediate> {
    const dense = await Linear.load(weights.prefix('dense'), backend, config.hidden_size, config.intermediate_size);
    return new BertIntermediate(weights.path, dense, activationOf(config.hidden_act));
  }

  /** The names of what it can keep: its dense layer's output and its own (the activation's). */
  get captureNames(): string[] {
    return [this.dense.handle.name, this.name];
  }

  async forward(context: ForwardContext, hidden: Tensor): Promise<Tensor> {
    return linearThenActivation(context, this.dense, hidden, this.activation, this.name);
  }
}

/** The feed-forward down-projection, then residual add and LayerNorm. */
export class BertOutput {
  private constructor(
    readonly name: string,
    readonly dense: Linear,
    readonly layerNorm: LayerNorm,
  ) {}

  static async load(weights: Weights, config: BertArchitecture, backend: Backend): Promise<BertOutput> {
    return new BertOutput(
      weights.path,
      await Linear.load(weights.prefix('dense'), backend, config.intermediate_size, config.hidden_size),
      LayerNorm.load(weights.prefix('LayerNorm'), config.hidden_size, config.layer_norm_eps),
    );
  }

  async forward(context: ForwardContext, intermediate: Tensor, input: Tensor): Promise<Tensor> {
    const projected = await namedLinear(context, this.dense, intermediate);
    const out = await this.layerNorm.forward(context, projected, input);
    release(context, projected);
    keepTokens(context, this.name, out);
    return out;
  }
}

/** One transformer layer: attention, then the feed-forward block. */
export class BertLayer {
  private constructor(
    readonly name: string,
    readonly attention: BertAttention,
    readonly intermediate: BertIntermediate,
    readonly output: BertOutput,
  ) {}

  static async load(weights: Weights, config: BertArchitecture, backend: Backend): Promise<BertLayer> {
    return new BertLayer(
      weights.path,
      await BertAttention.load(weights.prefix('attention'), config, backend),
      await BertIntermediate.load(weights.prefix('intermediate'), config, backend),
      await BertOutput.load(weights.prefix('output'), config, backend),
    );
  }

  /**
   * The layer on `hidden`, which it releases once attention has read it (BertEncoder hands each
   * layer its input): the feed-forward block can then reuse that memory.
   */
  async forward(context: ForwardContext, hidden: Tensor): Promise<Tensor> {
    const attended = await this.attention.forward(context, hidden);
    release(context, hidden);
    const out = await this.feedForwardChunk(context, attended);
    release(context, attended);
    keepTokens(context, this.name, out);
    return out;
  }

  /**
   * transformers' `feed_forward_chunk`: BertIntermediate, then BertOutput. Where the backend
   * has the whole block in one op (Backend.feedForward: both multiplies, the residual and the
   * LayerNorm) and nothing captures what is inside it (the intermediate activation, either side
   * of it, or the down-projection before the residual), that op runs it, so the
   * [rows, intermediate_size] activation is never whole.
   */
  private async feedForwardChunk(context: ForwardContext, attended: Tensor): Promise<Tensor> {
    const { backend, capture } = context;
    if (backend.feedForward && !capture.wantsAny([...this.intermediate.captureNames, this.output.dense.handle.name])) {
      const { dense, activation } = this.intermediate;
      const { weight: gamma, bias: beta, eps } = this.output.layerNorm;
      const out = await backend.feedForward(attended, dense.handle, this.output.dense.handle, activation, { gamma, beta, eps });
      keepTokens(context, this.output.name, out);
      return out;
    }
    const intermediate = await this.intermediate.forward(context, attended);
    const out = await this.output.forward(context, intermediate, attended);
    release(context, intermediate);
    return out;
  }
}

/** The stack of `num_hidden_layers` layers, `<path>.layer.{i}`. */
export class BertEncoder {
  private constructor(
    readonly name: string,
    readonly layer: readonly BertLayer[],
  ) {}

  static async load(weights: Weights, config: BertArchitecture, backend: Backend): Promise<BertEncoder> {
    const layers: BertLayer[] = [];
    for (let i = 0; i < config.num_hidden_layers; i++) {
      layers.push(await BertLayer.load(weights.prefix(`layer.${i}`), config, backend));
    }
    return new BertEncoder(weights.path, layers);
  }

  async forward(context: ForwardContext, hidden: Tensor): Promise<Tensor> {
    let x = hidden;
    for (const layer of this.layer) {
      // The layer releases its input (the encoder's own input, the embeddings' output, which
      // nothing else reads, included).
      x = await layer.forward(context, x);
    }
    keepTokens(context, this.name, x);
    return x;
  }
}
