// Character classes exactly as Hugging Face's Rust `tokenizers` (BertNormalizer,
// BertPreTokenizer) draws them. Rust classifies with the `unicode_categories` crate, whose
// tables are Unicode 8.0; JavaScript's \p{…} classes follow the engine's (newer) Unicode. The
// exception lists below hold the characters whose category changed since Unicode 8.0, so that
// we agree with Rust rather than with today's Unicode. test/tokenizer/unicode.test.ts checks
// every code point against the Rust binding.

/** Code points as sorted inclusive ranges [from, to, from, to, …]. */
export type Ranges = readonly number[];

export function inRanges(ranges: Ranges, cp: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) {
    if (cp < ranges[i]) return false;
    if (cp <= ranges[i + 1]) return true;
  }
  return false;
}

/** Format characters (Cf) assigned after Unicode 8.0: Rust does not see them as control. */
const CF_SINCE_UNICODE_8: Ranges = [0x0890, 0x0891, 0x08e2, 0x08e2, 0x110cd, 0x110cd, 0x13430, 0x1343f];

/**
 * Punctuation (P*) assigned after Unicode 8.0, or moved into P* since: Rust does not split on
 * them.
 */
const PUNCTUATION_SINCE_UNICODE_8: Ranges = [
  0x061d, 0x061d, 0x09fd, 0x09fd, 0x0a76, 0x0a76, 0x0c77, 0x0c77, 0x0c84, 0x0c84,
  0x1b4e, 0x1b4f, 0x1b7d, 0x1b7f, 0x2e43, 0x2e4f, 0x2e52, 0x2e5d,
  0x10d6e, 0x10d6e, 0x10ead, 0x10ead, 0x10ed0, 0x10ed0, 0x10f55, 0x10f59, 0x10f86, 0x10f89,
  0x113d4, 0x113d5, 0x113d7, 0x113d8, 0x1144b, 0x1144f, 0x1145a, 0x1145b, 0x1145d, 0x1145d,
  0x11660, 0x1166c, 0x116b9, 0x116b9, 0x1183b, 0x1183b, 0x11944, 0x11946, 0x119e2, 0x119e2,
  0x11a3f, 0x11a46, 0x11a9a, 0x11a9c, 0x11a9e, 0x11aa2, 0x11b00, 0x11b09, 0x11be1, 0x11be1,
  0x11c41, 0x11c45, 0x11c70, 0x11c71, 0x11ef7, 0x11ef8, 0x11f43, 0x11f4f, 0x11fff, 0x11fff,
  0x12ff1, 0x12ff2, 0x16d6d, 0x16d6f, 0x16e97, 0x16e9a, 0x16fe2, 0x16fe2, 0x1e5ff, 0x1e5ff,
  0x1e95e, 0x1e95f,
];

/** Punctuation in Unicode 8.0 that has left P* since (U+166D became So, U+111C9 Mn). */
const PUNCTUATION_UNTIL_UNICODE_8: Ranges = [0x166d, 0x166d, 0x111c9, 0x111c9];

/** Non-spacing marks (Mn) assigned after Unicode 8.0: Rust's accent stripping keeps them. */
const NON_SPACING_MARK_SINCE_UNICODE_8: Ranges = [
  0x7fd, 0x7fd, 0x897, 0x89f, 0x8ca, 0x8e1, 0x9fe, 0x9fe, 0xafa, 0xaff, 0xb55, 0xb55,
  0xc04, 0xc04, 0xc3c, 0xc3c, 0xd00, 0xd00, 0xd3b, 0xd3c, 0xd81, 0xd81, 0xeba, 0xeba,
  0xece, 0xece, 0x180f, 0x180f, 0x1885, 0x1886, 0x1abf, 0x1add, 0x1ae0, 0x1aeb, 0x1df6, 0x1dfb,
  0xa82c, 0xa82c, 0xa8c5, 0xa8c5, 0xa8ff, 0xa8ff, 0xa9bd, 0xa9bd, 0x10d24, 0x10d27, 0x10d69, 0x10d6d,
  0x10eab, 0x10eac, 0x10efa, 0x10eff, 0x10f46, 0x10f50, 0x10f82, 0x10f85, 0x11070, 0x11070, 0x11073, 0x11074,
  0x110c2, 0x110c2, 0x111c9, 0x111c9, 0x111cf, 0x111cf, 0x1123e, 0x1123e, 0x11241, 0x11241, 0x1133b, 0x1133b,
  0x113bb, 0x113c0, 0x113ce, 0x113ce, 0x113d0, 0x113d0, 0x113d2, 0x113d2, 0x113e1, 0x113e2, 0x11438, 0x1143f,
  0x11442, 0x11444, 0x11446, 0x11446, 0x1145e, 0x1145e, 0x1182f, 0x11837, 0x11839, 0x1183a, 0x1193b, 0x1193c,
  0x1193e, 0x1193e, 0x11943, 0x11943, 0x119d4, 0x119d7, 0x119da, 0x119db, 0x119e0, 0x119e0, 0x11a01, 0x11a0a,
  0x11a33, 0x11a38, 0x11a3b, 0x11a3e, 0x11a47, 0x11a47, 0x11a51, 0x11a56, 0x11a59, 0x11a5b, 0x11a8a, 0x11a96,
  0x11a98, 0x11a99, 0x11b60, 0x11b60, 0x11b62, 0x11b64, 0x11b66, 0x11b66, 0x11c30, 0x11c36, 0x11c38, 0x11c3d,
  0x11c3f, 0x11c3f, 0x11c92, 0x11ca7, 0x11caa, 0x11cb0, 0x11cb2, 0x11cb3, 0x11cb5, 0x11cb6, 0x11d31, 0x11d36,
  0x11d3a, 0x11d3a, 0x11d3c, 0x11d3d, 0x11d3f, 0x11d45, 0x11d47, 0x11d47, 0x11d90, 0x11d91, 0x11d95, 0x11d95,
  0x11d97, 0x11d97, 0x11ef3, 0x11ef4, 0x11f00, 0x11f01, 0x11f36, 0x11f3a, 0x11f40, 0x11f40, 0x11f42, 0x11f42,
  0x11f5a, 0x11f5a, 0x13440, 0x13440, 0x13447, 0x13455, 0x1611e, 0x16129, 0x1612d, 0x1612f, 0x16f4f, 0x16f4f,
  0x16fe4, 0x16fe4, 0x1cf00, 0x1cf2d, 0x1cf30, 0x1cf46, 0x1e000, 0x1e006, 0x1e008, 0x1e018, 0x1e01b, 0x1e021,
  0x1e023, 0x1e024, 0x1e026, 0x1e02a, 0x1e08f, 0x1e08f, 0x1e130, 0x1e136, 0x1e2ae, 0x1e2ae, 0x1e2ec, 0x1e2ef,
  0x1e4ec, 0x1e4ef, 0x1e5ee, 0x1e5ef, 0x1e6e3, 0x1e6e3, 0x1e6e6, 0x1e6e6, 0x1e6ee, 0x1e6ef, 0x1e6f5, 0x1e6f5,
  0x1e944, 0x1e94a,
];

/** Non-spacing marks in Unicode 8.0 that are spacing (Mc) now: Rust still strips them. */
const NON_SPACING_MARK_UNTIL_UNICODE_8: Ranges = [0x1734, 0x1734, 0x1171e, 0x1171e];

/**
 * Characters with a canonical decomposition added after the Unicode version of Rust's NFD
 * tables (`unicode-normalization-alignments`): Rust leaves them whole.
 */
const DECOMPOSED_SINCE_RUST_TABLES: Ranges = [
  0x105c9, 0x105c9, 0x105e4, 0x105e4, 0x11383, 0x11383, 0x11385, 0x11385, 0x1138e, 0x1138e,
  0x11391, 0x11391, 0x113c5, 0x113c5, 0x113c7, 0x113c8, 0x11938, 0x11938, 0x16121, 0x16128,
  0x16d68, 0x16d6a,
];

const CONTROL = /^[\p{Cc}\p{Cf}\p{Co}]$/u;
const SEPARATOR = /^\p{Z}$/u;
const PUNCTUATION = /^\p{P}$/u;
const WHITE_SPACE = /^\s$/u;
const NON_SPACING_MARK = /^\p{Mn}$/u;

/** BertNormalizer's clean_text drops these: NUL, U+FFFD and control characters except \t \n \r. */
export function isDroppedByCleanText(cp: number): boolean {
  if (cp === 0 || cp === 0xfffd) return true;
  if (cp === 9 || cp === 10 || cp === 13) return false;
  return CONTROL.test(String.fromCodePoint(cp)) && !inRanges(CF_SINCE_UNICODE_8, cp);
}

/** BertNormalizer's clean_text turns these into a space: \t \n \r and separators (Zs, Zl, Zp). */
export function isCleanTextWhitespace(cp: number): boolean {
  return cp === 9 || cp === 10 || cp === 13 || SEPARATOR.test(String.fromCodePoint(cp));
}

/**
 * BertNormalizer's CJK ideograph ranges, spaced apart when handle_chinese_chars. Rust has
 * U+2B920 as the start of a range where Google's original BERT has U+2B820, so
 * U+2B820–U+2B91F stay glued to their neighbours here as in Rust.
 */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** BertPreTokenizer splits on Rust's char::is_whitespace (Unicode White_Space). */
export function isPreTokenizerWhitespace(cp: number): boolean {
  if (cp === 0x85) return true; // White_Space, but not in JavaScript's \s
  if (cp === 0xfeff) return false; // in JavaScript's \s, but not White_Space
  return WHITE_SPACE.test(String.fromCodePoint(cp));
}

/** BertPreTokenizer isolates ASCII punctuation (all of !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~) and P*. */
export function isPunctuation(cp: number): boolean {
  if (cp < 0x80) {
    return (cp >= 0x21 && cp <= 0x2f) || (cp >= 0x3a && cp <= 0x40) || (cp >= 0x5b && cp <= 0x60) || (cp >= 0x7b && cp <= 0x7e);
  }
  if (inRanges(PUNCTUATION_UNTIL_UNICODE_8, cp)) return true;
  return PUNCTUATION.test(String.fromCodePoint(cp)) && !inRanges(PUNCTUATION_SINCE_UNICODE_8, cp);
}

/** Accent stripping drops non-spacing marks (Mn) after NFD. */
export function isNonSpacingMark(cp: number): boolean {
  if (cp < 0x300) return false;
  if (inRanges(NON_SPACING_MARK_UNTIL_UNICODE_8, cp)) return true;
  return NON_SPACING_MARK.test(String.fromCodePoint(cp)) && !inRanges(NON_SPACING_MARK_SINCE_UNICODE_8, cp);
}

/** The canonical decomposition (NFD) of one code point, as Rust's tables have it. */
export function decomposeCanonically(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if (cp < 0xc0 || inRanges(DECOMPOSED_SINCE_RUST_TABLES, cp)) return ch;
  return ch.normalize('NFD');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text with each lone surrogate replaced by U+FFFD (same length): what Rust receives of a
 * JavaScript string, whose UTF-8 has no room for lone surrogates.
 */
export function replaceLoneSurrogates(text: string): string {
  return /[\uD800-\uDFFF]/.test(text) ? text.replace(LONE_SURROGATE, '\uFFFD') : text;
}
