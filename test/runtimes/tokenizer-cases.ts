// The runtime matrix's tokenizer cases: the three tokenizers the library has, as the
// tokenizer.json files users load (bert-base-uncased's WordPiece vocabulary; GPT-2's vocabulary
// and merges in RoBERTa's layout; a SentencePiece Unigram model in XLM-RoBERTa's layout, whose
// normalizer goes by grapheme clusters from Intl.Segmenter), texts that lean on the engine's
// Unicode support (normalize, \p{…} classes, case mapping, grapheme clusters, TextEncoder), and what Hugging Face's Rust `tokenizers` gives for each: ids and
// UTF-16 offsets, asked here at run time (never written down). Written to a folder that every
// runtime of the matrix reads its own way (tokenizer-check.mjs compares).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bertTokenizerJson } from '../../tools/bert-tokenizer-json.js';
import { robertaTokenizerJson } from '../../tools/roberta-tokenizer-files.js';
import { xlmrTokenizerJson } from '../../tools/xlmr-tokenizer-files.js';
import { bpeCorpus } from '../tokenizer/bpe-corpus.js';
import type { CorpusText } from '../tokenizer/corpus.js';
import { rustEncode, rustTokenizerFromJson } from '../tokenizer/reference.js';

/** The folder's files (paths relative to it), as tokenizer-check.mjs names them too. */
export const TOKENIZER_CASE_FILES = { wordpiece: 'wordpiece/tokenizer.json', bpe: 'bpe/tokenizer.json', unigram: 'unigram/tokenizer.json', cases: 'cases.json' } as const;

/** cases.json: the texts and, per tokenizer, Rust's ids and flattened [start, end, …] offsets per text. */
export interface TokenizerCasesJson {
  texts: string[];
  categories: string[];
  expected: Record<TokenizerKind, { ids: number[][]; offsets: number[][] }>;
}

/** What tokenizer-check.mjs answers for one tokenizer in one runtime. */
export interface TokenizerCheckResult {
  readonly texts: number;
  /** Texts whose ids or offsets differ from Rust's. */
  readonly mismatchCount: number;
  /** The first few of them: index, category, text, code points near the difference, both sides' ids and offsets there. */
  readonly mismatches: ReadonlyArray<Record<string, unknown>>;
  /** Loading went wrong (the wrong class, two copies of a class). */
  readonly failures: string[];
  readonly loadMs: number;
  readonly encodeMs: number;
}

export type TokenizerKind = 'wordpiece' | 'bpe' | 'unigram';
/** The tokenizers every runtime checks. */
export const TOKENIZER_KINDS: readonly TokenizerKind[] = ['wordpiece', 'bpe', 'unigram'];
export type TokenizerCheckResults = Readonly<Record<TokenizerKind, TokenizerCheckResult>>;

export interface TokenizerCases {
  readonly dir: string;
  readonly texts: number;
  dispose(): void;
}

/** Mixed-script sentences and case-mapping corners the corpora have only in part. */
const SCRIPTS_AND_CASES = [
  'مرحبا بالعالم، كيف حالك؟ ١٢٣', 'السَّلَامُ عَلَيْكُمْ (with harakat)', 'שָׁלוֹם עוֹלָם, מה שלומך?', 'नमस्ते दुनिया, आप कैसे हैं? ०१२',
  'สวัสดีชาวโลก ภาษาไทยไม่มีช่องว่างระหว่างคำ', 'ພາສາລາວ', 'ភាសាខ្មែរ', 'မြန်မာဘာသာ', 'ᠮᠣᠩᠭᠣᠯ', 'ትግርኛ አማርኛ', 'ᏣᎳᎩ', 'ꦧꦱꦗꦮ',
  'Ὀδυσσεύς ΟΔΥΣΣΕΎΣ ὈΔΥΣΣΕΎΣ σοφός ΣΟΦΌΣ', 'ᾼ ᾳ ῼ ῳ ΐ ΰ (Greek with iota subscript)', 'ǰ ŉ ẖ ẗ ẘ ẙ ẚ (no precomposed capital)',
  'ſ ſt ﬅ K Å Ω ẞ ß ŉ', 'İ ı I i i̇ İSTANBUL ıstanbul', 'Ａｂｃ１２３！？　ｶﾞｷﾞ', '가나다 각 각 ㄱㅏㄱ', '𝐀𝐁𝐂 𝔸𝔹ℂ 𝟘𝟙𝟚 (math alphanumerics)',
  '🧑🏽‍🚀 👩🏿‍❤️‍💋‍👨🏻 🏃🏾‍♀️ 🇺🇳 🏴‍☠️ 🫱🏼‍🫲🏿', 'x\u200dy\u200cz\u2060w\u00adv', '\u202eevil\u202c \u2066isolate\u2069',
  '\ud83d\ude00\ud83d', '\udbff\udfff \u{10ffff} \u{e0100} \u{1d165}\u{1d16d}', 'a\u0345 \u0344 \u0f73 \u0f75 \u0f81 (composition exclusions)',
  `${'ß'.repeat(60)} ${'ﬃ'.repeat(40)} ${'İ'.repeat(50)}`, 'Ԁԁ Ꙁꙁ Ꜣꜣ Ɐɐ Ᵹᵹ ꞔ Ɬɬ (rare case pairs)', 'ᲀ ᲈ Ა ა (Georgian Mtavruli)',
];

/**
 * Every code point of planes 0-3 and 14 (no surrogates) at a stride, 128 to a text, so each
 * block of Unicode (and each engine's view of it) gets some texts.
 */
function unicodeSweep(stride: number): string[] {
  const points: number[] = [];
  const add = (from: number, to: number): void => {
    for (let cp = from; cp <= to; cp += stride) if (cp < 0xd800 || cp > 0xdfff) points.push(cp);
  };
  add(0x80, 0x3ffff);
  add(0xe0000, 0xe01ef);
  const texts: string[] = [];
  for (let i = 0; i < points.length; i += 128) texts.push(String.fromCodePoint(...points.slice(i, i + 128)));
  return texts;
}

/** The texts: the byte-level BPE corpus (a superset of the WordPiece one) less its long ASCII prose, and more. */
export function runtimeTokenizerTexts(): CorpusText[] {
  const ascii = new Set(['random word salad', 'text over 5,000 words']);
  const texts = bpeCorpus().filter((t) => !ascii.has(t.category));
  for (const text of SCRIPTS_AND_CASES) texts.push({ category: 'scripts and case mapping', text });
  for (const text of unicodeSweep(11)) texts.push({ category: 'Unicode sweep', text });
  return texts;
}

/**
 * Writes the three tokenizer.json files and cases.json (Rust's ids and offsets for every text)
 * into a fresh temporary folder (removed by `dispose`).
 */
export async function writeTokenizerCases(): Promise<TokenizerCases> {
  const dir = mkdtempSync(join(tmpdir(), 'splade-tokenizer-cases-'));
  const corpus = runtimeTokenizerTexts();
  const texts = corpus.map((t) => t.text);
  const json = { wordpiece: bertTokenizerJson(), bpe: robertaTokenizerJson(), unigram: xlmrTokenizerJson() };
  const expected = {} as TokenizerCasesJson['expected'];
  for (const kind of TOKENIZER_KINDS) {
    mkdirSync(join(dir, kind));
    writeFileSync(join(dir, TOKENIZER_CASE_FILES[kind]), json[kind]);
    const rust = rustTokenizerFromJson(json[kind]);
    const encodings = await Promise.all(texts.map((text) => rustEncode(rust, text)));
    expected[kind] = { ids: encodings.map((e) => e.ids), offsets: encodings.map((e) => e.offsets.flat()) };
  }
  const cases: TokenizerCasesJson = { texts, categories: corpus.map((t) => t.category), expected };
  // JSON.stringify writes lone surrogates as \ud800 escapes: the file is valid UTF-8 and parses back to them.
  writeFileSync(join(dir, TOKENIZER_CASE_FILES.cases), JSON.stringify(cases));
  return { dir, texts: texts.length, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
