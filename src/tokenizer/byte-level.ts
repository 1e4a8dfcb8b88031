// GPT-2's byte-level alphabet: byte-level BPE works on the UTF-8 bytes of the text, each byte
// written as one printable character so that vocabulary and merges are plain strings. Bytes
// that are printable Latin-1 characters stand for themselves; the other 68 (controls, space,
// U+007F–U+00A0, U+00AD) are numbered from U+0100 in byte order, so a space is "Ġ" (U+0120)
// and a line feed "Ċ" (U+010A).

/** The character each byte is written as, by byte value. */
export const BYTE_CHARS: readonly string[] = (() => {
  const printable = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const chars: string[] = [];
  let next = 0x100;
  for (let b = 0; b < 256; b++) chars.push(String.fromCharCode(printable(b) ? b : next++));
  return chars;
})();

/** Byte value of each byte character (UTF-16 unit), -1 for other characters. */
const CHAR_BYTES: Int16Array = (() => {
  const table = new Int16Array(0x144).fill(-1);
  BYTE_CHARS.forEach((char, b) => (table[char.charCodeAt(0)] = b));
  return table;
})();

/**
 * Writes the UTF-8 bytes of code point `cp` into `out` at `at`; returns how many (1 to 4).
 * `cp` must not be a surrogate (callers replace lone surrogates with U+FFFD first).
 */
export function utf8Bytes(cp: number, out: Uint8Array, at: number): number {
  if (cp < 0x80) {
    out[at] = cp;
    return 1;
  }
  if (cp < 0x800) {
    out[at] = 0xc0 | (cp >> 6);
    out[at + 1] = 0x80 | (cp & 0x3f);
    return 2;
  }
  if (cp < 0x10000) {
    out[at] = 0xe0 | (cp >> 12);
    out[at + 1] = 0x80 | ((cp >> 6) & 0x3f);
    out[at + 2] = 0x80 | (cp & 0x3f);
    return 3;
  }
  out[at] = 0xf0 | (cp >> 18);
  out[at + 1] = 0x80 | ((cp >> 12) & 0x3f);
  out[at + 2] = 0x80 | ((cp >> 6) & 0x3f);
  out[at + 3] = 0x80 | (cp & 0x3f);
  return 4;
}

const encoder = new TextEncoder();
/** Invalid UTF-8 becomes U+FFFD, one per maximal invalid subsequence, as Rust's from_utf8_lossy (and transformers' errors="replace") does. */
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * The ByteLevel decoder: each token's characters back to the bytes they stand for, all the
 * bytes decoded as UTF-8. A token with a character outside the alphabet (an added token such
 * as " <mask>" written with its space, or with letters outside Latin-1) is taken as its own
 * UTF-8, as Rust's decoder does.
 */
export function decodeByteLevel(tokens: readonly string[]): string {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (const token of tokens) {
    let bytes = new Uint8Array(token.length);
    for (let i = 0; i < token.length; i++) {
      const unit = token.charCodeAt(i);
      const b = unit < CHAR_BYTES.length ? CHAR_BYTES[unit] : -1;
      if (b < 0) {
        bytes = encoder.encode(token);
        break;
      }
      bytes[i] = b;
    }
    chunks.push(bytes);
    length += bytes.length;
  }
  const all = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return decoder.decode(all);
}
