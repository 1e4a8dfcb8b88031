// trim_offsets of the RobertaProcessing and ByteLevel post-processors (Rust's
// process_offsets): a token's offsets lose the spaces it starts or ends with, so "Ġworld"
// points at "world". The spaces are counted on the token ("Ġ" or any White_Space, as an added
// token " <mask>" keeps the space it stripped) and skipped in code points of the text, as Rust
// counts them.
import { isPreTokenizerWhitespace } from './unicode.js';

/** "Ġ", the byte-level character of a space. */
const BYTE_LEVEL_SPACE = 0x120;

function isSpace(unit: number): boolean {
  return unit === BYTE_LEVEL_SPACE || isPreTokenizerWhitespace(unit);
}

/** `from` moved forward `count` code points of `text` (not past its end). */
function forward(text: string, from: number, count: number): number {
  let i = from;
  for (let k = 0; k < count && i < text.length; k++) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    i += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return i;
}

/** `from` moved back `count` code points of `text`, or -1 when fewer than `count` precede it. */
function backward(text: string, from: number, count: number): number {
  let i = from;
  for (let k = 0; k < count; k++) {
    if (i <= 0) return -1;
    const unit = text.charCodeAt(i - 1);
    const before = text.charCodeAt(i - 2);
    i -= unit >= 0xdc00 && unit <= 0xdfff && before >= 0xd800 && before <= 0xdbff && i >= 2 ? 2 : 1;
  }
  return i;
}

/**
 * Trims the offsets (UTF-16, into `text`) of the tokens of one sequence, before its special
 * tokens are added. With add_prefix_space, the first token keeps a single leading space: it
 * is the one the pre-tokenizer added, and stands for the first character.
 */
export function trimOffsets(text: string, tokens: readonly string[], offsets: Array<[number, number]>, addPrefixSpace: boolean): void {
  tokens.forEach((token, i) => {
    let leading = 0;
    while (leading < token.length && isSpace(token.charCodeAt(leading))) leading++;
    let trailing = 0;
    while (trailing < token.length && isSpace(token.charCodeAt(token.length - 1 - trailing))) trailing++;
    if (leading === 0 && trailing === 0) return;
    const offset = offsets[i];
    if (leading > 0) {
      const isFirst = i === 0 || offset[0] === 0;
      if (!(isFirst && addPrefixSpace && leading === 1)) offset[0] = Math.min(forward(text, offset[0], leading), offset[1]);
    }
    if (trailing > 0) {
      const end = backward(text, offset[1], trailing);
      if (end >= 0) offset[1] = Math.max(end, offset[0]);
    }
  });
}
