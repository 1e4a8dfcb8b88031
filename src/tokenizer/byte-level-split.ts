// The ByteLevel pre-tokenizer's split of text into words: GPT-2's pattern
//
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// run by hand rather than as a JavaScript RegExp, because the character classes must be the
// Rust binding's, not the engine's: Rust's \s is Unicode White_Space (JavaScript's \s adds
// U+FEFF and lacks U+0085), and its \p{L} and \p{N} are Unicode 16.0's, while engines follow
// their own ICU (Node 20.20 has Unicode 17.0, older engines 14 or 15). The tables below
// correct for engines from Unicode 14 to 17; test/tokenizer/bpe-unicode.test.ts checks every
// code point against the Rust binding.
import { inRanges, isPreTokenizerWhitespace, type Ranges } from './unicode.js';

/** Letters assigned in Unicode 15.0 to 16.0: Rust's \p{L} has them, engines before 15 do not. */
const LETTERS_UNICODE_15_TO_16: Ranges = [
  0x1c89, 0x1c8a, 0xa7cb, 0xa7cd, 0xa7da, 0xa7dc, 0x105c0, 0x105f3, 0x10d4a, 0x10d65,
  0x10d6f, 0x10d85, 0x10ec2, 0x10ec4, 0x1123f, 0x11240, 0x11380, 0x11389, 0x1138b, 0x1138b,
  0x1138e, 0x1138e, 0x11390, 0x113b5, 0x113b7, 0x113b7, 0x113d1, 0x113d1, 0x113d3, 0x113d3,
  0x11bc0, 0x11be0, 0x11f02, 0x11f02, 0x11f04, 0x11f10, 0x11f12, 0x11f33, 0x1342f, 0x1342f,
  0x13441, 0x13446, 0x13460, 0x143fa, 0x16100, 0x1611d, 0x16d40, 0x16d6c, 0x18cff, 0x18cff,
  0x1b132, 0x1b132, 0x1b155, 0x1b155, 0x1df25, 0x1df2a, 0x1e030, 0x1e06d, 0x1e4d0, 0x1e4eb,
  0x1e5d0, 0x1e5ed, 0x1e5f0, 0x1e5f0, 0x2b739, 0x2b739, 0x2ebf0, 0x2ee5d, 0x31350, 0x323af,
];

/** Numbers assigned in Unicode 15.0 to 16.0 (as above, for \p{N}). */
const NUMBERS_UNICODE_15_TO_16: Ranges = [
  0x10d40, 0x10d49, 0x116d0, 0x116e3, 0x11bf0, 0x11bf9, 0x11f50, 0x11f59, 0x16130, 0x16139,
  0x16d70, 0x16d79, 0x1ccf0, 0x1ccf9, 0x1d2c0, 0x1d2d3, 0x1e4f0, 0x1e4f9, 0x1e5f1, 0x1e5fa,
];

/** Letters and numbers assigned in Unicode 17.0: engines with ICU 78 know them, Rust does not (to it they are unassigned, neither L nor N). */
const LETTERS_AND_NUMBERS_UNICODE_17: Ranges = [
  0x88f, 0x88f, 0xc5c, 0xc5c, 0xcdc, 0xcdc, 0xa7ce, 0xa7cf, 0xa7d2, 0xa7d2, 0xa7d4, 0xa7d4,
  0xa7f1, 0xa7f1, 0x10940, 0x10959, 0x10ec5, 0x10ec7, 0x11db0, 0x11ddb, 0x11de0, 0x11de9,
  0x16ea0, 0x16eb8, 0x16ebb, 0x16ed3, 0x16ff2, 0x16ff6, 0x187f8, 0x187ff, 0x18d09, 0x18d1e,
  0x18d80, 0x18df2, 0x1e6c0, 0x1e6de, 0x1e6e0, 0x1e6e2, 0x1e6e4, 0x1e6e5, 0x1e6e7, 0x1e6ed,
  0x1e6f0, 0x1e6f4, 0x1e6fe, 0x1e6ff, 0x2b73a, 0x2b73f, 0x2cea2, 0x2cead, 0x323b0, 0x33479,
];

/** The pattern's character classes: \p{L}, \p{N}, \s, and everything else. */
export const LETTER = 0;
export const NUMBER = 1;
export const SPACE = 2;
/** Neither: punctuation, symbols, marks, controls, unassigned. */
export const OTHER = 3;
export type CharClass = typeof LETTER | typeof NUMBER | typeof SPACE | typeof OTHER;

const LETTER_PATTERN = /\p{L}/u;
const NUMBER_PATTERN = /\p{N}/u;

function classify(cp: number): CharClass {
  if (inRanges(LETTERS_AND_NUMBERS_UNICODE_17, cp)) return OTHER;
  const char = String.fromCodePoint(cp);
  if (LETTER_PATTERN.test(char) || inRanges(LETTERS_UNICODE_15_TO_16, cp)) return LETTER;
  if (NUMBER_PATTERN.test(char) || inRanges(NUMBERS_UNICODE_15_TO_16, cp)) return NUMBER;
  return isPreTokenizerWhitespace(cp) ? SPACE : OTHER;
}

const asciiClasses = new Uint8Array(128);
for (let cp = 0; cp < 128; cp++) asciiClasses[cp] = classify(cp);
const classCache = new Map<number, CharClass>();

/** The class of code point `cp` as Rust's regex sees it. */
export function classOf(cp: number): CharClass {
  if (cp < 128) return asciiClasses[cp] as CharClass;
  let found = classCache.get(cp);
  if (found === undefined) {
    found = classify(cp);
    classCache.set(cp, found);
  }
  return found;
}

/** The code point at `i` (a lone surrogate is itself: it has no class but Other, as U+FFFD). */
function codePointAt(text: string, i: number, end: number): number {
  const unit = text.charCodeAt(i);
  if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < end) {
    const next = text.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return ((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
  }
  return unit;
}

/** Where the run of `cls` characters starting at `i` ends. */
function runEnd(text: string, i: number, end: number, cls: CharClass): number {
  while (i < end) {
    const cp = codePointAt(text, i, end);
    if (classOf(cp) !== cls) break;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

/** The end of 's 't 're 've 'm 'll 'd at `i`, or -1. */
function contractionEnd(text: string, i: number, end: number): number {
  if (i + 1 >= end) return -1;
  const a = text.charCodeAt(i + 1);
  if (a === 0x73 || a === 0x74 || a === 0x6d || a === 0x64) return i + 2; // s t m d
  if (i + 2 >= end) return -1;
  const b = text.charCodeAt(i + 2);
  if ((a === 0x72 || a === 0x76) && b === 0x65) return i + 3; // re ve
  return a === 0x6c && b === 0x6c ? i + 3 : -1; // ll
}

/**
 * Where the word of text[i, end) that starts at `i` ends: the pattern's leftmost-first match
 * there. Every character belongs to some alternative, so words cover the text.
 */
export function wordEnd(text: string, i: number, end: number): number {
  const unit = text.charCodeAt(i);
  if (unit === 0x27) {
    const contraction = contractionEnd(text, i, end);
    if (contraction >= 0) return contraction;
  }
  // " ?\p{L}+", " ?\p{N}+", " ?[^\s\p{L}\p{N}]+": an optional space, then a run of one class.
  const start = unit === 0x20 && i + 1 < end ? i + 1 : i;
  const cls = classOf(codePointAt(text, start, end));
  if (cls !== SPACE) return runEnd(text, start, end, cls);
  // "\s+(?!\S)": a run of spaces, less its last one when a non-space follows (that one starts
  // the next word); "\s+" for a single space before a non-space. White_Space is all in the
  // BMP, so each is one UTF-16 unit.
  const stop = runEnd(text, i, end, SPACE);
  return stop < end && stop - i >= 2 ? stop - 1 : stop;
}
