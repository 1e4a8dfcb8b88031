// transformers' DistilBERT FFN, TransformerBlock and Transformer (modeling_distilbert.py).
import type { Activation, Backend } from '../../tensor/backend.js';
import type { Tensor } from '../../tensor/tensor.js';
import { activationOf } from '../bert/activation.js';
import { keepTokens, release, type ForwardContext } from '../bert/context.js';
import { LayerNorm, Linear } from '../bert/nn.js';
import type { Weights } from '../bert/weights.js';
import { MultiHeadSelfAttention } from './attention.js';
import { DISTILBERT_LAYER_NORM_EPS, type DistilBertConfig } from './config.js';
import { linearThenActivation, namedLinear } from '../bert/named-linear.js';

/** lin1, the config's activation, lin2 (no residual: the block adds it). */
export class FFN {
  private constructor(
    readonly name: string,
    readonly lin1: Linear,
    readonly activation: Activation,
    readonly lin2: Linear,
  ) {}

  static async load(weights: Weights, config: DistilBertConfig, backend: Backend): Promise<FFN> {
    return new FFN(
      weights.path,
      await Linear.load(weights.prefix('lin1'), backend, config.dim, config.hidden_dim),
      activationOf(config.activation),
      await Linear.load(weights.prefix('lin2'), backend, config.hidden_dim, config.dim),
    );
  }

  async forward(context: ForwardContext, hidden: Tensor): Promise<Tensor> {
    const activated = await linearThenActivation(context, this.lin1, hidden, this.activation, `${this.name}.activation`);
    const out = await namedLinear(context, this.lin2, activated);
    release(context, activated);
    keepTokens(context, this.name, out);
    return out;
  }
}

/** One layer: attention, sa_layer_norm(attention + x), ffn, output_layer_norm(ffn + that). */
export class TransformerBlock {
  private constructor(
    readonly name: string,
    readonly attention: MultiHeadSelfAttention,
    readonly saLayerNorm: LayerNorm,
    readonly ffn: FFN,
    readonly outputLayerNorm: LayerNorm,
  ) {}

  static async load(weights: Weights, config: DistilBertConfig, backend: Backend): Promise<TransformerBlock> {
    return new TransformerBlock(
      weights.path,
      await MultiHeadSelfAttention.load(weights.prefix('attention'), config, backend),
      LayerNorm.load(weights.prefix('sa_layer_norm'), config.dim, DISTILBERT_LAYER_NORM_EPS),
      await FFN.load(weights.prefix('ffn'), config, backend),
      LayerNorm.load(weights.prefix('output_layer_norm'), config.dim, DISTILBERT_LAYER_NORM_EPS),
    );
  }

  async forward(context: ForwardContext, hidden: Tensor): Promise<Tensor> {
    const attended = await this.attention.forward(context, hidden);
    const sa = await this.saLayerNorm.forward(context, attended, hidden);
    release(context, attended);
    keepTokens(context, `${this.name}.sa_layer_norm`, sa);
    const fed = await this.ffn.forward(context, sa);
    const out = await this.outputLayerNorm.forward(context, fed, sa);
    release(context, fed, sa);
    keepTokens(context, `${this.name}.output_layer_norm`, out);
    keepTokens(context, this.name, out);
    return out;
  }
}

/** The stack of `n_layers` blocks, `<path>.layer.{i}`. */
export class Transformer {
  private constructor(
    readonly name: string,
    readonly layer: readonly TransformerBlock[],
  ) {}

  static async load(weights: Weights, config: DistilBertConfig, backend: Backend): Promise<Transformer> {
    const layers: TransformerBlock[] = [];
    for (let i = 0; i < config.n_layers; i++) layers.push(await TransformerBlock.load(weights.prefix(`layer.${i}`), config, backend));
    return new Transformer(weights.path, layers);
  }

  async forward(context: ForwardContext, hidden: Tensor): Promise<Tensor> {
    let x = hidden;
    for (const layer of this.layer) {
      const next = await layer.forward(context, x);
      // Each layer's input once the next layer has run, the stack's own input (the embeddings'
      // output, which nothing else reads) included.
      release(context, x);
      x = next;
    }
    keepTokens(context, this.name, x);
    return x;
  }
}
