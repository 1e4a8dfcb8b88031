// Everything needed to explain one text's SPLADE vector: its tokens, each active term with the
// token it came from, and the attention of every layer and head. The `splade explain` report
// is drawn from this; it is also the API for anyone who wants the numbers.
import type { PoolingActivation } from '../io/sparse-encoder-layout.js';
import type { MaskedLM } from '../models/masked-lm.js';
import { InputError } from '../models/bert/input.js';
import { SpladeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { BertTokenizer, ByteLevelBpeTokenizer, TOKENIZER_FILES_TEXT, UnigramTokenizer } from '../tokenizer/index.js';
import type { TextTokenizer } from './text-tokenizer.js';
import { termOrigins, type TermOrigin } from './term-origins.js';

/** A SPLADE term with its text and where its weight comes from. */
export interface ExplainedTerm extends TermOrigin {
  /** The vocabulary token of the term ("manhattan", "##s"). */
  readonly term: string;
  /** Whether the term is one of the text's own tokens (otherwise it is an expansion). */
  readonly inInput: boolean;
}

/** One text, looked inside. */
export interface SpladeExplanation {
  readonly text: string;
  /** The tokens the model saw, the special ones ([CLS] and [SEP], or <s> and </s>) included. */
  readonly tokens: readonly string[];
  /** Which of the library's tokenizers made them (undefined for a tokenizer of the user's own). */
  readonly tokenizerKind?: TokenizerKind;
  readonly inputIds: readonly number[];
  /** Every active SPLADE term, heaviest first. */
  readonly terms: readonly ExplainedTerm[];
  /** Attention probabilities per layer, each [heads, seq, seq] (row: query, column: key). */
  readonly attentions: readonly Tensor[];
  /** How the weights were pooled (the encoder's; undefined: relu, log(1 + relu(x))). */
  readonly poolingActivation?: PoolingActivation;
}

/** BERT's WordPiece, RoBERTa's byte-level BPE, or XLM-RoBERTa's SentencePiece Unigram. */
export type TokenizerKind = 'wordpiece' | 'byte-level-bpe' | 'unigram';

/** The kind of one of the library's tokenizers, or undefined for another. */
function kindOf(tokenizer: TextTokenizer): TokenizerKind | undefined {
  if (tokenizer instanceof BertTokenizer) return 'wordpiece';
  if (tokenizer instanceof ByteLevelBpeTokenizer) return 'byte-level-bpe';
  if (tokenizer instanceof UnigramTokenizer) return 'unigram';
  return undefined;
}

/** What explainText needs: a model and its tokenizer (a SpladeEncoder has both, and the rest). */
export interface ExplainableEncoder {
  readonly model: MaskedLM;
  readonly tokenizer: TextTokenizer | undefined;
  /** How its vectors are pooled (default relu: log(1 + relu(x))). */
  readonly poolingActivation?: PoolingActivation;
  /** The length a document is cut to by default (default: the model's limit). */
  defaultMaxLength?(role: 'document'): number;
  /** The text its tokenizer is given for a document (default: the text as it is). */
  tokenizerText?(text: string, role: 'document'): string;
}

/**
 * Runs `text` through the model once, keeping the MLM logits and every attention map, and
 * explains its SPLADE vector.
 *
 * ```ts
 * const encoder = await SpladeEncoder.fromPretrained('weights/prithivida/Splade_PP_en_v1');
 * const { terms, tokens } = await explainText(encoder, 'The Manhattan Project ...');
 * for (const t of terms.slice(0, 5)) console.log(t.term, t.weight, 'from', tokens[t.fromToken]);
 * ```
 * @param options.maxLength truncate to this many tokens, the special ones included (default: the
 *   encoder's defaultMaxLength, else the model's limit)
 * @throws SpladeError when the encoder has no tokenizer
 */
export async function explainText(encoder: ExplainableEncoder, text: string, options: { maxLength?: number } = {}): Promise<SpladeExplanation> {
  const { model, tokenizer } = encoder;
  if (!tokenizer) throw new SpladeError(`explainText: the model folder has no tokenizer files (${TOKENIZER_FILES_TEXT})`);
  const limit = encoder.defaultMaxLength?.('document') ?? Math.min(tokenizer.modelMaxLength, model.sizes.max_position_embeddings);
  const maxLength = options.maxLength ?? limit;
  if (!Number.isInteger(maxLength) || maxLength < 2 || maxLength > model.sizes.max_position_embeddings) {
    throw new InputError(`maxLength must be an integer from 2 to max_position_embeddings (${model.sizes.max_position_embeddings}), got ${maxLength}`);
  }
  const ids = tokenizer.encode(encoder.tokenizerText?.(text, 'document') ?? text, { maxLength }).ids;
  const seq = ids.length;
  const input = {
    batch: 1,
    seq,
    inputIds: Int32Array.from(ids),
    attentionMask: new Uint8Array(seq).fill(1),
    tokenTypeIds: new Int32Array(seq),
  };
  const output = await model.forward(input, { capture: [model.logitsName], outputAttentions: true });
  const tokenOf = (id: number): string => tokenizer.idToToken(id) ?? `[${id}]`;
  const own = new Set(ids);
  const terms = termOrigins(output.captured.get(model.logitsName)!, input.attentionMask, 0, encoder.poolingActivation)
    .map((origin) => ({ ...origin, term: tokenOf(origin.termId), inInput: own.has(origin.termId) }));
  const heads = model.sizes.num_attention_heads;
  const tokenizerKind = kindOf(tokenizer);
  return {
    text,
    tokens: ids.map(tokenOf),
    ...(tokenizerKind ? { tokenizerKind } : {}),
    inputIds: ids,
    terms,
    attentions: output.attentions!.map((a) => a.reshape([heads, seq, seq])),
    poolingActivation: encoder.poolingActivation ?? 'relu',
  };
}
