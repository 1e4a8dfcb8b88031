// BertPredictionHeadTransform and BertLMPredictionHead (transformers' `cls.predictions`): the
// masked-language-model head whose vocabulary logits SPLADE pools.
import type { Activation, Backend } from '../../tensor/backend.js';
import type { CompactWeight } from '../../tensor/compact-weight.js';
import { formatShape, type Tensor } from '../../tensor/tensor.js';
import { activationOf } from './activation.js';
import type { BertArchitecture } from './config.js';
import { keepTokens, release, type ForwardContext } from './context.js';
import { linearThenActivation } from './named-linear.js';
import { LayerNorm, Linear } from './nn.js';
import { WeightError, type Weights } from './weights.js';

/** dense, activation (the config's `hidden_act`), LayerNorm. */
export class BertPredictionHeadTransform {
  private constructor(
    readonly name: string,
    readonly dense: Linear,
    readonly activation: Activation,
    /** The activation's module name (`transform_act_fn`), undefined where it is no module. */
    readonly activationName: string | undefined,
    readonly layerNorm: LayerNorm,
  ) {}

  static async load(weights: Weights, config: BertArchitecture, backend: Backend): Promise<BertPredictionHeadTransform> {
    return BertPredictionHeadTransform.loadAs(weights, config, backend, {
      name: weights.path, layerNorm: 'LayerNorm', activation: activationOf(config.hidden_act), activationName: weights.fullName('transform_act_fn'),
    });
  }

  /**
   * The same computation under other names: RoBERTa's `lm_head` has `dense` and `layer_norm`
   * beside its decoder, with GELU whatever `hidden_act` says (a function, not a module: no
   * `activationName`), and no module of its own for them (`name`: what the transformed states
   * are captured as).
   */
  static async loadAs(
    weights: Weights, config: BertArchitecture, backend: Backend,
    names: { readonly name: string; readonly layerNorm: string; readonly activation: Activation; readonly activationName?: string },
  ): Promise<BertPredictionHeadTransform> {
    const h = config.hidden_size;
    return new BertPredictionHeadTransform(
      names.name,
      await Linear.load(weights.prefix('dense'), backend, h, h),
      names.activation,
      names.activationName,
      LayerNorm.load(weights.prefix(names.layerNorm), h, config.layer_norm_eps),
    );
  }

  /** The names of what it can keep: its dense layer's output, the activation's and its own. */
  get captureNames(): string[] {
    return [this.dense.handle.name, ...(this.activationName === undefined ? [] : [this.activationName]), this.name];
  }

  async forward(context: ForwardContext, hidden: Tensor): Promise<Tensor> {
    const projected = await linearThenActivation(context, this.dense, hidden, this.activation, this.activationName);
    const out = await this.layerNorm.forward(context, projected, null);
    release(context, projected);
    keepTokens(context, this.name, out);
    return out;
  }
}

/**
 * The transform, then the decoder to vocabulary logits. The decoder weight is
 * `cls.predictions.decoder.weight` when the checkpoint has it, else the word embedding matrix
 * (tied, transformers' default); its bias is `cls.predictions.bias` (or the older
 * `cls.predictions.decoder.bias`).
 */
export class BertLMPredictionHead {
  private constructor(
    readonly name: string,
    readonly transform: BertPredictionHeadTransform,
    readonly decoder: Linear,
    /** Whether the decoder shares the word embeddings (for inspection and tests). */
    readonly tied: boolean,
  ) {}

  static async load(weights: Weights, config: BertArchitecture, backend: Backend, wordEmbeddings: Tensor | CompactWeight): Promise<BertLMPredictionHead> {
    const transform = await BertPredictionHeadTransform.load(weights.prefix('transform'), config, backend);
    return BertLMPredictionHead.withTransform(weights, config, backend, wordEmbeddings, transform);
  }

  /**
   * The decoder of `<path>.decoder.weight` (or the tied word embeddings) and `<path>.bias`,
   * after `transform`: BERT's `cls.predictions`, and RoBERTa's `lm_head` with its own.
   */
  static async withTransform(
    weights: Weights, config: BertArchitecture, backend: Backend, wordEmbeddings: Tensor | CompactWeight, transform: BertPredictionHeadTransform,
  ): Promise<BertLMPredictionHead> {
    const shape = [config.vocab_size, config.hidden_size];
    const tied = !weights.has('decoder.weight');
    if (tied && !config.tie_word_embeddings) {
      throw new WeightError(
        `missing tensor '${weights.fullName('decoder.weight')}': config.json sets tie_word_embeddings to false, so the decoder cannot share the word embeddings ${formatShape(shape)}`,
      );
    }
    const decoderWeight = tied ? wordEmbeddings : weights.linearWeight('decoder.weight', [config.vocab_size, config.hidden_size]);
    const bias = weights.has('bias') || !weights.has('decoder.bias')
      ? weights.tensor('bias', [config.vocab_size])
      : weights.tensor('decoder.bias', [config.vocab_size]);
    return new BertLMPredictionHead(
      weights.path,
      transform,
      await Linear.fromTensors(weights.fullName('decoder'), backend, decoderWeight, bias),
      tied,
    );
  }

  /** The MLM logits [batch * seq, vocab] of transformed states: memory-hungry, inspection only. */
  logits(context: ForwardContext, transformed: Tensor): Promise<Tensor> {
    return this.decoder.forward(context, transformed);
  }

  /** SPLADE pooling of the logits of transformed states, never holding them all: -> [batch, vocab]. */
  splade(context: ForwardContext, transformed: Tensor): Promise<Tensor> {
    return Promise.resolve(context.backend.spladePool(transformed, this.decoder.handle, context.tokens));
  }
}
