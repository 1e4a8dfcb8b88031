// BertPreTokenizer: split on whitespace (dropped) and on punctuation (each its own word).
import { isPreTokenizerWhitespace, isPunctuation } from './unicode.js';

const WORD = 0;
const SPACE = 1;
const PUNCTUATION = 2;

const asciiClasses = new Uint8Array(128);
for (let cp = 0; cp < 128; cp++) {
  asciiClasses[cp] = isPreTokenizerWhitespace(cp) ? SPACE : isPunctuation(cp) ? PUNCTUATION : WORD;
}
const classCache = new Map<number, number>();

function classOf(cp: number): number {
  if (cp < 128) return asciiClasses[cp];
  let found = classCache.get(cp);
  if (found === undefined) {
    found = isPreTokenizerWhitespace(cp) ? SPACE : isPunctuation(cp) ? PUNCTUATION : WORD;
    classCache.set(cp, found);
  }
  return found;
}

/**
 * Calls `onWord(start, end)` for each word of text[from, to) in order (UTF-16 indices).
 * Stops early when `onWord` returns false.
 */
export function forEachWord(text: string, from: number, to: number, onWord: (start: number, end: number) => boolean): void {
  let wordStart = -1;
  for (let i = from; i < to; ) {
    const unit = text.charCodeAt(i);
    let cp = unit;
    let width = 1;
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < to) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = ((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
        width = 2;
      }
    }
    const kind = classOf(cp);
    if (kind === WORD) {
      if (wordStart < 0) wordStart = i;
    } else {
      if (wordStart >= 0) {
        if (!onWord(wordStart, i)) return;
        wordStart = -1;
      }
      if (kind === PUNCTUATION && !onWord(i, i + width)) return;
    }
    i += width;
  }
  if (wordStart >= 0) onWord(wordStart, to);
}
