// Inference-free queries: a query's vector is its word pieces weighted by a static table (no
// model runs), as OpenSearch's doc-only models (idf.json) and sentence-transformers'
// SparseStaticEmbedding compute it; documents still go through the MLM.
import { SpladeError } from '../errors.js';
import type { StaticQueryWeights } from '../io/sparse-encoder-layout.js';
import { loadTokenizer, TOKENIZER_FILES_TEXT, type TruncationSide } from '../tokenizer/index.js';
import type { TextTokenizer } from './text-tokenizer.js';
import { sparseVector, type SparseVector } from './sparse-vector.js';

/** Which route encodes queries: the MLM, idf.json, or a SparseStaticEmbedding. */
export type QueryRoute = 'model' | 'idf' | 'sparse-static-embedding';

/** What an inference-free route needs of a tokenizer (BertTokenizer and ByteLevelBpeTokenizer have it). */
export interface RouteTokenizer extends TextTokenizer {
  tokenToId(token: string): number | undefined;
  readonly clsTokenId: number;
  readonly sepTokenId: number;
  readonly unkTokenId: number;
  readonly maskTokenId: number | undefined;
}

/** Whether a tokenizer can serve an inference-free route. */
export function isRouteTokenizer(tokenizer: TextTokenizer): tokenizer is RouteTokenizer {
  const t = tokenizer as Partial<RouteTokenizer>;
  return typeof t.tokenToId === 'function' && typeof t.clsTokenId === 'number' && typeof t.sepTokenId === 'number';
}

/** A folder's query route that cannot be set up (no tokenizer to read its table with). */
export class QueryRouteError extends SpladeError {}

/**
 * Weights queries without a model. A query's vector has, for each distinct word piece of the
 * text, the table's weight of that piece, and pieces the table has no (positive) weight for get
 * none. With idf.json special tokens ([CLS], [SEP], [PAD], [UNK], [MASK]) never get weight, as
 * OpenSearch zeroes them; a SparseStaticEmbedding weights every token the text has, special
 * ones included ([UNK] for a word outside the vocabulary, a `[MASK]` written in the text), as
 * its forward does.
 */
export class InferenceFreeQueries {
  private readonly special: Set<number>;

  private constructor(
    readonly route: Exclude<QueryRoute, 'model'>,
    /** The weight of each vocabulary id (0: none). */
    readonly weights: Float32Array,
    readonly tokenizer: RouteTokenizer,
    /** Where the weights came from (idf.json, model.safetensors), for messages. */
    readonly source: string,
  ) {
    this.special = route === 'idf' ? specialTokenIds(tokenizer) : new Set();
  }

  /**
   * The route for weights found in a model folder.
   * @param tokenizer the document model's tokenizer for idf.json; a SparseStaticEmbedding has its own
   */
  static create(weights: StaticQueryWeights, tokenizer: RouteTokenizer): InferenceFreeQueries {
    if (weights.kind === 'idf') {
      const byId = new Map<number, number>();
      for (const [token, weight] of weights.idf) {
        // OpenSearch maps a token outside the vocabulary to [UNK], a special token: no weight.
        const id = tokenizer.tokenToId(token);
        if (id !== undefined) byId.set(id, weight);
      }
      let size = 0;
      for (const id of byId.keys()) size = Math.max(size, id + 1);
      const dense = new Float32Array(size);
      for (const [id, weight] of byId) dense[id] = weight;
      return new InferenceFreeQueries('idf', dense, tokenizer, weights.source);
    }
    return new InferenceFreeQueries('sparse-static-embedding', weights.weight, tokenizer, weights.source);
  }

  /**
   * A query's vector from its text, truncated as the route's reference does: `idf` counts
   * [CLS] and [SEP] in `maxLength` (OpenSearch tokenizes with them, then zeroes them);
   * SparseStaticEmbedding tokenizes without special tokens, `maxLength` word pieces. On the
   * `truncation` side: 'left' keeps the end of the text (cut here from its word pieces, as
   * Rust cuts them, so that any TextTokenizer does it alike).
   */
  encodeText(text: string, maxLength: number, truncation: TruncationSide = 'right'): SparseVector {
    const addSpecialTokens = this.route === 'idf';
    if (truncation === 'right') return this.encodeIds(this.tokenizer.encode(text, { maxLength, addSpecialTokens, truncationSide: 'right' }).ids);
    const specials = addSpecialTokens ? this.tokenizer.encode('').ids : [];
    const pieces = this.tokenizer.encode(text, { addSpecialTokens: false }).ids;
    return this.encodeIds([...specials, ...pieces.slice(Math.max(0, pieces.length - (maxLength - specials.length)))]);
  }

  /** A query's vector from token ids (without padding; special tokens as the route weights them). */
  encodeIds(ids: ArrayLike<number>): SparseVector {
    const present = new Set<number>();
    for (let i = 0; i < ids.length; i++) if (!this.special.has(ids[i])) present.add(ids[i]);
    const kept = [...present].filter((id) => id < this.weights.length && this.weights[id] > 0);
    return sparseVector(kept, kept.map((id) => this.weights[id]));
  }
}

/**
 * The special tokens' ids of a tokenizer: [CLS], [SEP], [PAD], [UNK], [MASK] where it names
 * them; otherwise those that wrap the empty text, and [PAD].
 */
export function specialTokenIds(tokenizer: TextTokenizer): Set<number> {
  if (isRouteTokenizer(tokenizer)) {
    const { clsTokenId, sepTokenId, padTokenId, unkTokenId, maskTokenId } = tokenizer;
    return new Set([clsTokenId, sepTokenId, padTokenId, unkTokenId, ...(maskTokenId === undefined ? [] : [maskTokenId])]);
  }
  return new Set([...tokenizer.encode('').ids, tokenizer.padTokenId]);
}

/**
 * Sets up a folder's inference-free query route: idf.json is read with the document model's
 * tokenizer, a SparseStaticEmbedding with the tokenizer files of its own folder.
 * @param override the tokenizer the caller gave instead of the folder's files
 * @throws QueryRouteError when there is no tokenizer that can map tokens to ids
 */
export async function loadQueryRoute(
  weights: StaticQueryWeights,
  documentTokenizer: TextTokenizer | undefined,
  override: TextTokenizer | undefined,
): Promise<InferenceFreeQueries> {
  const tokenizer = override
    ?? (weights.kind === 'sparse-static-embedding' ? await loadTokenizer(weights.files) : documentTokenizer);
  if (!tokenizer || !isRouteTokenizer(tokenizer)) {
    throw new QueryRouteError(`${weights.source}: inference-free queries need the model's tokenizer (${TOKENIZER_FILES_TEXT}) to map tokens to ids`);
  }
  return InferenceFreeQueries.create(weights, tokenizer);
}
