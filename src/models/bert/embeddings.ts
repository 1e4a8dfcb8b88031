// BertEmbeddings: word + token type + position embeddings, then LayerNorm (dropout is the
// identity at inference). Position ids are 0..seq-1 for every row, as transformers uses them
// with right padding; RoBERTa's embeddings are these with its own position ids
// (../roberta/position-ids.ts).
import type { Backend, LinearHandle } from '../../tensor/backend.js';
import { readWeightRows, type CompactWeight } from '../../tensor/compact-weight.js';
import { Tensor } from '../../tensor/tensor.js';
import type { BertArchitecture } from './config.js';
import { keepTokens, release, type ForwardContext } from './context.js';
import type { BertInput } from './input.js';
import { LayerNorm } from './nn.js';
import type { Weights } from './weights.js';

export class BertEmbeddings {
  /** The tied MLM decoder whose prepared weight the word rows are read from, once shared. */
  private tiedDecoder: LinearHandle | undefined;

  private constructor(
    readonly name: string,
    /**
     * The word embedding table [vocab, hidden] (compact with a float16 or int8 dtype);
     * undefined once {@link shareWordEmbeddings} has handed it to the tied decoder's prepared
     * weight.
     */
    public wordEmbeddings: Tensor | CompactWeight | undefined,
    readonly positionEmbeddings: Tensor,
    readonly tokenTypeEmbeddings: Tensor,
    readonly layerNorm: LayerNorm,
    private readonly positionIdsOf: PositionIds,
  ) {}

  /**
   * Loads `<path>.word_embeddings`, `position_embeddings`, `token_type_embeddings`, `LayerNorm`.
   * @param positionIds the rows' position ids (default BERT's, 0..seq-1 in every row)
   */
  static load(weights: Weights, config: BertArchitecture, _backend: Backend, positionIds: PositionIds = bertPositionIds): BertEmbeddings {
    const hidden = config.hidden_size;
    return new BertEmbeddings(
      weights.path,
      weights.linearWeight('word_embeddings.weight', [config.vocab_size, hidden]),
      weights.tensor('position_embeddings.weight', [config.max_position_embeddings, hidden]),
      weights.tensor('token_type_embeddings.weight', [config.type_vocab_size, hidden]),
      LayerNorm.load(weights.prefix('LayerNorm'), hidden, config.layer_norm_eps),
      positionIds,
    );
  }

  /**
   * Reads word rows from `decoder`, the MLM decoder prepared from this very table (tied), and
   * drops the table, when the backend can read rows of its own copy of a linear layer's weight
   * (Backend.gatherLinearRows). Then the [vocab, hidden] table is held once, not twice.
   * @returns whether the table was dropped
   */
  shareWordEmbeddings(decoder: LinearHandle, backend: Backend): boolean {
    if (!this.wordEmbeddings || !canShareWordEmbeddings(this.wordEmbeddings, decoder, backend)) return false;
    this.tiedDecoder = decoder;
    this.wordEmbeddings = undefined;
    return true;
  }

  /** -> [batch * seq, hidden] */
  async forward(context: ForwardContext, input: BertInput): Promise<Tensor> {
    const { backend } = context;
    const positionIds = this.positionIdsOf(input);
    const words = await wordRows(backend, this.wordEmbeddings ?? this.tiedDecoder!, input.inputIds);
    const types = await backend.gather(this.tokenTypeEmbeddings, input.tokenTypeIds);
    const positions = await backend.gather(this.positionEmbeddings, positionIds);
    // transformers adds in this order: (words + token types) + positions.
    const sum = await backend.add(words, types);
    release(context, words, types);
    const out = await this.layerNorm.forward(context, sum, positions);
    release(context, sum, positions);
    keepTokens(context, this.name, out);
    return out;
  }
}

/** The position id of every token of a batch, [batch * seq]. */
export type PositionIds = (input: BertInput) => Int32Array;

/** BERT's position ids: 0..seq-1 in every row (padding is on the right). */
export function bertPositionIds(input: BertInput): Int32Array {
  const ids = new Int32Array(input.batch * input.seq);
  for (let i = 0; i < ids.length; i++) ids[i] = i % input.seq;
  return ids;
}

/**
 * Whether word rows can be read from `decoder`, the tied decoder prepared from `table`, so that
 * the table can go (the backend reads rows of its own copy of a linear layer's weight, and the
 * shapes agree). Shared by BERT's and DistilBERT's embeddings.
 */
export function canShareWordEmbeddings(table: Tensor | CompactWeight, decoder: LinearHandle, backend: Backend): boolean {
  const [vocab, hidden] = table instanceof Tensor ? table.shape : [table.n, table.k];
  return backend.gatherLinearRows !== undefined && decoder.outFeatures === vocab && decoder.inFeatures === hidden;
}

/**
 * The word embeddings of `ids` -> [ids, hidden]: rows of the table (float32 or compact, widened),
 * or of the tied decoder's prepared weight once the table was handed to it. Ids are checked
 * against the vocabulary before.
 */
export async function wordRows(backend: Backend, from: Tensor | CompactWeight | LinearHandle, ids: Int32Array): Promise<Tensor> {
  if (from instanceof Tensor) return backend.gather(from, ids);
  if ('inFeatures' in from) return backend.gatherLinearRows!(from, ids);
  const out = new Float32Array(ids.length * from.k);
  readWeightRows(from, ids, out);
  return new Tensor([ids.length, from.k], out);
}
