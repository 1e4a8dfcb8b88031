// DistilBertModel (`distilbert`: embeddings and transformer) and DistilBertForMaskedLM
// (`distilbert`, vocab_transform, activation, vocab_layer_norm, vocab_projector), loaded from a
// checkpoint so that the checkpoint's module tree is the code's module tree.
import { runInScope, type Activation, type Backend } from '../../tensor/backend.js';
import { formatShape, type Tensor } from '../../tensor/tensor.js';
import type { TensorSource } from '../../tensor/tensor-source.js';
import { activationOf } from '../bert/activation.js';
import { Capture } from '../bert/capture.js';
import { keepTokens, release, type ForwardContext } from '../bert/context.js';
import { checkBertInput, type BertInput } from '../bert/input.js';
import { LayerNorm, Linear } from '../bert/nn.js';
import { distilBertLayerNormReadBy } from './layer-norm-inputs.js';
import { WeightError, Weights } from '../bert/weights.js';
import type { CapturableName, ForwardOptions, ForwardOutput, MaskedLM, ModelSizes } from '../masked-lm.js';
import type { LoadOptions } from '../bert/bert-for-masked-lm.js';
import {
  DISTILBERT_CAPTURE_POINTS, DISTILBERT_SAME_OUTPUTS, distilBertAttentionName, distilBertCapturableNames, distilBertHiddenStateName,
} from './capture.js';
import { DISTILBERT_LAYER_NORM_EPS, distilBertSizes, type DistilBertConfig } from './config.js';
import { DistilBertEmbeddings } from './embeddings.js';
import { linearThenActivation } from '../bert/named-linear.js';
import { Transformer } from './transformer.js';

/** `distilbert`: embeddings then the transformer. */
export class DistilBertModel {
  private constructor(
    readonly name: string,
    readonly embeddings: DistilBertEmbeddings,
    readonly transformer: Transformer,
  ) {}

  static async load(weights: Weights, config: DistilBertConfig, backend: Backend): Promise<DistilBertModel> {
    return new DistilBertModel(
      weights.path,
      DistilBertEmbeddings.load(weights.prefix('embeddings'), config),
      await Transformer.load(weights.prefix('transformer'), config, backend),
    );
  }

  /** -> last hidden state [batch * seq, dim] */
  async forward(context: ForwardContext, input: BertInput): Promise<Tensor> {
    // The transformer hands the embeddings' output back to the backend once its first layer ran.
    return this.transformer.forward(context, await this.embeddings.forward(context, input));
  }
}

/** A DistilBERT masked language model (OpenSearch's neural sparse models, naver/splade-v3-distilbert). */
export class DistilBertForMaskedLM implements MaskedLM {
  readonly modelType = 'distilbert';
  readonly architecture = 'DistilBertForMaskedLM';
  readonly logitsName = 'vocab_projector';
  readonly sizes: ModelSizes;

  private constructor(
    readonly config: DistilBertConfig,
    readonly backend: Backend,
    readonly distilbert: DistilBertModel,
    readonly vocabTransform: Linear,
    readonly activation: Activation,
    readonly vocabLayerNorm: LayerNorm,
    readonly vocabProjector: Linear,
    /** Whether vocab_projector shares the word embeddings (for inspection and tests). */
    readonly tied: boolean,
  ) {
    this.sizes = distilBertSizes(config);
  }

  /**
   * Loads the weights of `source` for `config` onto `backend` (the model never picks its own:
   * make one with `createBackend`).
   * Names may lack the `distilbert.` prefix (a bare DistilBertModel's keys). vocab_projector's
   * weight is the word embedding matrix unless the checkpoint has `vocab_projector.weight`.
   * @throws WeightError naming a missing tensor, or a tensor and both shapes when they differ
   */
  static async load(config: DistilBertConfig, source: TensorSource, backend: Backend, options: LoadOptions = {}): Promise<DistilBertForMaskedLM> {
    const readBy = options.int8FloatColumns === false ? undefined : (name: string) => distilBertLayerNormReadBy(name, config.n_layers);
    const root = Weights.of(source, 'distilbert', options.dtype, readBy);
    const distilbert = await DistilBertModel.load(root.prefix('distilbert'), config, backend);
    const { dim, vocab_size: vocab } = config;
    const projector = root.prefix('vocab_projector');
    const tied = !projector.has('weight');
    if (tied && !config.tie_word_embeddings) {
      throw new WeightError(
        `missing tensor 'vocab_projector.weight': config.json sets tie_word_embeddings to false, so vocab_projector cannot share the word embeddings ${formatShape([vocab, dim])}`,
      );
    }
    const projectorWeight = tied ? distilbert.embeddings.wordEmbeddings! : projector.linearWeight('weight', [vocab, dim]);
    const vocabProjector = await Linear.fromTensors('vocab_projector', backend, projectorWeight, projector.tensor('bias', [vocab]));
    if (tied) distilbert.embeddings.shareWordEmbeddings(vocabProjector.handle, backend);
    return new DistilBertForMaskedLM(
      config,
      backend,
      distilbert,
      await Linear.load(root.prefix('vocab_transform'), backend, dim, dim),
      activationOf(config.activation),
      LayerNorm.load(root.prefix('vocab_layer_norm'), dim, DISTILBERT_LAYER_NORM_EPS),
      vocabProjector,
      tied,
    );
  }

  capturableNames(): CapturableName[] {
    return distilBertCapturableNames(this.sizes);
  }

  /**
   * Runs the model on a checked batch (token type ids must be 0: DistilBERT has none), in the
   * backend's forward-pass scope (see BertForMaskedLM.forward).
   * @throws InputError when the input does not fit the config; CaptureError when a capture
   *   name matched nothing
   */
  async forward(input: BertInput, options: ForwardOptions = {}): Promise<ForwardOutput> {
    checkBertInput(input, this.sizes);
    return runInScope(this.backend, () => this.forwardInScope(input, options));
  }

  private async forwardInScope(input: BertInput, options: ForwardOptions): Promise<ForwardOutput> {
    const layers = this.config.n_layers;
    const hiddenNames = options.outputHiddenStates ? Array.from({ length: layers + 1 }, (_, i) => distilBertHiddenStateName(i)) : [];
    const attentionNames = options.outputAttentions ? Array.from({ length: layers }, (_, i) => distilBertAttentionName(i)) : [];
    const known = DISTILBERT_CAPTURE_POINTS.map(([name]) => name);
    const capture = new Capture(options.capture ?? [], [...hiddenNames, ...attentionNames], known, DISTILBERT_SAME_OUTPUTS);
    const context: ForwardContext = {
      backend: this.backend,
      tokens: { batch: input.batch, seq: input.seq, mask: input.attentionMask },
      capture,
    };
    const hidden = await this.distilbert.forward(context, input);
    const wantsLogits = capture.wants(this.logitsName);
    const headNames = ['vocab_transform', 'activation', 'vocab_layer_norm'];
    let splade: Tensor | undefined;
    if (options.splade || wantsLogits || headNames.some((name) => capture.wants(name))) {
      const activated = await linearThenActivation(context, this.vocabTransform, hidden, this.activation, 'activation');
      const normed = await this.vocabLayerNorm.forward(context, activated, null);
      release(context, activated);
      keepTokens(context, 'vocab_layer_norm', normed);
      if (wantsLogits) keepTokens(context, this.logitsName, await this.vocabProjector.forward(context, normed));
      if (options.splade) splade = await context.backend.spladePool(normed, this.vocabProjector.handle, context.tokens);
      release(context, normed);
    }
    capture.checkAllUsed();
    const kept = (name: string): Tensor => capture.results.get(name)!;
    return {
      lastHiddenState: hidden.reshape([input.batch, input.seq, this.config.dim]),
      ...(splade ? { splade } : {}),
      captured: capture.requestedResults(),
      ...(options.outputHiddenStates ? { hiddenStates: hiddenNames.map(kept) } : {}),
      ...(options.outputAttentions ? { attentions: attentionNames.map(kept) } : {}),
    };
  }
}
