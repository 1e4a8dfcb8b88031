// The WordPiece model: greedy longest-match-first over a word, continuation pieces carrying
// the "##" prefix; a word longer than max_input_chars_per_word, or with a stretch no piece
// matches, is one [UNK].
import { TokenizerError } from './errors.js';

export interface WordPieceSettings {
  unkToken: string;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
}

/** A word's pieces: ids[k] covers word.slice(starts[k], ends[k]) (UTF-16 indices). */
export interface WordPieces {
  ids: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
}

const CACHE_LIMIT = 100_000;
const CACHED_WORD_MAX_LENGTH = 32;

export class WordPiece {
  readonly unkId: number;
  /** The longest vocabulary entry (prefix stripped from continuation pieces), in UTF-16 units. */
  private readonly longestPiece: number;
  private readonly cache = new Map<string, WordPieces>();

  constructor(
    readonly vocab: ReadonlyMap<string, number>,
    readonly settings: WordPieceSettings,
  ) {
    const unk = vocab.get(settings.unkToken);
    if (unk === undefined) throw new TokenizerError(`the vocabulary has no unknown token '${settings.unkToken}'`);
    this.unkId = unk;
    let longest = 1;
    const prefix = settings.continuingSubwordPrefix;
    for (const token of vocab.keys()) {
      const length = prefix.length > 0 && token.startsWith(prefix) ? token.length - prefix.length : token.length;
      if (length > longest) longest = length;
    }
    this.longestPiece = longest;
  }

  /** The pieces of one word (a pre-tokenizer output, non-empty). */
  tokenize(word: string): WordPieces {
    if (word.length > CACHED_WORD_MAX_LENGTH) return this.split(word);
    let pieces = this.cache.get(word);
    if (pieces === undefined) {
      pieces = this.split(word);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(word, pieces);
    }
    return pieces;
  }

  private unknown(word: string): WordPieces {
    return { ids: Int32Array.of(this.unkId), starts: Int32Array.of(0), ends: Int32Array.of(word.length) };
  }

  private split(word: string): WordPieces {
    if (word.length > this.settings.maxInputCharsPerWord && countCodePoints(word) > this.settings.maxInputCharsPerWord) {
      return this.unknown(word);
    }
    const whole = this.vocab.get(word);
    if (whole !== undefined) return { ids: Int32Array.of(whole), starts: Int32Array.of(0), ends: Int32Array.of(word.length) };
    const ids: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    const prefix = this.settings.continuingSubwordPrefix;
    let start = 0;
    while (start < word.length) {
      let end = Math.min(word.length, start + this.longestPiece);
      if (isLowSurrogateAt(word, end)) end -= 1; // never cut a surrogate pair
      let id: number | undefined;
      while (end > start) {
        const piece = start === 0 ? word.slice(0, end) : prefix + word.slice(start, end);
        id = this.vocab.get(piece);
        if (id !== undefined) break;
        end -= isLowSurrogateAt(word, end - 1) && end - 2 >= start ? 2 : 1;
      }
      if (id === undefined) return this.unknown(word);
      ids.push(id);
      starts.push(start);
      ends.push(end);
      start = end;
    }
    return { ids: Int32Array.from(ids), starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
  }
}

function isLowSurrogateAt(text: string, index: number): boolean {
  const unit = text.charCodeAt(index);
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (!(unit >= 0xdc00 && unit <= 0xdfff && i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff)) count++;
  }
  return count;
}
