// RobertaForMaskedLM (`roberta` + `lm_head`), loaded from a checkpoint so that the checkpoint's
// module tree is the code's module tree. transformers builds RoBERTa from copies of BERT's
// modules, so this is BERT's encoder under RoBERTa's names; what differs is the position ids
// (position-ids.ts) and the head, `lm_head`: dense, GELU (whatever hidden_act says), layer_norm,
// then the decoder (tied to the word embeddings) with `lm_head.bias`.
import { runInScope, type Backend } from '../../tensor/backend.js';
import type { TensorSource } from '../../tensor/tensor-source.js';
import type { LoadOptions } from '../bert/bert-for-masked-lm.js';
import { BertModel } from '../bert/bert-model.js';
import { capturableNamesOf, type CapturableName } from '../bert/capture-names.js';
import { checkBertInput, type BertInput } from '../bert/input.js';
import { forwardMaskedLM } from '../bert/masked-lm-forward.js';
import { BertLMPredictionHead, BertPredictionHeadTransform } from '../bert/mlm-head.js';
import { Weights } from '../bert/weights.js';
import type { ForwardOptions, ForwardOutput, MaskedLM, ModelSizes } from '../masked-lm.js';
import { ROBERTA_CAPTURE_POINTS, ROBERTA_SAME_OUTPUTS } from './capture.js';
import { robertaSequenceLength, type RobertaConfig } from './config.js';
import { robertaLayerNormReadBy } from './layer-norm-inputs.js';
import { robertaPositionIds } from './position-ids.js';

/** A RoBERTa masked language model (also the SPLADE models built on it). */
export class RobertaForMaskedLM implements MaskedLM {
  readonly modelType = 'roberta';
  readonly architecture = 'RobertaForMaskedLM';
  readonly logitsName = 'lm_head';

  private constructor(
    readonly config: RobertaConfig,
    readonly backend: Backend,
    readonly roberta: BertModel,
    readonly lm_head: BertLMPredictionHead,
  ) {}

  /**
   * Loads the weights of `source` for `config` and prepares them on `backend`. Names may lack
   * the `roberta.` prefix (a bare RobertaModel's keys).
   * @throws WeightError naming a missing tensor, or a tensor and both shapes when they differ
   */
  static async load(config: RobertaConfig, source: TensorSource, backend: Backend, options: LoadOptions = {}): Promise<RobertaForMaskedLM> {
    const readBy = options.int8FloatColumns === false ? undefined : (name: string) => robertaLayerNormReadBy(name, config.num_hidden_layers);
    const root = Weights.of(source, 'roberta', options.dtype, readBy);
    const roberta = await BertModel.load(root.prefix('roberta'), config, backend, robertaPositionIds(config.pad_token_id));
    const head = root.prefix('lm_head');
    const transform = await BertPredictionHeadTransform.loadAs(head, config, backend, {
      name: `${head.path}.layer_norm`, layerNorm: 'layer_norm', activation: 'gelu',
    });
    const lmHead = await BertLMPredictionHead.withTransform(head, config, backend, roberta.embeddings.wordEmbeddings!, transform);
    // As BertForMaskedLM: a tied decoder's prepared weight serves the word rows too.
    if (lmHead.tied) roberta.embeddings.shareWordEmbeddings(lmHead.decoder.handle, backend);
    return new RobertaForMaskedLM(config, backend, roberta, lmHead);
  }

  /**
   * config.json's sizes, except max_position_embeddings: the longest sequence, which is the
   * table's length less the positions below pad_token_id + 1 that no token uses (514 -> 512).
   */
  get sizes(): ModelSizes {
    return { ...this.config, max_position_embeddings: robertaSequenceLength(this.config) };
  }

  capturableNames(): CapturableName[] {
    return capturableNamesOf(ROBERTA_CAPTURE_POINTS, this.config);
  }

  /**
   * Runs the model on a checked batch, in the backend's forward-pass scope (see
   * BertForMaskedLM.forward).
   * @throws InputError when the input does not fit the config; CaptureError when a capture
   *   name matched nothing
   */
  async forward(input: BertInput, options: ForwardOptions = {}): Promise<ForwardOutput> {
    checkBertInput(input, this.sizes);
    const parts = {
      backend: this.backend, base: this.roberta, head: this.lm_head,
      hiddenSize: this.config.hidden_size, layers: this.config.num_hidden_layers, known: ROBERTA_CAPTURE_POINTS.map(([name]) => name),
      sameOutputs: ROBERTA_SAME_OUTPUTS,
    };
    return runInScope(this.backend, () => forwardMaskedLM(parts, input, options));
  }
}
