// What a corpus run tells the user about its texts, once at the end, as `splade encode`
// without --output does: how many had no tokens, how many were longer than the length limit
// and, with --overflow chunk, how many windows were run. Counted for each window in whichever
// process encoded it (the numbers travel back with the vectors) and summed by the pipeline.
import type { SparseVector } from '../../splade/sparse-vector.js';

export interface TextCounts {
  readonly texts: number;
  /** Texts with no tokens (empty or whitespace only): the special tokens alone. */
  readonly empty: number;
  /** Texts longer than `maxLength` tokens (special tokens included): cut, or run as windows. */
  readonly overflowed: number;
  /** Model windows run with --overflow chunk (0 when truncating). */
  readonly windows: number;
  /** The length limit the texts were held to. */
  readonly maxLength: number;
}

/** A window's vectors and what was counted of its texts. */
export interface EncodedWindow {
  readonly vectors: SparseVector[];
  readonly counts: TextCounts;
}

export const NO_TEXTS: TextCounts = { texts: 0, empty: 0, overflowed: 0, windows: 0, maxLength: 0 };

/** The counts of two sets of windows together. */
export function addTextCounts(a: TextCounts, b: TextCounts): TextCounts {
  return {
    texts: a.texts + b.texts,
    empty: a.empty + b.empty,
    overflowed: a.overflowed + b.overflowed,
    windows: a.windows + b.windows,
    // Every window is held to the same limit; 0 stands for none counted yet.
    maxLength: Math.max(a.maxLength, b.maxLength),
  };
}

/** What counting needs of an encoder (SpladeEncoder has it). */
export interface TokenCounter {
  tokenCount(text: string, role: 'query' | 'document', atMost?: number): number;
}

/**
 * The counts of `texts` encoded as `role` with at most `maxLength` tokens; `windows` is what
 * the encoder reported (onOverflow) for --overflow chunk.
 */
export function countTexts(encoder: TokenCounter, texts: readonly string[], role: 'query' | 'document', maxLength: number, windows: number): TextCounts {
  // What an empty text tokenizes to: the special tokens alone.
  const specials = encoder.tokenCount('', role);
  let empty = 0;
  let overflowed = 0;
  for (const text of texts) {
    // One token past the limit tells a text was cut, without tokenizing the rest of it.
    const length = encoder.tokenCount(text, role, maxLength + 1);
    if (length <= specials) empty++;
    else if (length > maxLength) overflowed++;
  }
  return { texts: texts.length, empty, overflowed, windows, maxLength };
}
