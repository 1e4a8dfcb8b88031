// transformers' DistilBERT `Embeddings`: word + position embeddings, then LayerNorm (no token
// type embeddings; dropout is the identity at inference). Position ids are 0..seq-1 per row.
import type { Backend, LinearHandle } from '../../tensor/backend.js';
import type { CompactWeight } from '../../tensor/compact-weight.js';
import type { Tensor } from '../../tensor/tensor.js';
import { keepTokens, release, type ForwardContext } from '../bert/context.js';
import { canShareWordEmbeddings, wordRows } from '../bert/embeddings.js';
import type { BertInput } from '../bert/input.js';
import { LayerNorm } from '../bert/nn.js';
import type { Weights } from '../bert/weights.js';
import { DISTILBERT_LAYER_NORM_EPS, type DistilBertConfig } from './config.js';
import { sinusoidalPositionTable } from './sinusoidal.js';

export class DistilBertEmbeddings {
  /** The tied vocab_projector whose prepared weight the word rows are read from, once shared. */
  private tiedDecoder: LinearHandle | undefined;

  private constructor(
    readonly name: string,
    /**
     * [vocab, dim] (compact with a float16 or int8 dtype); undefined once
     * {@link shareWordEmbeddings} handed it to the tied projector.
     */
    public wordEmbeddings: Tensor | CompactWeight | undefined,
    readonly positionEmbeddings: Tensor,
    readonly layerNorm: LayerNorm,
  ) {}

  /**
   * Loads `<path>.word_embeddings`, `position_embeddings` and `LayerNorm`. With
   * `sinusoidal_pos_embds` a checkpoint without `position_embeddings.weight` gets the
   * sinusoidal table transformers would have made; a checkpoint that has one is used as is, as
   * transformers loads it over the computed table.
   */
  static load(weights: Weights, config: DistilBertConfig): DistilBertEmbeddings {
    const dim = config.dim;
    const positions = config.sinusoidal_pos_embds && !weights.has('position_embeddings.weight')
      ? sinusoidalPositionTable(config.max_position_embeddings, dim, weights.fullName('position_embeddings.weight'))
      : weights.tensor('position_embeddings.weight', [config.max_position_embeddings, dim]);
    return new DistilBertEmbeddings(
      weights.path,
      weights.linearWeight('word_embeddings.weight', [config.vocab_size, dim]),
      positions,
      LayerNorm.load(weights.prefix('LayerNorm'), dim, DISTILBERT_LAYER_NORM_EPS),
    );
  }

  /**
   * Reads word rows from the tied projector's prepared weight and drops the table, where the
   * backend can (see BertEmbeddings.shareWordEmbeddings).
   */
  shareWordEmbeddings(decoder: LinearHandle, backend: Backend): boolean {
    if (!this.wordEmbeddings || !canShareWordEmbeddings(this.wordEmbeddings, decoder, backend)) return false;
    this.tiedDecoder = decoder;
    this.wordEmbeddings = undefined;
    return true;
  }

  /** -> [batch * seq, dim] */
  async forward(context: ForwardContext, input: BertInput): Promise<Tensor> {
    const { backend } = context;
    const positionIds = new Int32Array(input.batch * input.seq);
    for (let i = 0; i < positionIds.length; i++) positionIds[i] = i % input.seq;
    const words = await wordRows(backend, this.wordEmbeddings ?? this.tiedDecoder!, input.inputIds);
    const positions = await backend.gather(this.positionEmbeddings, positionIds);
    const out = await this.layerNorm.forward(context, words, positions);
    release(context, words, positions);
    keepTokens(context, this.name, out);
    return out;
  }
}
