// Hugging Face's tokenizers, as references for the tests and the benchmark: the Rust library
// behind BertTokenizerFast (npm `tokenizers`, its official Node binding) and the pure-JS
// `@huggingface/tokenizers`, both fed a tokenizer.json built from the real vocabulary.
import { createRequire } from 'node:module';
import * as assert from 'uvu/assert';
import type { Tokenizer, TruncationSide } from '../../src/tokenizer/index.js';
import { bertTokenizerJson, type BertTokenizerJsonOptions } from '../../tools/bert-tokenizer-json.js';
import type { CorpusText } from './corpus.js';

/** The parts of the npm `tokenizers` API used here. */
interface RustEncoding {
  getIds(): number[];
  getTokens(): string[];
  getOffsets(): number[][];
  getAttentionMask(): number[];
  getTypeIds(): number[];
  getSpecialTokensMask(): number[];
}
interface RustTokenizer {
  encode(text: string, pair?: string | null, options?: { addSpecialTokens?: boolean }): Promise<RustEncoding>;
  encodeBatch(texts: string[], options?: { addSpecialTokens?: boolean }): Promise<RustEncoding[]>;
  decode(ids: number[], skipSpecialTokens: boolean): Promise<string>;
  /** The Node binding takes the direction in lower case ("Left" is refused). */
  setTruncation(maxLength: number, options?: { direction?: 'left' | 'right' }): void;
  getVocabSize(withAddedTokens?: boolean): number;
  idToToken(id: number): string | null;
  tokenToId(token: string): number | null;
  disableTruncation(): void;
}
interface RustModule {
  Tokenizer: { fromString(json: string): RustTokenizer };
  byteLevelPreTokenizer(addPrefixSpace?: boolean, useRegex?: boolean): RustPreTokenizer;
}
/** A pre-tokenizer of the npm `tokenizers` API: pieces with code point offsets. */
export interface RustPreTokenizer {
  preTokenizeString(text: string): Array<[string, [number, number]]>;
}

const require = createRequire(import.meta.url);

/** The Rust tokenizer for bert-base-uncased's vocabulary, or `vocab` (tokens in id order). */
export function rustTokenizer(options: BertTokenizerJsonOptions = {}, vocab?: string[]): RustTokenizer {
  const { Tokenizer } = require('tokenizers') as RustModule;
  return Tokenizer.fromString(bertTokenizerJson(vocab, options));
}

/** The Rust tokenizer of any tokenizer.json text (the byte-level BPE tests use RoBERTa's). */
export function rustTokenizerFromJson(json: string): RustTokenizer {
  const { Tokenizer } = require('tokenizers') as RustModule;
  return Tokenizer.fromString(json);
}

/** Rust's ByteLevel pre-tokenizer without prefix space: GPT-2's split, for the character class tests. */
export function rustByteLevelPreTokenizer(): RustPreTokenizer {
  return (require('tokenizers') as RustModule).byteLevelPreTokenizer(false, true);
}

/** UTF-16 index of each code point of `text` as Rust sees it (a lone surrogate is one U+FFFD). */
export function codePointToUtf16(text: string): number[] {
  const units: number[] = [];
  for (let i = 0; i < text.length; ) {
    units.push(i);
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    i += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  units.push(text.length);
  return units;
}

export interface Reference {
  ids: number[];
  tokens: string[];
  /** UTF-16 offsets (the Node binding gives code point offsets). */
  offsets: Array<[number, number]>;
  /** 1 for the special tokens the post-processor added, 0 for the text's tokens. */
  specialTokensMask: number[];
}

export async function rustEncode(tokenizer: RustTokenizer, text: string, addSpecialTokens = true): Promise<Reference> {
  const encoding = await tokenizer.encode(text, null, { addSpecialTokens });
  const units = codePointToUtf16(text);
  return {
    ids: encoding.getIds(),
    tokens: encoding.getTokens(),
    offsets: encoding.getOffsets().map(([start, end]) => [units[start], units[end]] as [number, number]),
    specialTokensMask: encoding.getSpecialTokensMask(),
  };
}

/** The parts of `@huggingface/tokenizers` used here. */
interface JsTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): { ids: number[]; tokens: string[] };
}

export async function jsTokenizer(options: BertTokenizerJsonOptions = {}): Promise<JsTokenizer> {
  const { Tokenizer } = (await import('@huggingface/tokenizers')) as unknown as {
    Tokenizer: new (json: unknown, config: unknown) => JsTokenizer;
  };
  return new Tokenizer(JSON.parse(bertTokenizerJson(undefined, options)), { do_lower_case: options.lowercase ?? true });
}

/** A text as an assertion message shows it: quoted, cut to 60 characters. */
export function describeText(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/**
 * Asserts that `ours` gives Rust's ids, tokens, offsets and special tokens mask for every text (the first
 * difference names the text and its category) and, with `decode`, Rust's decoding of them with
 * the special tokens skipped.
 */
export async function assertSameAsRust(ours: Tokenizer, rust: RustTokenizer, texts: readonly CorpusText[], options: { decode?: boolean } = {}): Promise<void> {
  for (const { category, text } of texts) {
    const expected = await rustEncode(rust, text);
    const got = ours.encode(text);
    assert.equal(got.ids, expected.ids, `${category}: ${describeText(text)}`);
    assert.equal(got.tokens, expected.tokens, `tokens of ${describeText(text)}`);
    assert.equal(got.offsets, expected.offsets, `offsets of ${describeText(text)}`);
    assert.equal(got.specialTokensMask, expected.specialTokensMask, `special tokens mask of ${describeText(text)}`);
    if (options.decode) assert.is(ours.decode(got.ids, { skipSpecialTokens: true }), await rust.decode(expected.ids, true), `decode ${describeText(text)}`);
  }
}

/**
 * Each text truncated to each of `maxLengths` tokens, specials included, gives Rust's ids and
 * offsets under the same truncation (left off again afterwards).
 */
export async function assertTruncatesAsRust(
  ours: Tokenizer,
  rust: RustTokenizer,
  texts: readonly CorpusText[],
  maxLengths: readonly number[],
  options: { truncationSide?: TruncationSide; addSpecialTokens?: boolean } = {},
): Promise<void> {
  const side = options.truncationSide ?? 'right';
  const addSpecialTokens = options.addSpecialTokens ?? true;
  for (const maxLength of maxLengths) {
    rust.setTruncation(maxLength, { direction: side });
    for (const { text } of texts) {
      const expected = await rustEncode(rust, text, addSpecialTokens);
      const got = ours.encode(text, { maxLength, addSpecialTokens, ...(options.truncationSide ? { truncationSide: side } : {}) });
      const what = `maxLength ${maxLength}, ${side}${addSpecialTokens ? '' : ', no special tokens'}`;
      assert.equal(got.ids, expected.ids, `${what}: ${describeText(text)}`);
      assert.equal(got.offsets, expected.offsets, `${what} offsets: ${describeText(text)}`);
      assert.equal(got.specialTokensMask, expected.specialTokensMask, `${what} special tokens mask: ${describeText(text)}`);
    }
  }
  rust.disableTruncation();
}
