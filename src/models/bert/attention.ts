// BertSelfAttention, BertSelfOutput and BertAttention, as in transformers' modeling_bert.py.
import type { AttentionResult, Backend } from '../../tensor/backend.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BertArchitecture } from './config.js';
import { keepTokens, release, type ForwardContext } from './context.js';
import { namedLinear, namedLinears } from './named-linear.js';
import { LayerNorm, Linear } from './nn.js';
import type { Weights } from './weights.js';

/** Query, key and value projections and masked softmax attention over the heads. */
export class BertSelfAttention {
  private constructor(
    readonly name: string,
    readonly numHeads: number,
    readonly query: Linear,
    readonly key: Linear,
    readonly value: Linear,
  ) {}

  static async load(weights: Weights, config: BertArchitecture, backend: Backend): Promise<BertSelfAttention> {
    const h = config.hidden_size;
    return new BertSelfAttention(
      weights.path,
      config.num_attention_heads,
      await Linear.load(weights.prefix('query'), backend, h, h),
      await Linear.load(weights.prefix('key'), backend, h, h),
      await Linear.load(weights.prefix('value'), backend, h, h),
    );
  }

  /** hidden [batch * seq, hidden] -> context [batch * seq, hidden] */
  async forward(context: ForwardContext, hidden: Tensor): Promise<Tensor> {
    const probsName = `${this.name}.attention_probs`;
    // Capturing the module keeps both of its outputs, as transformers' BertSelfAttention
    // returns (context, attention_probs) when asked for attentions.
    const options = { numHeads: this.numHeads, keepProbs: context.capture.wants(probsName) || context.capture.wants(this.name) };
    const { backend } = context;
    const linears = [this.query, this.key, this.value];
    let result: AttentionResult;
    if (backend.selfAttention && !context.capture.wantsAny(linears.map((l) => l.handle.name))) {
      // In one op: the backend may keep the projections to itself.
      const projections = { query: this.query.handle, key: this.key.handle, value: this.value.handle };
      result = await backend.selfAttention(hidden, projections, context.tokens, options);
    } else {
      const [q, k, v] = await namedLinears(context, linears, hidden);
      result = await backend.attention(q, k, v, context.tokens, options);
      release(context, q, k, v);
    }
    if (result.probs) context.capture.keepWithParent(this.name, probsName, result.probs);
    keepTokens(context, this.name, result.context);
    return result.context;
  }
}

/** The attention output projection, then residual add and LayerNorm. */
export class BertSelfOutput {
  private constructor(
    readonly name: string,
    readonly dense: Linear,
    readonly layerNorm: LayerNorm,
  ) {}

  static async load(weights: Weights, config: BertArchitecture, backend: Backend): Promise<BertSelfOutput> {
    const h = config.hidden_size;
    return new BertSelfOutput(
      weights.path,
      await Linear.load(weights.prefix('dense'), backend, h, h),
      LayerNorm.load(weights.prefix('LayerNorm'), h, config.layer_norm_eps),
    );
  }

  /**
   * LayerNorm(dense(hidden) + input): in one op where the backend has it (Backend.linearNorm),
   * unless `dense`'s own output (before the residual) was asked for.
   */
  async forward(context: ForwardContext, hidden: Tensor, input: Tensor): Promise<Tensor> {
    const { backend } = context;
    let out: Tensor;
    if (backend.linearNorm && !context.capture.wants(this.dense.handle.name)) {
      const { weight: gamma, bias: beta, eps } = this.layerNorm;
      out = await backend.linearNorm(hidden, this.dense.handle, input, { gamma, beta, eps });
    } else {
      const projected = await namedLinear(context, this.dense, hidden);
      out = await this.layerNorm.forward(context, projected, input);
      release(context, projected);
    }
    keepTokens(context, this.name, out);
    return out;
  }
}

/** `self` then `output`. */
export class BertAttention {
  private constructor(
    readonly name: string,
    readonly self: BertSelfAttention,
    readonly output: BertSelfOutput,
  ) {}

  static async load(weights: Weights, config: BertArchitecture, backend: Backend): Promise<BertAttention> {
    return new BertAttention(
      weights.path,
      await BertSelfAttention.load(weights.prefix('self'), config, backend),
      await BertSelfOutput.load(weights.prefix('output'), config, backend),
    );
  }

  async forward(context: ForwardContext, hidden: Tensor): Promise<Tensor> {
    const attended = await this.self.forward(context, hidden);
    const out = await this.output.forward(context, attended, hidden);
    release(context, attended);
    keepTokens(context, this.name, out);
    return out;
  }
}
