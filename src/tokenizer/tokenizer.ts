// What every tokenizer of splade-ts gives (BertTokenizer's WordPiece, ByteLevelBpeTokenizer's
// byte-level BPE), so that the encoder, the CLI and loadTokenizer deal with one shape whatever
// the model's tokenizer is.
import type { TruncationSide } from './truncation.js';

/** One text, tokenized. */
export interface Encoding {
  /** Vocabulary ids, with the classifier token ([CLS], <s>) first and the separator ([SEP], </s>) last when special tokens are added. */
  ids: number[];
  /** The tokens as the vocabulary writes them ("##" on WordPiece continuations, "Ġ" for a space in byte-level BPE), same length as `ids`. */
  tokens: string[];
  /** 1 for every id. */
  attentionMask: number[];
  /** 0 for every id (one sequence). */
  tokenTypeIds: number[];
  /** UTF-16 [start, end) of each token in the original string; [0, 0] for the added special tokens. */
  offsets: Array<[number, number]>;
  /**
   * 1 for each special token the encoding added around the text ([CLS], [SEP], <s>, </s>), 0
   * for the text's own tokens, a special token written in the text included: Hugging Face's
   * `special_tokens_mask`, which text-embeddings-inference's /tokenize calls `special`.
   */
  specialTokensMask: number[];
}

export interface EncodeOptions {
  /**
   * Keep at most this many ids, the added special tokens included (at least 2 when they are
   * added). Default: no limit, whatever the model's (`modelMaxLength`): pass it to truncate.
   */
  maxLength?: number;
  /**
   * Which end of a text longer than maxLength loses tokens: 'right' keeps its start, 'left' its
   * end (the special tokens stay around it). Default: the tokenizer's `truncationSide`.
   */
  truncationSide?: TruncationSide;
  /** Put the classifier token before and the separator after the tokens (default true). */
  addSpecialTokens?: boolean;
}

/** Several texts, padded with the padding token to the longest row. */
export interface BatchEncoding {
  inputIds: number[][];
  /** 1 for real ids, 0 for padding. */
  attentionMask: number[][];
  tokenTypeIds: number[][];
  /** Each text's own encoding, not padded. */
  encodings: Encoding[];
}

export interface DecodeOptions {
  /** Leave out the special tokens ([CLS], <s>, [PAD], …). */
  skipSpecialTokens?: boolean;
}

/**
 * The files a tokenizer is read from, by name: a model folder's `tokenizer.json`, `vocab.txt`,
 * `vocab.json`, `merges.txt`, `tokenizer_config.json` and `special_tokens_map.json`. Any
 * `ModelFiles` (src/io) is one; the tokenizer names only what it reads, so it depends on
 * nothing else in splade-ts.
 */
export interface TokenizerFiles {
  /** Where the files are, for error messages. */
  readonly location: string;
  has(name: string): Promise<boolean>;
  readText(name: string): Promise<string>;
}

/**
 * A text tokenizer: text to model input ids and back. `loadTokenizer` gives the one a model
 * folder describes.
 */
export interface Tokenizer {
  /** Ids the tokenizer can give: the vocabulary and the added tokens. */
  readonly vocabSize: number;
  /** The longest input the model takes, special tokens included (tokenizer_config.json's model_max_length). */
  readonly modelMaxLength: number;
  /**
   * The side `encode` truncates on when given no `truncationSide`: tokenizer_config.json's
   * truncation_side, as transformers truncates, else 'right'.
   */
  readonly truncationSide: TruncationSide;
  /** The id `encodeBatch` pads with. */
  readonly padTokenId: number;
  /** Tokenizes one text. */
  encode(text: string, options?: EncodeOptions): Encoding;
  /** Tokenizes several texts and pads them to the longest. */
  encodeBatch(texts: string[], options?: EncodeOptions): BatchEncoding;
  /** Text back from ids, as Hugging Face's `tokenizers` decodes them. */
  decode(ids: number[], options?: DecodeOptions): string;
  /** The token of an id, or undefined when no token has it. */
  idToToken(id: number): string | undefined;
  /** The id of a token, or undefined when it is not in the vocabulary nor an added token. */
  tokenToId(token: string): number | undefined;
}
