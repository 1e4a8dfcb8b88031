// BertModel: embeddings and encoder, without the pooler that BertForMaskedLM leaves out. Also
// RoBERTa's base model (`roberta`), whose modules transformers copies from BERT's; only its
// position ids differ.
import type { Backend } from '../../tensor/backend.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BertArchitecture } from './config.js';
import type { ForwardContext } from './context.js';
import { BertEmbeddings, bertPositionIds, type PositionIds } from './embeddings.js';
import type { BertInput } from './input.js';
import { BertEncoder } from './layer.js';
import type { Weights } from './weights.js';

/** `bert` (or `roberta`): embeddings then the encoder. */
export class BertModel {
  private constructor(
    readonly name: string,
    readonly embeddings: BertEmbeddings,
    readonly encoder: BertEncoder,
  ) {}

  /** @param positionIds the embeddings' position ids (default BERT's) */
  static async load(weights: Weights, config: BertArchitecture, backend: Backend, positionIds: PositionIds = bertPositionIds): Promise<BertModel> {
    return new BertModel(
      weights.path,
      BertEmbeddings.load(weights.prefix('embeddings'), config, backend, positionIds),
      await BertEncoder.load(weights.prefix('encoder'), config, backend),
    );
  }

  /** -> last hidden state [batch * seq, hidden] */
  async forward(context: ForwardContext, input: BertInput): Promise<Tensor> {
    // The encoder hands the embeddings' output back to the backend once its first layer ran.
    return this.encoder.forward(context, await this.embeddings.forward(context, input));
  }
}
