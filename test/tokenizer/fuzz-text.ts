// Adversarial text for the differential tokenizer fuzzer (fuzz.test.ts): seeded random strings
// built from pieces that each aim at one rule of the three pipelines (BERT's normalizer and
// pre-tokenizer, WordPiece's word limit, GPT-2's split, the Precompiled normalizer and
// Metaspace, added tokens and their strip flags). The expected tokens are never written here:
// the fuzzer asks the Rust `tokenizers` binding for them.
import { mulberry32, randomInt } from '../../tools/random.js';

/** A kind of piece a fuzz text is made of, named so a failing case says what it mixed. */
export interface PieceKind {
  name: string;
  make(next: () => number): string;
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)];
}

/** `count` picks from `items`, joined. */
function run(next: () => number, items: readonly string[], count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += pick(next, items);
  return text;
}

/** A random code point of [lo, hi] (surrogates included when the range holds them). */
function codePointIn(next: () => number, lo: number, hi: number): string {
  const cp = randomInt(next, lo, hi);
  return cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
}

const LATIN = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const ACCENTED = [...'éÉèàÀâäÄöÖüÜñÑçÇøØåÅæÆœßẞıİǅǄǆĳŉſﬁﬃÿŸαΣσςΐΰЁёЙй'];
const COMBINING = ['\u0301', '\u0300', '\u0308', '\u0327', '\u0323', '\u0345', '\u034f', '\u0488', '\u20dd', '\u1ab0', '\u{1d165}', '\u{1d16d}', '\u093c', '\u094d', '\u0e31', '\u0e48', '\u3099', '\u309a'];
const SCRIPTS = [
  '中文分词', '日本語', 'ひらがな', 'カタカナ', 'ｶﾀｶﾅﾞ', '한국어', '\u1100\u1161\u11a8', '\u1112\u1161\u11ab\u1100\u1173\u11af', '각', 'ไทยภาษา', 'ก\u0e33',
  'العربية', 'ﻻ', '\u0627\u0644\u0644\u0651\u064e\u0647', 'עִברית', 'हिन्दी', 'क्षत्रिय', 'ক্ষ', 'தமிழ்', 'ελληνικά', 'ΟΔΥΣΣΕΥΣ', 'русский', 'ქართული', 'Հայերեն', 'ᠮᠣᠩᠭᠣᠯ', '𠀀𠀁', '\u{2b820}\u{2b920}', '〇', '㐀', '\u{30000}',
];
const SPACES = [' ', '  ', '\t', '\n', '\r\n', '\r', '\u00a0', '\u3000', '\u2028', '\u2029', '\u0085', '\u2000', '\u200a', '\u202f', '\u205f', '\u1680', '\u180e', '\u000b', '\u000c', '\u001c', '\u001f'];
const INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u061c', '\u200e', '\u200f', '\u202a', '\u202e', '\u2066', '\ufe0f', '\ufe0e', '\u{e0001}', '\u{e0041}', '\ufff9', '\ufffd', '\ufffe', '\uffff', '\u0000', '\u0001', '\u007f', '\u0080', '\u009f', '\u0890', '\u{110bd}', '\u{1d173}'];
const PUNCTUATION = [
  ...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  '¡', '¿', '«', '»', '‹', '›', '—', '–', '‐', '‑', '‒', '―', '‘', '’', '‚', '“', '”', '„', '†', '‡', '•', '…', '‰', '′', '″', '※', '‼', '⁇', '⁈',
  '、', '。', '〃', '〈', '〉', '「', '」', '『', '』', '【', '】', '〜', '・', '！', '？', '（', '）', '，', '．', '：', '；', '＠', '＃', '＄', '％',
  '§', '¶', '·', '¦', '¬', '°', '±', '×', '÷', '©', '®', '™', '€', '£', '¥', '¢', '₹', '₿', '^', '`', '¨', '¯', '´', '¸', '˜', '˝',
  '⹃', '⸮', '⸻', '꙾', '߸', '٪', '؟', '،', '۔', '।', '॥', '๏', '๚', '฿', '༄', '၊', '᙭', '᠆', '\u{1f10d}', '\u{10100}', '\u{16fe2}', '﹏', '＿', '〰', '〽', '⁀', '⁔',
];
const EMOJI = ['😀', '👍🏽', '👍🏿', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🏴‍☠️', '❤️', '❤', '1️⃣', '#️⃣', '🇫🇷', '🇫', '🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}', '🧑🏻‍💻', '👩‍❤️‍💋‍👨', '🫠', '🪿', '☺', '✊🏾', '🏽'];
const DIGITS = ['0', '7', '42', '3.14', '1,000', '١٢٣', '१२३', '①', '⑴', '⒈', '½', '²', '₂', 'Ⅻ', '٣', '𝟘𝟙', '０１２', '〡'];
const BERT_SPECIALS = ['[MASK]', '[CLS]', '[SEP]', '[PAD]', '[UNK]', '[mask]', '[MASK', 'MASK]', '[ MASK ]', '[[MASK]]'];
const BPE_SPECIALS = ['<mask>', '<s>', '</s>', '<pad>', '<unk>', '<MASK>', '<mask', '<|endoftext|>', '<<mask>>'];
const SPM_MARKS = ['▁', '▁▁', '_', '﹍'];
/** The contents of the added tokens fuzz.test.ts gives its tokenizers, and near misses. */
const ADDED_CONTENTS = ['hello', 'Hello', 'HELLO', 'hellos', ' [X] ', '[X]', 'Ünï', 'ünï', 'Üni', '東京', '東京都', 'a\u0301', 'á', 'Á', 'ＡＢＣ', 'ABC', 'abc', ' x ', '▁a', '😀', '.'];

/**
 * Pieces of grapheme clusters (the Precompiled normalizer works per cluster): Hangul jamo L, V,
 * T and syllables LV, LVT, Indic consonants with virama and ZWJ (conjunct rules of Unicode
 * 15.1), spacing marks, prepend characters, regional indicators, emoji modifiers and ZWJ.
 */
const CLUSTER_PARTS = [
  '\u1100', '\u1161', '\u11a8', '\uac00', '\uac01', '\ua960', '\ud7b0', '\ud7cb', 'क', 'ष', 'त', '\u094d', '\u093f', '\u0903', '\u200d', '\u200c',
  '\u0600', '\u0605', '\u{110bd}', '\u0d4e', '🇦', '🇧', '👍', '🏽', '\u{e0020}', '\u0300', '\u3099', '\uff9e', 'ｶ', 'e', '\r', '\n', '\u0e33', '\u0eb3',
];

/** Unpaired surrogate halves, in every position a JavaScript string allows them. */
const SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', '\ud83d', '\ude00', '\ude00\ud83d'];

/** The kinds of piece, each a rule of some tokenizer (see the comments). */
export const PIECE_KINDS: readonly PieceKind[] = [
  { name: 'latin word', make: (n) => run(n, LATIN, randomInt(n, 1, 12)) },
  // Lowercasing and accent stripping, NFD that grows a word, ß and İ that lowercase to two characters.
  { name: 'accented word', make: (n) => run(n, LATIN.concat(ACCENTED), randomInt(n, 1, 10)) },
  { name: 'combining sequence', make: (n) => pick(n, LATIN.concat(ACCENTED, SCRIPTS, [' ', ''])) + run(n, COMBINING, randomInt(n, 1, 4)) },
  { name: 'script', make: (n) => pick(n, SCRIPTS) },
  { name: 'whitespace', make: (n) => run(n, SPACES, randomInt(n, 1, 3)) },
  { name: 'invisible or control', make: (n) => pick(n, INVISIBLE) },
  { name: 'punctuation', make: (n) => run(n, PUNCTUATION, randomInt(n, 1, 3)) },
  { name: 'emoji', make: (n) => run(n, EMOJI, randomInt(n, 1, 3)) },
  { name: 'digits', make: (n) => pick(n, DIGITS) },
  { name: 'contraction', make: (n) => pick(n, ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "’s", "''"]) },
  // WordPiece's max_input_chars_per_word (100): words either side of it, some that NFD or lowercasing lengthens.
  { name: 'long word', make: (n) => pick(n, ['a', 'é', 'İ', 'ǅ', '東', '😀', 'ab', 'e\u0301', '\u200b', 'ß']).repeat(pick(n, [33, 49, 50, 51, 99, 100, 101, 150])) },
  { name: 'BERT special literal', make: (n) => pick(n, BERT_SPECIALS) },
  { name: 'RoBERTa special literal', make: (n) => pick(n, BPE_SPECIALS) },
  { name: 'added token literal', make: (n) => pick(n, ADDED_CONTENTS) },
  { name: 'metaspace mark', make: (n) => pick(n, SPM_MARKS) },
  { name: 'grapheme cluster parts', make: (n) => run(n, CLUSTER_PARTS, randomInt(n, 2, 6)) },
  { name: 'lone surrogate', make: (n) => pick(n, SURROGATES) },
  // Any code point of the BMP and the supplementary planes in use, unassigned ones included.
  { name: 'random BMP', make: (n) => codePointIn(n, 0, 0xffff) + (n() < 0.5 ? codePointIn(n, 0, 0xffff) : '') },
  { name: 'random astral', make: (n) => codePointIn(n, 0x10000, 0x3134f) },
  { name: 'random mark', make: (n) => run(n, [...'\u0300\u0315\u031b\u0345\u05b0\u0591\u064b\u0670\u093c\u0e38\u0f71\u0f74\u0f80\u1dc0\u20d0\u302a\u302e\u{1d165}\u{1d167}\u{1d16d}\u{1e944}'], randomInt(n, 1, 4)) },
];

/** One fuzz case: its text and the kinds of piece it joins. */
export interface FuzzCase {
  text: string;
  kinds: string[];
}

/** `count` texts of 1 to `maxPieces` pieces each, the same for the same `seed`. */
export function fuzzCases(seed: number, count: number, maxPieces = 8): FuzzCase[] {
  const next = mulberry32(seed);
  const cases: FuzzCase[] = [];
  for (let i = 0; i < count; i++) {
    const kinds: string[] = [];
    let text = '';
    for (let p = randomInt(next, 1, maxPieces); p > 0; p--) {
      const kind = pick(next, PIECE_KINDS);
      kinds.push(kind.name);
      text += kind.make(next);
      if (next() < 0.4) text += ' ';
    }
    cases.push({ text, kinds });
  }
  return cases;
}
