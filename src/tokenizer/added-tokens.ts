// Tokens matched in the text before WordPiece sees it (Rust's AddedVocabulary): the special
// tokens of a BERT checkpoint ([CLS], [SEP], [MASK], …) and any tokens a tokenizer.json adds.
// Like Rust, tokens with `normalized: false` are matched on the original text, the others on
// the normalized text, both leftmost-longest, honouring single_word, lstrip and rstrip.
import { isPreTokenizerWhitespace } from './unicode.js';

/** One entry of a tokenizer.json's `added_tokens` (or tokenizer_config's `added_tokens_decoder`). */
export interface AddedToken {
  id: number;
  content: string;
  singleWord: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** A stretch [start, end) of the searched string; `token` is set when an added token matched it. */
export interface Split {
  start: number;
  end: number;
  token?: AddedToken;
}

/**
 * The ids Rust gives added tokens, in file order: the vocabulary's id when the content is in
 * it, else the next id after the vocabulary (its entry count) and after earlier added tokens.
 */
export function resolveAddedTokenIds(tokens: readonly AddedToken[], vocab: ReadonlyMap<string, number>): AddedToken[] {
  const resolved: AddedToken[] = [];
  const byContent = new Map<string, number>();
  let maxAdded = -1;
  for (const token of tokens) {
    let id = byContent.get(token.content) ?? vocab.get(token.content);
    if (id === undefined) id = maxAdded >= vocab.size || vocab.size === 0 ? maxAdded + 1 : vocab.size;
    const existing = resolved.findIndex((t) => t.content === token.content);
    if (existing >= 0) resolved.splice(existing, 1);
    resolved.push({ ...token, id });
    byContent.set(token.content, id);
    maxAdded = Math.max(maxAdded, id);
  }
  return resolved;
}

/** Rust regex's Unicode \w: letters, marks, decimal digits, connector punctuation, ZWJ/ZWNJ. */
const WORD_CHAR = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u;

/** Whether the code point ending at `end` (not before `from`) is a word character. */
function endsWithWordChar(text: string, from: number, end: number): boolean {
  if (end <= from) return false;
  let start = end - 1;
  const unit = text.charCodeAt(start);
  if (unit >= 0xdc00 && unit <= 0xdfff && start > from) start -= 1;
  return WORD_CHAR.test(text.slice(start, end));
}

/** Whether the code point starting at `start` (before `to`) is a word character. */
function startsWithWordChar(text: string, start: number, to: number): boolean {
  if (start >= to) return false;
  return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(start)!));
}

/** Finds one set of added tokens (the raw ones, or the normalized ones) in strings. */
export class AddedTokenMatcher {
  /** Patterns by their first UTF-16 unit, longest first (for leftmost-longest). */
  private readonly byFirstUnit = new Map<number, Array<{ pattern: string; token: AddedToken }>>();

  /**
   * @param entries the tokens with the string to look for (the content itself, or the
   *   normalized content for `normalized` tokens)
   */
  constructor(entries: Array<{ pattern: string; token: AddedToken }>) {
    for (const entry of entries) {
      if (entry.pattern.length === 0) continue;
      const first = entry.pattern.charCodeAt(0);
      const list = this.byFirstUnit.get(first) ?? [];
      list.push(entry);
      this.byFirstUnit.set(first, list);
    }
    for (const list of this.byFirstUnit.values()) list.sort((a, b) => b.pattern.length - a.pattern.length);
  }

  /** Code units that start some pattern, for skipping ahead with indexOf. */
  private get firstUnits(): string[] {
    return [...this.byFirstUnit.keys()].map((unit) => String.fromCharCode(unit));
  }

  /** The next index ≥ i (before `to`) where some pattern could start, or `to`. */
  private nextCandidate(text: string, i: number, to: number, next: number[], units: string[]): number {
    if (units.length > 8) {
      // Many first units: one pass, a map lookup per character.
      while (i < to && !this.byFirstUnit.has(text.charCodeAt(i))) i++;
      return i;
    }
    let best = to;
    for (let k = 0; k < units.length; k++) {
      // next[k]: where units[k] next occurs (-1: nowhere after; -2: not looked yet)
      if (next[k] === -2 || (next[k] >= 0 && next[k] < i)) next[k] = text.indexOf(units[k], i);
      if (next[k] >= 0 && next[k] < best) best = next[k];
    }
    return best;
  }

  get isEmpty(): boolean {
    return this.byFirstUnit.size === 0;
  }

  /**
   * Splits text[from, to) into matched tokens and the stretches between them, lazily (a
   * truncated encoding stops reading early). Empty text gives one empty stretch, as in Rust.
   */
  *split(text: string, from = 0, to = text.length): Generator<Split> {
    let any = false;
    let done = from;
    let i = from;
    const units = this.firstUnits;
    const next = units.map(() => -2);
    while (i < to) {
      i = this.nextCandidate(text, i, to, next, units);
      if (i >= to) break;
      const candidates = this.byFirstUnit.get(text.charCodeAt(i));
      const match = candidates?.find(({ pattern }) => i + pattern.length <= to && text.startsWith(pattern, i));
      if (!match) {
        i += 1;
        continue;
      }
      // Rust finds the matches first, leftmost-longest without overlaps, and strips after: the
      // next match is looked for after this one's pattern, not after the spaces it strips.
      const matchStart = i;
      const matchEnd = i + match.pattern.length;
      let start = i;
      let stop = matchEnd;
      i = matchEnd;
      const { token } = match;
      // Rust discards a match that is not a single word and goes on searching after it.
      if (token.singleWord && (endsWithWordChar(text, from, start) || startsWithWordChar(text, stop, to))) continue;
      // Every White_Space character is in the BMP, so whitespace is one UTF-16 unit.
      if (token.lstrip) {
        while (start > done && isPreTokenizerWhitespace(text.charCodeAt(start - 1))) start -= 1;
        // Spaces an earlier match stripped stay its own (Rust: max with the previous stop).
        start = Math.max(start, done);
      }
      if (token.rstrip) {
        while (stop < to && isPreTokenizerWhitespace(text.charCodeAt(stop))) stop += 1;
      }
      // A match that starts with spaces the previous one stripped overlaps it, as in Rust; one
      // wholly inside them, lstrip set, would end before it starts (Rust panics): it keeps its
      // pattern's own start.
      if (start > stop) start = matchStart;
      if (done < start) yield { start: done, end: start };
      yield { start, end: stop, token };
      any = true;
      done = stop;
    }
    if (done < to || !any) yield { start: done, end: to };
  }
}
