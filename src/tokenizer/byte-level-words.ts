// The ByteLevel pre-tokenizer on one stretch of text (between added tokens): the optional
// prefix space, the split into words (GPT-2's pattern), and each word as byte-level
// characters with, for every byte, the UTF-16 range of the character it came from (a token
// that holds part of a character's bytes points at the whole character, as in Rust).
import { BYTE_CHARS, utf8Bytes } from './byte-level.js';
import { wordEnd } from './byte-level-split.js';

/** One word: `text` in byte-level characters, `starts[b]`/`ends[b]` the source range of byte b. */
export interface ByteLevelWord {
  readonly text: string;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

/** Byte-level characters as UTF-16 units, turned into a string a chunk at a time (a call takes only so many arguments). */
function unitsToString(units: Uint16Array, count: number): string {
  let out = '';
  for (let at = 0; at < count; at += 8192) {
    // apply reads the typed array as it is (a spread would copy it: twice as slow here).
    out += String.fromCharCode.apply(null, units.subarray(at, Math.min(count, at + 8192)) as unknown as number[]);
  }
  return out;
}

/** The ByteLevel pre-tokenizer of one tokenizer (its add_prefix_space and use_regex), with buffers reused word to word. */
export class ByteLevelWords {
  private bytes = new Uint8Array(4);
  private units = new Uint16Array(256);
  private starts = new Int32Array(256);
  private ends = new Int32Array(256);

  constructor(
    private readonly addPrefixSpace: boolean,
    private readonly useRegex: boolean,
  ) {}

  /**
   * Calls `onWord` for each word of text[from, to) (no lone surrogates in it) in order; stops
   * when it returns false. The word's arrays are reused by the next word.
   */
  forEach(text: string, from: number, to: number, onWord: (word: ByteLevelWord) => boolean): void {
    if (from >= to) return;
    // Rust prepends the space to the stretch; it stands for the stretch's first character.
    const prefixed = this.addPrefixSpace && text.charCodeAt(from) !== 0x20;
    const source = prefixed ? ' ' + text.slice(from, to) : text;
    const begin = prefixed ? 0 : from;
    const end = prefixed ? source.length : to;
    const shift = prefixed ? from - 1 : 0;
    const firstWidth = prefixed ? codePointWidth(text, from, to) : 0;
    for (let start = begin; start < end; ) {
      const stop = this.useRegex ? wordEnd(source, start, end) : end;
      const word = this.word(source, start, stop, shift, prefixed ? from + firstWidth : -1);
      if (!onWord(word)) return;
      start = stop;
    }
  }

  /** source[start, stop) as a word; positions map to the text by adding `shift`, but for the prefix space (at 0) when `prefixEnd` ≥ 0. */
  private word(source: string, start: number, stop: number, shift: number, prefixEnd: number): ByteLevelWord {
    this.reserve(4 * (stop - start));
    let count = 0;
    for (let i = start; i < stop; ) {
      const cp = source.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      const isPrefix = prefixEnd >= 0 && i === 0;
      const charStart = isPrefix ? shift + 1 : i + shift;
      const charEnd = isPrefix ? prefixEnd : i + width + shift;
      const n = utf8Bytes(cp, this.bytes, 0);
      for (let k = 0; k < n; k++) {
        this.units[count] = BYTE_CHARS[this.bytes[k]].charCodeAt(0);
        this.starts[count] = charStart;
        this.ends[count] = charEnd;
        count++;
      }
      i += width;
    }
    return { text: unitsToString(this.units, count), starts: this.starts, ends: this.ends };
  }

  private reserve(n: number): void {
    if (this.units.length >= n) return;
    this.units = new Uint16Array(n);
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
  }
}

function codePointWidth(text: string, i: number, end: number): number {
  const unit = text.charCodeAt(i);
  const next = text.charCodeAt(i + 1);
  return unit >= 0xd800 && unit <= 0xdbff && i + 1 < end && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
}
