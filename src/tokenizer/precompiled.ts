// The Precompiled normalizer of SentencePiece tokenizers (XLM-RoBERTa, mBART, T5, …): the
// rewrite rules sentencepiece compiled into the model (nmt_nfkc and the like), read from
// tokenizer.json's base64 `precompiled_charsmap` as Hugging Face's spm_precompiled crate reads
// it, and applied as tokenizers' Precompiled normalizer applies them: per grapheme cluster
// when it is under 6 UTF-8 bytes and a rule matches its start (the first, shortest rule, which
// then stands for the whole cluster), else per character.
//
// The blob: a little-endian u32 (the trie's size in bytes), the trie (Darts' double array of
// u32 units over UTF-8 bytes, whose values are byte offsets), then the replacement strings,
// each ended by a NUL byte.
import { TokenizerError } from './errors.js';
import { codePoints, isPairAt, utf8Length, type Change, type NormalizedString } from './normalized-string.js';

/** Darts' double-array unit fields, as spm_precompiled reads them. */
const hasLeaf = (unit: number): boolean => ((unit >>> 8) & 1) === 1;
const valueOf = (unit: number): number => unit & 0x7fffffff;
const labelOf = (unit: number): number => (unit & 0x800000ff) >>> 0;
const offsetOf = (unit: number): number => (unit >>> 10) * ((unit & 0x200) !== 0 ? 256 : 1);

/** The UTF-8 bytes of a string without lone surrogates. */
function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Decodes a base64 string, as Rust's standard engine accepts it. */
function fromBase64(text: string, where: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new TokenizerError(`${where} is not valid base64`);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** How much text the grapheme segmenter is given at a time (UTF-16 units). */
const SEGMENT_WINDOW = 512;

/**
 * UTF-16 units of characters no grapheme rule joins to a neighbour of the same kind: ASCII but
 * CR, and the letters of Latin-1 and Latin Extended-A (but ©, ® and the soft hyphen), Greek,
 * Cyrillic, Hebrew, Arabic, CJK punctuation, kana, CJK ideographs and full-width ASCII. None
 * is Prepend, Extend, ZWJ, SpacingMark, a regional indicator, Hangul or
 * Extended_Pictographic, so between two of them there is always a boundary (checked against
 * Intl.Segmenter for each, in the tests).
 */
const SIMPLE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x00, 0x0c], [0x0e, 0x7f], [0xa0, 0xa8], [0xaa, 0xac], [0xaf, 0x17f], [0x386, 0x3ce], [0x400, 0x482], [0x48a, 0x52f],
  [0x5d0, 0x5ea], [0x621, 0x64a], [0x3001, 0x3029], [0x3041, 0x3096], [0x30a1, 0x30fa], [0x4e00, 0x9fff], [0xff01, 0xff5e],
];

/** Whether a UTF-16 unit is one of SIMPLE_RANGES' characters. */
export function isSimpleUnit(unit: number): boolean {
  if (unit < 0x80) return unit !== 0x0d;
  for (const [from, to] of SIMPLE_RANGES) if (unit >= from && unit <= to) return true;
  return false;
}

/** Whether text[i] and text[i + 1] (or the end) are simple characters: text[i] is then a cluster when a cluster starts there. */
function simplePairAt(text: string, i: number): boolean {
  return isSimpleUnit(text.charCodeAt(i)) && (i + 1 >= text.length || isSimpleUnit(text.charCodeAt(i + 1)));
}

/**
 * The grapheme clusters of `text`. At a cluster boundary, a simple character (see
 * SIMPLE_RANGES) followed by another is a cluster of its own. The rest goes to
 * Intl.Segmenter, which takes time quadratic in the length of the string it walks, so it is
 * given windows, each ending two characters into the next simple pair (or after `windowSize`
 * units): all clusters of a window but the last (which may go on past it) are taken, and the
 * next window starts where they end, a cluster boundary, from which segmentation goes on as
 * it would in the whole text (the rules decide a boundary from what precedes it and the one
 * character after it).
 */
export function* graphemeClusters(segmenter: Intl.Segmenter, text: string, windowSize = SEGMENT_WINDOW): Generator<string> {
  let start = 0;
  let window = windowSize;
  while (start < text.length) {
    if (simplePairAt(text, start)) {
      yield text[start++];
      continue;
    }
    const limit = Math.min(text.length - 1, start + window);
    let pair = start + 1;
    while (pair < limit && !simplePairAt(text, pair)) pair++;
    // After a window gave nothing (a cluster longer than it), the pair is no end: look further.
    let end = pair < limit && window === windowSize ? pair + 2 : Math.min(text.length, start + window);
    // Not between the two halves of a surrogate pair, which would end the chunk with a lone
    // one: that ends a cluster the whole pair would continue.
    if (end < text.length && isPairAt(text, end - 1)) end += 1;
    const chunk = text.slice(start, end);
    let taken = 0;
    for (const { segment, index } of segmenter.segment(chunk)) {
      if (end < text.length && index + segment.length === chunk.length) break;
      yield segment;
      taken = index + segment.length;
    }
    // One cluster longer than the window (thousands of combining marks): look further.
    window = taken === 0 ? window * 2 : windowSize;
    start += taken;
  }
}

/** Rust's replace(): the changes that turn `old` into `replacement`, appended to `dest`. */
function pushReplacement(dest: Change[], old: string, replacement: string): void {
  const added = codePoints(replacement);
  const diff = added.length - codePoints(old).length;
  for (const char of added) dest.push([char, 0]);
  if (diff > 0) {
    for (let k = dest.length - diff; k < dest.length; k++) dest[k][1] = 1;
  } else if (diff < 0 && dest.length > 0) {
    // Rust adds the removal to the last change, whichever character it belongs to.
    dest[dest.length - 1][1] += diff;
  }
}

/**
 * Grapheme clusters, as SentencePiece's normalizer goes by them; a clear error where the
 * runtime lacks Intl.Segmenter (Firefox before 125), rather than a TypeError deep in a call.
 */
function graphemeSegmenter(where: string): Intl.Segmenter {
  if (typeof Intl === 'undefined' || typeof Intl.Segmenter !== 'function') {
    throw new TokenizerError(`${where}: SentencePiece's normalizer needs Intl.Segmenter (grapheme clusters), which this JavaScript runtime does not have`);
  }
  return new Intl.Segmenter('en', { granularity: 'grapheme' });
}

/** SentencePiece's compiled normalization rules. */
export class PrecompiledCharsmap {
  private readonly trie: Uint32Array;
  private readonly strings: Uint8Array;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly cache = new Map<string, string | null>();
  private readonly graphemes: Intl.Segmenter;

  /** @param base64 tokenizer.json's `precompiled_charsmap`; `where` names it in errors */
  constructor(base64: string, where: string) {
    this.graphemes = graphemeSegmenter(where);
    const blob = fromBase64(base64, where);
    if (blob.length < 4) throw new TokenizerError(`${where} is too short to hold a charsmap`);
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const trieUnits = Math.floor(view.getUint32(0, true) / 4);
    if (4 + trieUnits * 4 > blob.length || trieUnits === 0) throw new TokenizerError(`${where}: the charsmap's trie runs past its end`);
    this.trie = new Uint32Array(trieUnits);
    for (let i = 0; i < trieUnits; i++) this.trie[i] = view.getUint32(4 + i * 4, true);
    this.strings = blob.subarray(4 + trieUnits * 4);
    try {
      this.decoder.decode(this.strings);
    } catch {
      throw new TokenizerError(`${where}: the charsmap's replacement strings are not valid UTF-8`);
    }
  }

  /** The byte offset of the first (shortest) rule matching the start of `bytes`, or -1. */
  private firstMatch(bytes: Uint8Array): number {
    const trie = this.trie;
    let node = offsetOf(trie[0]);
    for (const byte of bytes) {
      if (byte === 0) break;
      node = (node ^ byte) >>> 0;
      const unit = trie[node] ?? 0;
      if (labelOf(unit) !== byte) return -1;
      node = (node ^ offsetOf(unit)) >>> 0;
      if (hasLeaf(unit)) return valueOf(trie[node] ?? 0);
    }
    return -1;
  }

  /** spm_precompiled's transform: the replacement of `chunk`, or null when no rule matches. */
  transform(chunk: string): string | null {
    const cached = this.cache.get(chunk);
    if (cached !== undefined) return cached;
    const index = this.firstMatch(utf8(chunk));
    let result: string | null = null;
    if (index >= 0) {
      let end = index;
      while (end < this.strings.length && this.strings[end] !== 0) end++;
      result = this.decoder.decode(this.strings.subarray(index, end));
    }
    if (this.cache.size > 65536) this.cache.clear();
    this.cache.set(chunk, result);
    return result;
  }

  /** Applies the rules to `normalized`, with Rust's alignments. */
  normalize(normalized: NormalizedString): void {
    const dest: Change[] = [];
    let modified = false;
    for (const segment of graphemeClusters(this.graphemes, normalized.text)) {
      if (utf8Length(segment) < 6) {
        const replacement = this.transform(segment);
        if (replacement !== null) {
          modified = true;
          pushReplacement(dest, segment, replacement);
          continue;
        }
      }
      for (const char of codePoints(segment)) {
        const replacement = this.transform(char);
        if (replacement === null) {
          dest.push([char, 0]);
        } else {
          modified = true;
          pushReplacement(dest, char, replacement);
        }
      }
    }
    if (modified) normalized.transform(dest, 0);
  }
}
