// BertNormalizer: clean text, space out CJK ideographs, strip accents, lowercase. Works one
// code point at a time (each maps to zero or more code points that all point back to it),
// which is what Rust's NormalizedString alignments give, and caches each code point's result.
// The exception: combining marks out of canonical order, which Rust's NFD sorts across code
// points (canonical-order.ts); a text with such a run is normalized as a whole instead.
import { combiningClassAbove, decomposeInCanonicalOrder, hasCombiningClass, type SourcedChar } from './canonical-order.js';
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

/** A code point as the normalizer maps it, and what NFD's canonical ordering needs to know of it. */
interface MappedCodePoint {
  /** What it becomes ('' when dropped). */
  text: string;
  /**
   * The first and last code point of its decomposition when accents are stripped and they have
   * a combining class, else -1: where Rust's NFD may sort it with its neighbours' marks.
   */
  lead: number;
  trail: number;
  /** Dropped by clean_text before NFD: the marks either side of it meet. */
  dropped: boolean;
}

export class BertNormalizer {
  private readonly cache = new Map<number, MappedCodePoint>();
  private readonly ascii: MappedCodePoint[] = [];
  private readonly stripsAccents: boolean;

  constructor(readonly settings: NormalizerSettings) {
    this.stripsAccents = settings.stripAccents ?? settings.lowercase;
    for (let cp = 0; cp < 0x80; cp++) this.ascii.push(this.describe(cp));
  }

  /** What one code point becomes ('' when dropped). */
  mapCodePoint(cp: number): string {
    let out = '';
    for (const ch of this.cleanAndSpace(cp)) out += this.finish(ch.codePointAt(0)!);
    return out;
  }

  /** clean_text and handle_chinese_chars, the steps before NFD. */
  private cleanAndSpace(cp: number): string {
    const { cleanText, handleChineseChars } = this.settings;
    if (cleanText) {
      if (isDroppedByCleanText(cp)) return '';
      if (isCleanTextWhitespace(cp)) return ' ';
    }
    const ch = String.fromCodePoint(cp);
    return handleChineseChars && isChineseChar(cp) ? ` ${ch} ` : ch;
  }

  /** Accent stripping (NFD without the non-spacing marks) and lowercasing of one code point. */
  private finish(cp: number): string {
    let out = this.stripsAccents ? stripNonSpacingMarks(decomposeCanonically(cp)) : String.fromCodePoint(cp);
    if (this.settings.lowercase) out = lowercaseEach(out);
    return out;
  }

  private describe(cp: number): MappedCodePoint {
    const text = this.mapCodePoint(cp);
    const dropped = this.cleanAndSpace(cp) === '';
    if (!this.stripsAccents || dropped || cp < 0xc0) return { text, lead: -1, trail: -1, dropped };
    const decomposed = [...decomposeCanonically(cp)].map((ch) => ch.codePointAt(0)!);
    const combining = (c: number): number => (hasCombiningClass(c) ? c : -1);
    return { text, lead: combining(decomposed[0]), trail: combining(decomposed[decomposed.length - 1]), dropped };
  }

  private mapCached(cp: number): MappedCodePoint {
    if (cp < 0x80) return this.ascii[cp];
    let mapped = this.cache.get(cp);
    if (mapped === undefined) {
      mapped = this.describe(cp);
      this.cache.set(cp, mapped);
    }
    return mapped;
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
    // The last code point of the decomposition so far when it has a combining class, else -1.
    let trail = -1;
    for (let i = from; i < to; ) {
      const unit = input.charCodeAt(i);
      const cp = codePointAt(input, i, to);
      const width = cp > 0xffff ? 2 : 1;
      const mapped = this.mapCached(cp);
      if (!mapped.dropped) {
        if (trail >= 0 && mapped.lead >= 0 && combiningClassAbove(trail, mapped.lead)) return this.normalizeInCanonicalOrder(input, from, to);
        trail = mapped.trail;
      }
      const out = mapped.text;
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

  /**
   * normalize() for a text with combining marks out of canonical order: each step over the
   * whole of input[from, to) as Rust runs them, NFD sorting the marks (canonical-order.ts).
   */
  private normalizeInCanonicalOrder(input: string, from: number, to: number): NormalizedText {
    const before: SourcedChar[] = [];
    for (let i = from; i < to; ) {
      const cp = codePointAt(input, i, to);
      for (const ch of this.cleanAndSpace(cp)) before.push({ cp: ch.codePointAt(0)!, source: i });
      i += cp > 0xffff ? 2 : 1;
    }
    let text = '';
    const starts: number[] = [];
    for (const { cp, source } of decomposeInCanonicalOrder(before, decomposeCanonically)) {
      if (isNonSpacingMark(cp)) continue;
      const out = this.settings.lowercase ? String.fromCodePoint(cp).toLowerCase() : String.fromCodePoint(cp);
      text += out;
      for (let k = 0; k < out.length; k++) starts.push(source);
    }
    return { text, starts: Int32Array.from(starts) };
  }
}

/** The code point at input[i] (before `to`); a lone surrogate is U+FFFD, as Rust receives it. */
function codePointAt(input: string, i: number, to: number): number {
  const unit = input.charCodeAt(i);
  if (unit < 0xd800 || unit > 0xdfff) return unit;
  const next = i + 1 < to ? input.charCodeAt(i + 1) : 0;
  if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return ((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
  return 0xfffd;
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
