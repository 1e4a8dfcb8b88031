// The WordPiece model: greedy longest-match-first over a word, continuation pieces carrying
// the "##" prefix; a word longer than max_input_chars_per_word code points, or with a stretch
// no piece matches, is one [UNK]. Same result as Rust's loop over ever shorter substrings,
// found instead by walking a trie of the vocabulary, with no substring built.
import { TokenizerError } from './errors.js';
import { Trie } from './trie.js';

export interface WordPieceSettings {
  unkToken: string;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
}

export class WordPiece {
  readonly unkId: number;
  /** Every vocabulary entry as it is (pieces that may start a word). */
  private readonly initial: Trie;
  /** Entries with the continuation prefix, prefix removed (pieces inside a word). */
  private readonly continuation: Trie;
  /** Output of `tokenize`: [id, start, end] per piece. */
  pieces = new Int32Array(3 * 64);

  constructor(
    readonly vocab: ReadonlyMap<string, number>,
    readonly settings: WordPieceSettings,
  ) {
    const unk = vocab.get(settings.unkToken);
    if (unk === undefined) throw new TokenizerError(`the vocabulary has no unknown token '${settings.unkToken}'`);
    this.unkId = unk;
    const prefix = settings.continuingSubwordPrefix;
    this.initial = new Trie(vocab);
    const continued: Array<[string, number]> = [];
    for (const [token, id] of vocab) if (token.startsWith(prefix)) continued.push([token.slice(prefix.length), id]);
    this.continuation = new Trie(continued);
  }

  /**
   * Splits the word text[start, end) into pieces, written to `pieces` as [id, start, end]
   * triples (UTF-16 indices into `text`); returns how many.
   */
  tokenize(text: string, start: number, end: number): number {
    const max = this.settings.maxInputCharsPerWord;
    if (end - start > max && countCodePoints(text, start, end) > max) return this.unknown(start, end);
    if (this.pieces.length < 3 * (end - start)) this.pieces = new Int32Array(3 * (end - start));
    const pieces = this.pieces;
    let count = 0;
    let at = start;
    while (at < end) {
      const trie = at === start ? this.initial : this.continuation;
      if (!trie.longestPrefix(text, at, end)) return this.unknown(start, end);
      pieces[3 * count] = trie.matchValue;
      pieces[3 * count + 1] = at;
      pieces[3 * count + 2] = trie.matchEnd;
      count++;
      at = trie.matchEnd;
    }
    return count;
  }

  private unknown(start: number, end: number): number {
    this.pieces[0] = this.unkId;
    this.pieces[1] = start;
    this.pieces[2] = end;
    return 1;
  }
}

function countCodePoints(text: string, start: number, end: number): number {
  let count = 0;
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < end) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}
