// BertForMaskedLM (`bert` + `cls.predictions`), loaded from a checkpoint so that the
// checkpoint's module tree is the code's module tree (BertModel: bert-model.ts).
import { runInScope, type Backend } from '../../tensor/backend.js';
import type { WeightDType } from '../../tensor/compact-weight.js';
import type { TensorSource } from '../../tensor/tensor-source.js';
import type { ForwardOptions, ForwardOutput, MaskedLM, ModelSizes } from '../masked-lm.js';
import { BertModel } from './bert-model.js';
import { CAPTURE_POINTS, SAME_OUTPUTS } from './capture.js';
import { capturableNames, type CapturableName } from './capture-names.js';
import type { BertConfig } from './config.js';
import { checkBertInput, type BertInput } from './input.js';
import { bertLayerNormReadBy } from './layer-norm-inputs.js';
import { forwardMaskedLM } from './masked-lm-forward.js';
import { BertLMPredictionHead } from './mlm-head.js';
import { Weights } from './weights.js';

export { BertModel };

// ForwardOptions and ForwardOutput are shared by every model family (models/masked-lm.ts).
export type { ForwardOptions, ForwardOutput } from '../masked-lm.js';

/** How to load a checkpoint. */
export interface LoadOptions {
  /**
   * How linear weights (and the word embeddings) are held: `f32`, `f16` (half the bytes) or
   * `int8` (a quarter, quantized per row). Default: as stored (F16 as f16, I8 with scales as
   * int8, other float dtypes as f32). LayerNorm, attention and activations compute in float32.
   */
  readonly dtype?: WeightDType;
  /**
   * int8 only: whether the weights that read a LayerNorm keep the input columns of its outlier
   * dimensions in float32 (Int8Weight.floatColumns; default true). False quantizes them with
   * the rest, to measure what they are for. A folder written by `splade quantize` has them
   * stored either way.
   */
  readonly int8FloatColumns?: boolean;
}

/** A BERT masked language model: the network that SPLADE runs. */
export class BertForMaskedLM implements MaskedLM {
  readonly modelType = 'bert';
  readonly architecture = 'BertForMaskedLM';
  readonly logitsName = 'cls.predictions';

  private constructor(
    readonly config: BertConfig,
    readonly backend: Backend,
    readonly bert: BertModel,
    readonly cls: { readonly predictions: BertLMPredictionHead },
  ) {}

  /**
   * Loads the weights of `source` for `config` and prepares them on `backend` (the model never
   * picks its own: make one with `createBackend`).
   * @throws WeightError naming a missing tensor, or a tensor and both shapes when they differ
   */
  static async load(config: BertConfig, source: TensorSource, backend: Backend, options: LoadOptions = {}): Promise<BertForMaskedLM> {
    const readBy = options.int8FloatColumns === false ? undefined : (name: string) => bertLayerNormReadBy(name, config.num_hidden_layers);
    const root = Weights.of(source, 'bert', options.dtype, readBy);
    const bert = await BertModel.load(root.prefix('bert'), config, backend);
    const predictions = await BertLMPredictionHead.load(
      root.prefix('cls.predictions'),
      config,
      backend,
      bert.embeddings.wordEmbeddings!,
    );
    // A tied decoder was prepared from the word embedding table: where the backend keeps its
    // own copy of it (the WebAssembly one does), read word rows from that copy and let the
    // table go, so it is held once.
    if (predictions.tied) bert.embeddings.shareWordEmbeddings(predictions.decoder.handle, backend);
    return new BertForMaskedLM(config, backend, bert, { predictions });
  }

  /** The sizes of config.json (BertConfig already uses the names ModelSizes does). */
  get sizes(): ModelSizes {
    return this.config;
  }

  capturableNames(): CapturableName[] {
    return capturableNames(this.config);
  }

  /**
   * Runs the model on a checked batch, in the backend's forward-pass scope (Backend.scope):
   * device memory made on the way is released when it returns; what it returns stays readable.
   * @throws InputError when the input does not fit the config; CaptureError when a capture
   *   name matched nothing
   */
  async forward(input: BertInput, options: ForwardOptions = {}): Promise<ForwardOutput> {
    checkBertInput(input, this.config);
    return runInScope(this.backend, () => this.forwardInScope(input, options));
  }

  private forwardInScope(input: BertInput, options: ForwardOptions): Promise<ForwardOutput> {
    const parts = {
      backend: this.backend, base: this.bert, head: this.cls.predictions,
      hiddenSize: this.config.hidden_size, layers: this.config.num_hidden_layers, known: CAPTURE_POINTS.map(([name]) => name),
      sameOutputs: SAME_OUTPUTS,
    };
    return forwardMaskedLM(parts, input, options);
  }
}
