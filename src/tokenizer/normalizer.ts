// BertNormalizer: clean text, space out CJK ideographs, strip accents, lowercase. Works one
// code point at a time (each maps to zero or more code points that all point back to it),
// which is what Rust's NormalizedString alignments give, and caches each code point's result.
import { decomposeCanonically, isChineseChar, isCleanTextWhitespace, isDroppedByCleanText, isNonSpacingMark } from './unicode.js';

/** The BertNormalizer fields of a tokenizer.json. */
export interface NormalizerSettings {
  /** Drop control characters, U+0000 and U+FFFD; whitespace becomes a space. */
  cleanText: boolean;
  /** Put spaces around CJK ideographs so each becomes its own word. */
  handleChineseChars: boolean;
  /** NFD, then drop non-spacing marks; null: exactly when lowercasing. */
  stripAccents: boolean | null;
  /** Lowercase each character (per character, as Rust does: no final-sigma rule). */
  lowercase: boolean;
}

/**
 * A normalized stretch of the input: `text`, and for each of its UTF-16 units the UTF-16 index
 * `starts[k]` in the input of the code point it came from (see `originalEnd` for its end).
 */
export interface NormalizedText {
  text: string;
  starts: Int32Array;
}

/** The end (exclusive, UTF-16) in `input` of the original code point that starts at `start`. */
export function originalEnd(input: string, start: number): number {
  const unit = input.charCodeAt(start);
  if (unit >= 0xd800 && unit <= 0xdbff) {
    const next = input.charCodeAt(start + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return start + 2;
  }
  return start + 1;
}

export class BertNormalizer {
  private readonly cache = new Map<number, string>();
  private readonly ascii: string[] = [];

  constructor(readonly settings: NormalizerSettings) {
    for (let cp = 0; cp < 0x80; cp++) this.ascii.push(this.mapCodePoint(cp));
  }

  /** What one code point becomes ('' when dropped). */
  mapCodePoint(cp: number): string {
    const { cleanText, handleChineseChars, stripAccents, lowercase } = this.settings;
    if (cleanText) {
      if (isDroppedByCleanText(cp)) return '';
      if (isCleanTextWhitespace(cp)) return ' ';
    }
    let out = String.fromCodePoint(cp);
    if (stripAccents ?? lowercase) out = stripNonSpacingMarks(decomposeCanonically(cp));
    if (lowercase) out = lowercaseEach(out);
    if (handleChineseChars && isChineseChar(cp)) out = ` ${out} `;
    return out;
  }

  private mapCached(cp: number): string {
    if (cp < 0x80) return this.ascii[cp];
    let out = this.cache.get(cp);
    if (out === undefined) {
      out = this.mapCodePoint(cp);
      this.cache.set(cp, out);
    }
    return out;
  }

  /**
   * Normalizes input[from, to). A lone surrogate becomes U+FFFD, as on its way into Rust,
   * which clean_text then drops.
   */
  normalize(input: string, from = 0, to = input.length): NormalizedText {
    let starts: Int32Array = new Int32Array(Math.max(16, to - from + 8));
    const parts: string[] = [];
    let length = 0;
    // Characters that normalize to themselves are copied as runs of the input, not one by one.
    let runStart = from;
    for (let i = from; i < to; ) {
      const unit = input.charCodeAt(i);
      let cp = unit;
      let width = 1;
      if (unit >= 0xd800 && unit <= 0xdfff) {
        const next = i + 1 < to ? input.charCodeAt(i + 1) : 0;
        if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          cp = ((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
          width = 2;
        } else {
          cp = 0xfffd;
        }
      }
      const out = this.mapCached(cp);
      if (width === 1 ? out.length === 1 && out.charCodeAt(0) === unit : out.length === 2 && out.codePointAt(0) === cp) {
        if (length + width > starts.length) starts = grow(starts, Math.max(starts.length * 2, length + width));
        starts[length] = i;
        if (width === 2) starts[length + 1] = i;
        length += width;
        i += width;
        continue;
      }
      if (runStart < i) parts.push(input.slice(runStart, i));
      if (out.length > 0) {
        if (length + out.length > starts.length) starts = grow(starts, Math.max(starts.length * 2, length + out.length));
        for (let k = 0; k < out.length; k++) starts[length + k] = i;
        length += out.length;
        parts.push(out);
      }
      i += width;
      runStart = i;
    }
    if (runStart < to) parts.push(input.slice(runStart, to));
    const text = parts.length === 1 ? parts[0] : parts.join('');
    return { text, starts };
  }
}

function grow(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(size);
  grown.set(array);
  return grown;
}

function stripNonSpacingMarks(text: string): string {
  let out = '';
  for (const ch of text) if (!isNonSpacingMark(ch.codePointAt(0)!)) out += ch;
  return out;
}

function lowercaseEach(text: string): string {
  let out = '';
  for (const ch of text) out += ch.toLowerCase();
  return out;
}
