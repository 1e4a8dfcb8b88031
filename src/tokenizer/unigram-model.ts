// The Unigram model of SentencePiece tokenizers (XLM-RoBERTa, …), as Rust tokenizers'
// encode_optimized runs it: Viterbi over the word for the pieces whose scores (log
// probabilities) add up highest; a character no piece starts with becomes the unknown token,
// scored 10 below the lowest piece, and unknown characters next to each other are fused into
// one unknown token.
import { isPairAt } from './normalized-string.js';
import { TokenizerError } from './errors.js';
import { Trie } from './trie.js';

/** Rust's K_UNK_PENALTY. */
const UNK_PENALTY = 10;

/** What the model is made of: tokenizer.json's model.vocab and model.unk_id. */
export interface UnigramModelSettings {
  /** [piece, score] in id order. */
  vocab: Array<[string, number]>;
  unkId: number;
  /** The file, for error messages. */
  source: string;
}

/** One token of a word: its id and UTF-16 [start, end) in the word. */
export interface UnigramPiece {
  id: number;
  start: number;
  end: number;
}

/** The Unigram model: a word (a pre-tokenized piece of normalized text) to its best pieces. */
export class UnigramModel {
  /** Piece → id. */
  readonly vocab = new Map<string, number>();
  readonly scores: Float64Array;
  readonly unkId: number;
  private readonly unkScore: number;
  private readonly trie: Trie;

  constructor(settings: UnigramModelSettings) {
    const { vocab, unkId, source } = settings;
    if (vocab.length === 0) throw new TokenizerError(`${source}: model.vocab is empty`);
    if (!Number.isInteger(unkId) || unkId < 0 || unkId >= vocab.length) {
      throw new TokenizerError(`${source}: model.unk_id ${unkId} is not an id of model.vocab (0 to ${vocab.length - 1})`);
    }
    this.scores = new Float64Array(vocab.length);
    let minScore = Infinity;
    vocab.forEach(([piece, score], id) => {
      if (this.vocab.has(piece)) throw new TokenizerError(`${source}: model.vocab has ${JSON.stringify(piece)} twice (ids ${this.vocab.get(piece)} and ${id})`);
      this.vocab.set(piece, id);
      this.scores[id] = score;
      if (score < minScore) minScore = score;
    });
    this.unkId = unkId;
    this.unkScore = minScore - UNK_PENALTY;
    this.trie = new Trie(this.vocab);
  }

  /** The best pieces of `word` (non-empty), in order. */
  tokenize(word: string): UnigramPiece[] {
    const size = word.length;
    const best = new Float64Array(size + 1);
    const startsAt = new Int32Array(size + 1).fill(-1);
    const ids = new Int32Array(size + 1);
    const offer = (start: number, end: number, id: number, score: number): void => {
      if (startsAt[end] < 0 || score > best[end]) {
        best[end] = score;
        startsAt[end] = start;
        ids[end] = id;
      }
    };
    for (let start = 0; start < size; ) {
      const charLength = isPairAt(word, start) ? 2 : 1;
      const here = best[start];
      let hasSingleChar = false;
      this.trie.forEachPrefix(word, start, size, (end, id) => {
        offer(start, end, id, this.scores[id] + here);
        if (end - start === charLength) hasSingleChar = true;
      });
      if (!hasSingleChar) offer(start, start + charLength, this.unkId, this.unkScore + here);
      start += charLength;
    }
    return this.backtrack(word, startsAt, ids);
  }

  /** The best path, read back from its end, unknown tokens next to each other fused. */
  private backtrack(word: string, startsAt: Int32Array, ids: Int32Array): UnigramPiece[] {
    const pieces: UnigramPiece[] = [];
    let unkEnd = -1;
    let end = word.length;
    const flushUnknown = (start: number): void => {
      if (unkEnd < 0) return;
      pieces.push({ id: this.vocab.get(word.slice(start, unkEnd)) ?? this.unkId, start, end: unkEnd });
      unkEnd = -1;
    };
    while (end > 0) {
      const start = startsAt[end];
      if (ids[end] === this.unkId) {
        if (unkEnd < 0) unkEnd = end;
      } else {
        flushUnknown(end);
        pieces.push({ id: this.vocab.get(word.slice(start, end)) ?? this.unkId, start, end });
      }
      end = start;
    }
    flushUnknown(0);
    return pieces.reverse();
  }
}
