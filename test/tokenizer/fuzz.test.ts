// Differential fuzzing of the three tokenizers against the Rust `tokenizers` binding: seeded
// adversarial texts (fuzz-text.ts: mixed scripts, combining marks, controls, emoji sequences,
// lone surrogates, whitespace and punctuation of every kind, long words, literal special and
// added tokens) through each tokenizer.json setting below must give Rust's ids, tokens,
// offsets, masks, truncation and decoding. The cases that fuzzing found are kept by name.
//
// TOKENIZER_FUZZ_CASES=5000 TOKENIZER_FUZZ_SEED=7 node --import tsx test/run.ts tokenizer/fuzz
// runs a larger or another draw; the default stays a few seconds.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BertTokenizer, ByteLevelBpeTokenizer, UnigramTokenizer, type Tokenizer } from '../../src/tokenizer/index.js';
import { bertTokenizerJson, type BertTokenizerJsonOptions } from '../../tools/bert-tokenizer-json.js';
import { robertaTokenizerJson, type RobertaTokenizerJsonOptions } from '../../tools/roberta-tokenizer-files.js';
import { fuzzCases, PIECE_KINDS, type FuzzCase } from './fuzz-text.js';
import { describeText, rustEncode, rustTokenizerFromJson } from './reference.js';
import { unigramFixture } from './unigram-corpus.js';

const CASES = Number(process.env.TOKENIZER_FUZZ_CASES ?? 200);
const SEED = Number(process.env.TOKENIZER_FUZZ_SEED ?? 2026);

/** Mismatches found by fuzzing, minimized: each runs through every setting below. */
const REGRESSIONS: readonly FuzzCase[] = [
  // Rust's NFD sorts U+1D165 (ccc 216) before U+0308 (230) and gives it the stripped U+0308's place.
  { text: 'a\u0308\u{1d165} x', kinds: ['combining marks out of canonical order'] },
  { text: 'k\u{1d16d}\u0308\u0345 \u202e_', kinds: ['combining marks out of canonical order'] },
  { text: 'X\u0327\u{1d165} \'s[UNK]', kinds: ['combining marks out of canonical order'] },
  // With [CLS] normalized, Rust decodes it "[cls]", which is no special token: not skipped.
  { text: '[CLS] x [MASK]', kinds: ['normalized special token, decoded'] },
  // "a\u0301" (rstrip) takes the space after it, and " [X] " is still matched from that space:
  // Rust looks for the next added token after the match, not after what it stripped.
  { text: 'a\u0301 [X] y', kinds: ['added tokens overlapping through rstrip'] },
  { text: '🫠☺á  [X] [UNK]', kinds: ['added tokens overlapping through rstrip'] },
];

/** An added token of a tokenizer.json. */
interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** The parts of a tokenizer.json the settings below change. */
interface TokenizerJsonShape {
  added_tokens: AddedTokenJson[];
  normalizer: Record<string, unknown> & { normalizers?: Array<Record<string, unknown>> };
  pre_tokenizer: Record<string, unknown>;
  decoder: Record<string, unknown>;
  model: Record<string, unknown>;
}

/** `json` with `change` applied to its object. */
function changed(json: string, change: (object: TokenizerJsonShape) => void): string {
  const object = JSON.parse(json) as TokenizerJsonShape;
  change(object);
  return JSON.stringify(object);
}

/** Added tokens from id `first` on, with every combination of flags the fuzz texts can meet. */
function addedTokens(first: number, contents: readonly string[]): AddedTokenJson[] {
  return contents.map((content, k) => ({
    id: first + k, content, single_word: k % 2 === 0, lstrip: k % 3 === 0, rstrip: k % 3 === 1, normalized: k % 4 < 2, special: k % 5 === 1,
  }));
}

/** Sets the strip flags (and `normalized`) of an existing added token. */
function flag(object: TokenizerJsonShape, content: string, flags: Partial<AddedTokenJson>): void {
  const token = object.added_tokens.find((t) => t.content === content);
  if (!token) throw new Error(`no added token ${content}`);
  Object.assign(token, flags);
}

const bert = (options: BertTokenizerJsonOptions): string => bertTokenizerJson(undefined, options);
const roberta = (options: RobertaTokenizerJsonOptions): string => robertaTokenizerJson(options);

/** One tokenizer.json setting: its name, its text, and our tokenizer of it. */
type Setting = [string, () => string, (json: string) => Tokenizer];
const wordPiece = (json: string): Tokenizer => BertTokenizer.fromTokenizerJson(json);
const byteLevel = (json: string): Tokenizer => ByteLevelBpeTokenizer.fromTokenizerJson(json);
const unigram = (json: string): Tokenizer => UnigramTokenizer.fromTokenizerJson(json);
const ADDED = ['hello', ' [X] ', 'Ünï', '東京', 'a\u0301', '.', 'ＡＢＣ', '😀', '▁a', ' x '];

const SETTINGS: readonly Setting[] = [
  ['WordPiece, uncased', () => bert({}), wordPiece],
  ['WordPiece, cased', () => bert({ lowercase: false }), wordPiece],
  ['WordPiece, strip_accents true without lowercase, no CJK splitting', () => bert({ lowercase: false, stripAccents: true, handleChineseChars: false }), wordPiece],
  ['WordPiece, lowercase with strip_accents false', () => bert({ stripAccents: false }), wordPiece],
  ['WordPiece, added tokens with flags, [MASK] stripping, [CLS] normalized', () => changed(bert({}), (j) => {
    j.added_tokens.push(...addedTokens(30522, ADDED));
    flag(j, '[MASK]', { lstrip: true, rstrip: true });
    flag(j, '[CLS]', { normalized: true, single_word: true });
  }), wordPiece],
  ['WordPiece, clean_text false, max_input_chars_per_word 5', () => changed(bert({}), (j) => {
    j.normalizer.clean_text = false;
    j.model.max_input_chars_per_word = 5;
  }), wordPiece],
  ['byte-level BPE', () => roberta({}), byteLevel],
  ['byte-level BPE, add_prefix_space, trim_offsets false', () => roberta({ addPrefixSpace: true, trimOffsets: false }), byteLevel],
  ['byte-level BPE, added tokens with flags, <mask> rstrip and single_word', () => changed(roberta({}), (j) => {
    j.added_tokens.push(...addedTokens(50262, ADDED));
    flag(j, '<mask>', { rstrip: true, single_word: true });
  }), byteLevel],
  ['byte-level BPE, use_regex false, special tokens normalized', () => changed(roberta({ specialsNormalized: true }), (j) => (j.pre_tokenizer.use_regex = false)), byteLevel],
  ['Unigram, nmt_nfkc', () => unigramFixture('xlmr-nmt-nfkc.tokenizer.json'), unigram],
  ['Unigram, identity', () => unigramFixture('identity.tokenizer.json'), unigram],
  ['Unigram, Strip and Replace(" {2,}", "▁"), prepend_scheme first', () => changed(unigramFixture('xlmr-nmt-nfkc.tokenizer.json'), (j) => {
    j.normalizer.normalizers?.splice(1, 1, { type: 'Strip', strip_left: true, strip_right: true }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: '▁' });
    j.pre_tokenizer.prepend_scheme = 'first';
    j.decoder.prepend_scheme = 'first';
  }), unigram],
  ['Unigram, added tokens with flags, split false, prepend_scheme never', () => changed(unigramFixture('xlmr-nmt-nfkc.tokenizer.json'), (j) => {
    j.added_tokens.push(...addedTokens((j.model.vocab as unknown[]).length, ADDED));
    for (const token of j.added_tokens) if (token.content === '<mask>') token.rstrip = true;
    j.pre_tokenizer.split = false;
    j.pre_tokenizer.prepend_scheme = 'never';
    j.decoder.prepend_scheme = 'never';
  }), unigram],
];

type RustTokenizer = ReturnType<typeof rustTokenizerFromJson>;

/** Ours and Rust's encodings of one case agree: whole, without special tokens, truncated, decoded. */
async function assertSameAsRust(ours: Tokenizer, rust: RustTokenizer, { text, kinds }: FuzzCase, where: string): Promise<void> {
  const what = `${where} [${kinds.join(' + ')}] ${describeText(text)}`;
  const expected = await rust.encode(text, null, { addSpecialTokens: true });
  const reference = await rustEncode(rust, text);
  const got = ours.encode(text);
  assert.equal(got.ids, reference.ids, `ids: ${what}`);
  assert.equal(got.tokens, reference.tokens, `tokens: ${what}`);
  assert.equal(got.offsets, reference.offsets, `offsets: ${what}`);
  assert.equal([got.attentionMask, got.tokenTypeIds], [expected.getAttentionMask(), expected.getTypeIds()], `masks: ${what}`);
  const bare = await rustEncode(rust, text, false);
  const gotBare = ours.encode(text, { addSpecialTokens: false });
  assert.equal([gotBare.ids, gotBare.offsets], [bare.ids, bare.offsets], `without special tokens: ${what}`);
  const maxLength = 2 + (text.length % 7);
  rust.setTruncation(maxLength);
  const truncated = await rustEncode(rust, text);
  rust.disableTruncation();
  const gotTruncated = ours.encode(text, { maxLength });
  assert.equal([gotTruncated.ids, gotTruncated.offsets], [truncated.ids, truncated.offsets], `maxLength ${maxLength}: ${what}`);
  assert.is(ours.decode(got.ids), await rust.decode(reference.ids, false), `decode: ${what}`);
  assert.is(ours.decode(got.ids, { skipSpecialTokens: true }), await rust.decode(reference.ids, true), `decode skipping special tokens: ${what}`);
}

const fuzz = suite('differential fuzzing against Rust tokenizers');

fuzz(`the fuzz texts cover every kind of piece (${CASES} cases a setting, seed ${SEED})`, () => {
  const counts = new Map<string, number>();
  for (let s = 0; s < SETTINGS.length; s++) {
    for (const { kinds } of fuzzCases(SEED + s, CASES)) for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  for (const { name } of PIECE_KINDS) assert.ok((counts.get(name) ?? 0) >= SETTINGS.length * CASES * 0.1, `${name}: ${counts.get(name) ?? 0} pieces`);
});

SETTINGS.forEach(([name, makeJson, make], s) => {
  fuzz(`${name}: regressions and ${CASES} fuzz texts (seed ${SEED + s}) give Rust's encodings and decodings`, async () => {
    const json = makeJson();
    const ours = make(json);
    const rust = rustTokenizerFromJson(json);
    for (const regression of REGRESSIONS) await assertSameAsRust(ours, rust, regression, `${name}, regression`);
    for (const [k, fuzzCase] of fuzzCases(SEED + s, CASES).entries()) await assertSameAsRust(ours, rust, fuzzCase, `${name}, seed ${SEED + s} case ${k}`);
  });
});

fuzz.run();
