// transformers' DistilBERT MultiHeadSelfAttention: q_lin, k_lin, v_lin, masked softmax
// attention over the heads, out_lin. The residual add and LayerNorm are the layer's
// (TransformerBlock.sa_layer_norm), not this module's.
import type { Backend } from '../../tensor/backend.js';
import type { Tensor } from '../../tensor/tensor.js';
import { keepTokens, release, type ForwardContext } from '../bert/context.js';
import { Linear } from '../bert/nn.js';
import type { Weights } from '../bert/weights.js';
import type { DistilBertConfig } from './config.js';
import { namedLinear, namedLinears } from '../bert/named-linear.js';

export class MultiHeadSelfAttention {
  private constructor(
    readonly name: string,
    readonly nHeads: number,
    readonly qLin: Linear,
    readonly kLin: Linear,
    readonly vLin: Linear,
    readonly outLin: Linear,
  ) {}

  static async load(weights: Weights, config: DistilBertConfig, backend: Backend): Promise<MultiHeadSelfAttention> {
    const d = config.dim;
    return new MultiHeadSelfAttention(
      weights.path,
      config.n_heads,
      await Linear.load(weights.prefix('q_lin'), backend, d, d),
      await Linear.load(weights.prefix('k_lin'), backend, d, d),
      await Linear.load(weights.prefix('v_lin'), backend, d, d),
      await Linear.load(weights.prefix('out_lin'), backend, d, d),
    );
  }

  /** hidden [batch * seq, dim] -> out_lin(context) [batch * seq, dim] */
  async forward(context: ForwardContext, hidden: Tensor): Promise<Tensor> {
    const probsName = `${this.name}.attention_probs`;
    const [q, k, v] = await namedLinears(context, [this.qLin, this.kLin, this.vLin], hidden);
    // transformers scales q before q·k where BERT scales the scores; the two agree to rounding.
    // Capturing the module keeps both of its outputs (context, weights), as its tuple holds them.
    const wantsModule = context.capture.wants(this.name);
    const result = await context.backend.attention(q, k, v, context.tokens, {
      numHeads: this.nHeads,
      keepProbs: context.capture.wants(probsName) || wantsModule,
    });
    release(context, q, k, v);
    if (result.probs) context.capture.keepWithParent(this.name, probsName, result.probs);
    const out = await namedLinear(context, this.outLin, result.context);
    release(context, result.context);
    keepTokens(context, this.name, out);
    return out;
  }
}
