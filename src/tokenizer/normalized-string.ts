// A text being normalized, with where each of its characters came from in the original text:
// Rust tokenizers' NormalizedString, as far as the SentencePiece (Unigram) pipeline uses it.
// Each edit below follows its Rust counterpart (transform_range, replace, prepend, slice,
// lrstrip) step for step, quirks included, because token offsets are read off these
// alignments: a character inserted takes the alignment of the one before it, a character
// replacing several takes the first one's.
//
// Rust keeps an alignment per UTF-8 byte, in bytes of the original; here there is one per
// UTF-16 unit, in UTF-16 units of the original JavaScript string (both units of a surrogate
// pair share it). Rust gives all bytes of a character the same alignment and only compares
// and copies them, so the two describe the same mapping.

/** Whether text[i] starts a surrogate pair (the code point there is two units long). */
export function isPairAt(text: string, i: number): boolean {
  const unit = text.charCodeAt(i);
  if (unit < 0xd800 || unit > 0xdbff) return false;
  const next = text.charCodeAt(i + 1);
  return next >= 0xdc00 && next <= 0xdfff;
}

/** The code points of `text`, as strings. */
export function codePoints(text: string): string[] {
  const points: string[] = [];
  for (let i = 0; i < text.length; ) {
    const size = isPairAt(text, i) ? 2 : 1;
    points.push(text.slice(i, i + size));
    i += size;
  }
  return points;
}

/** UTF-8 length of a string without lone surrogates. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (isPairAt(text, i)) (bytes += 4), i++;
    else bytes += 3;
  }
  return bytes;
}

/**
 * One character of a transformation, as Rust's transform_range takes it: the new character
 * and its change: 0 replaces the next original character, 1 is inserted, -n replaces the next
 * one and removes the n after it.
 */
export type Change = [char: string, change: number];

/** A normalized text and, per UTF-16 unit, the [start, end) in the original it comes from. */
export class NormalizedString {
  private constructor(
    /** The normalized text. */
    public text: string,
    private starts: number[],
    private ends: number[],
    /** Rust's original_shift: where this string's original begins (UTF-16, in the whole text). */
    readonly originalShift: number,
  ) {}

  /** text[from, to) of the original, not normalized yet. */
  static of(text: string, from: number, to: number): NormalizedString {
    const starts: number[] = [];
    const ends: number[] = [];
    for (let i = from; i < to; ) {
      const size = isPairAt(text, i) ? 2 : 1;
      for (let k = 0; k < size; k++) starts.push(i), ends.push(i + size);
      i += size;
    }
    return new NormalizedString(text.slice(from, to), starts, ends, from);
  }

  get isEmpty(): boolean {
    return this.text.length === 0;
  }

  /** The original [start, end) of normalized [from, to) (Rust's expand_alignments), from < to. */
  originalRange(from: number, to: number): [number, number] {
    return [this.starts[from], this.ends[to - 1]];
  }

  /** normalized [from, to) as a string of its own (Rust's slice with a normalized range), from < to. */
  slice(from: number, to: number): NormalizedString {
    return new NormalizedString(this.text.slice(from, to), this.starts.slice(from, to), this.ends.slice(from, to), this.starts[from]);
  }

  /**
   * Rust's transform(dest, initialOffset): transform_range over the range that
   * convert_offsets gives for the whole original, which starts at the first character whose
   * alignment is not empty (a character inserted at the very start has an empty one).
   */
  transform(dest: readonly Change[], initialOffset: number): void {
    if (this.text.length === 0) return; // convert_offsets gives None: Rust changes nothing
    let start = 0;
    while (start < this.text.length && this.starts[start] === this.ends[start]) start++;
    this.transformRange(start, this.text.length, dest, initialOffset);
  }

  /** Rust's transform_range over normalized [from, to), step for step. */
  transformRange(from: number, to: number, dest: readonly Change[], initialOffset: number): void {
    const replaced = codePoints(this.text.slice(from, to));
    let next = 0;
    let offset = from;
    for (; next < initialOffset && next < replaced.length; next++) offset += replaced[next].length;
    let text = '';
    const starts: number[] = [];
    const ends: number[] = [];
    for (const [char, change] of dest) {
      const idx = offset;
      let align: [number, number];
      if (change > 0) align = idx < 1 ? [this.originalShift, this.originalShift] : [this.starts[idx - 1], this.ends[idx - 1]];
      else align = [this.starts[idx], this.ends[idx]];
      if (change <= 0 && next < replaced.length) offset += replaced[next++].length;
      for (let k = 0; k < -change && next < replaced.length; k++) offset += replaced[next++].length;
      text += char;
      for (let k = 0; k < char.length; k++) starts.push(align[0]), ends.push(align[1]);
    }
    this.splice(from, to, text, starts, ends);
  }

  private splice(from: number, to: number, text: string, starts: number[], ends: number[]): void {
    this.text = this.text.slice(0, from) + text + this.text.slice(to);
    // concat, not splice(...): a long text's arrays are too many arguments for a call.
    this.starts = this.starts.slice(0, from).concat(starts, this.starts.slice(to));
    this.ends = this.ends.slice(0, from).concat(ends, this.ends.slice(to));
  }

  /**
   * Rust's replace: each match [start, end) (UTF-16, in order, not overlapping) becomes
   * `content`, whose characters all take the alignment of the match's last character.
   */
  replace(matches: ReadonlyArray<readonly [number, number]>, content: string): void {
    if (matches.length === 0) return;
    let text = '';
    const starts: number[] = [];
    const ends: number[] = [];
    let last = 0;
    for (const [start, end] of matches) {
      text += this.text.slice(last, start);
      for (let i = last; i < start; i++) starts.push(this.starts[i]), ends.push(this.ends[i]);
      const align = end < 1 ? [this.originalShift, this.originalShift] : [this.starts[end - 1], this.ends[end - 1]];
      text += content;
      for (let k = 0; k < content.length; k++) starts.push(align[0]), ends.push(align[1]);
      last = end;
    }
    text += this.text.slice(last);
    for (let i = last; i < this.text.length; i++) starts.push(this.starts[i]), ends.push(this.ends[i]);
    this.text = text;
    this.starts = starts;
    this.ends = ends;
  }

  /** Rust's prepend: `prefix` before the text, aligned with its first character. */
  prepend(prefix: string): void {
    if (this.text.length === 0) return;
    const first = codePoints(this.text.slice(0, 2))[0];
    const dest: Change[] = codePoints(prefix).map((char, i) => [char, i === 0 ? 0 : 1]);
    dest.push([first, 1]);
    this.transformRange(0, first.length, dest, 0);
  }

  /**
   * Rust's lrstrip: whitespace off the start and/or the end. As in Rust, the last kept
   * character carries the removal only when its character index equals the UTF-8 length less
   * the trailing count less one (true for ASCII text); it changes no alignment either way.
   */
  strip(left: boolean, right: boolean): void {
    const chars = codePoints(this.text);
    const isSpace = (c: string): boolean => WHITE_SPACE.test(c);
    let leading = 0;
    if (left) while (leading < chars.length && isSpace(chars[leading])) leading++;
    let trailing = 0;
    if (right) while (trailing < chars.length && isSpace(chars[chars.length - 1 - trailing])) trailing++;
    if (leading === 0 && trailing === 0) return;
    const bytes = utf8Length(this.text);
    const dest: Change[] = [];
    chars.forEach((char, i) => {
      if (i < leading || i >= chars.length - trailing) return;
      dest.push([char, i === bytes - trailing - 1 ? -trailing : 0]);
    });
    this.transform(dest, leading);
  }
}

/** Rust's char::is_whitespace: the White_Space property. */
const WHITE_SPACE = /^\p{White_Space}$/u;
