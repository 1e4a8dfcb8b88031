// The BPE model: a word (its bytes as byte-level characters) starts as one symbol per byte and
// adjacent symbols are merged, lowest merge rank first, until no listed merge applies. The
// order of merges is Rust's (tokenizers' Word::merge_all): a queue of candidate pairs by
// (rank, position), an entry dropped when its pair has changed since it was queued. Words
// repeat a lot in text, so their tokens are cached.
import { TokenizerError } from './errors.js';

export interface BpeModelSettings {
  /** Token → id. */
  vocab: ReadonlyMap<string, number>;
  /** The merges in rank order, each a pair of tokens whose concatenation is in the vocabulary. */
  merges: ReadonlyArray<readonly [string, string]>;
  /** The token a byte missing from the vocabulary becomes; null: such a byte is an error. */
  unkToken: string | null;
  /** Consecutive unknown bytes become one unknown token (the model's fuse_unk). */
  fuseUnk: boolean;
  /** A word that is itself in the vocabulary is one token, merges or not (the model's ignore_merges). */
  ignoreMerges: boolean;
  /** The file the settings came from, for error messages. */
  source: string;
}

/** Words at most this long (in bytes) are cached, at most CACHE_CAPACITY of them. */
const CACHE_MAX_WORD = 256;
const CACHE_CAPACITY = 10_000;
/** Byte-level characters are U+0021–U+0143. */
const ALPHABET_END = 0x144;

/** Min-heap of candidate merges ordered by (rank, position), as Rust's BinaryHeap of Merge. */
class MergeQueue {
  private rank = new Int32Array(64);
  private pos = new Int32Array(64);
  size = 0;

  reset(capacity: number): void {
    if (this.rank.length < capacity) {
      this.rank = new Int32Array(capacity);
      this.pos = new Int32Array(capacity);
    }
    this.size = 0;
  }

  private less(a: number, b: number): boolean {
    return this.rank[a] < this.rank[b] || (this.rank[a] === this.rank[b] && this.pos[a] < this.pos[b]);
  }

  private swap(a: number, b: number): void {
    const r = this.rank[a];
    const p = this.pos[a];
    this.rank[a] = this.rank[b];
    this.pos[a] = this.pos[b];
    this.rank[b] = r;
    this.pos[b] = p;
  }

  push(rank: number, pos: number): void {
    if (this.size === this.rank.length) {
      const rank = new Int32Array(this.size * 2);
      const pos = new Int32Array(this.size * 2);
      rank.set(this.rank);
      pos.set(this.pos);
      this.rank = rank;
      this.pos = pos;
    }
    let i = this.size++;
    this.rank[i] = rank;
    this.pos[i] = pos;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes the smallest entry; its rank and position are left in `topRank`/`topPos`. */
  pop(): void {
    this.topRank = this.rank[0];
    this.topPos = this.pos[0];
    this.size--;
    this.rank[0] = this.rank[this.size];
    this.pos[0] = this.pos[this.size];
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      if (left >= this.size) break;
      const child = left + 1 < this.size && this.less(left + 1, left) ? left + 1 : left;
      if (!this.less(child, i)) break;
      this.swap(i, child);
      i = child;
    }
  }

  topRank = 0;
  topPos = 0;
}

/** A BPE model over byte-level characters: vocabulary, ranked merges, unknown-byte handling. */
export class BpeModel {
  /** The id of the unknown token, when there is one. */
  readonly unkId: number | undefined;
  /** Vocabulary id of each byte-level character, -1 when the vocabulary lacks it. */
  private readonly charIds = new Int32Array(ALPHABET_END).fill(-1);
  /** (left id × stride + right id) → rank of the merge. */
  private readonly ranks = new Map<number, number>();
  /** Rank → id of the merged token. */
  private readonly merged: Int32Array;
  private readonly stride: number;
  private readonly cache = new Map<string, Int32Array>();
  private readonly queue = new MergeQueue();
  // The word being merged, one entry per symbol (a symbol removed by a merge has length 0).
  private ids = new Int32Array(64);
  private lengths = new Int32Array(64);
  private prev = new Int32Array(64);
  private next = new Int32Array(64);

  constructor(private readonly settings: BpeModelSettings) {
    const { vocab, merges, source } = settings;
    let maxId = 0;
    for (const id of vocab.values()) maxId = Math.max(maxId, id);
    this.stride = maxId + 1;
    for (let code = 0; code < ALPHABET_END; code++) this.charIds[code] = vocab.get(String.fromCharCode(code)) ?? -1;
    if (settings.unkToken !== null) {
      this.unkId = vocab.get(settings.unkToken);
      if (this.unkId === undefined) throw new TokenizerError(`${source}: the unknown token '${settings.unkToken}' is not in the vocabulary`);
    }
    this.merged = new Int32Array(merges.length);
    merges.forEach(([a, b], rank) => {
      const left = vocab.get(a);
      const right = vocab.get(b);
      const result = vocab.get(a + b);
      if (left === undefined || right === undefined || result === undefined) {
        const missing = left === undefined ? a : right === undefined ? b : a + b;
        throw new TokenizerError(`${source}: merge ${rank} ('${a}' '${b}') uses '${missing}', which is not in the vocabulary`);
      }
      // A pair listed twice keeps its last rank, as Rust's map of merges does.
      this.ranks.set(left * this.stride + right, rank);
      this.merged[rank] = result;
    });
  }

  /**
   * The tokens of one word, given as byte-level characters: [id, byte count] pairs in order.
   * The array may be shared with later calls (it is cached): do not change it.
   */
  tokenize(word: string): Int32Array {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const whole = this.settings.ignoreMerges ? this.settings.vocab.get(word) : undefined;
    const tokens = whole !== undefined ? Int32Array.of(whole, word.length) : this.merge(word);
    if (word.length <= CACHE_MAX_WORD) {
      if (this.cache.size >= CACHE_CAPACITY) this.cache.clear();
      this.cache.set(word, tokens);
    }
    return tokens;
  }

  /** Grows the symbol arrays to `n` entries. */
  private reserve(n: number): void {
    if (this.ids.length >= n) return;
    this.ids = new Int32Array(n);
    this.lengths = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.next = new Int32Array(n);
  }

  /** One symbol per byte character; unknown ones become the unknown token (fused or not). */
  private initialSymbols(word: string): number {
    this.reserve(word.length);
    let count = 0;
    const add = (id: number, length: number): void => {
      this.ids[count] = id;
      this.lengths[count] = length;
      count++;
    };
    let pendingUnk = 0;
    for (let i = 0; i < word.length; i++) {
      const code = word.charCodeAt(i);
      const id = code < ALPHABET_END ? this.charIds[code] : -1;
      if (id >= 0) {
        if (pendingUnk > 0) add(this.unkId!, pendingUnk);
        pendingUnk = 0;
        add(id, 1);
      } else if (this.unkId === undefined) {
        throw new TokenizerError(
          `${this.settings.source}: the vocabulary has no symbol '${word[i]}' (U+${code.toString(16).toUpperCase().padStart(4, '0')}) for a byte of the text, and the tokenizer has no unknown token`,
        );
      } else if (this.settings.fuseUnk) {
        pendingUnk += 1;
      } else {
        if (pendingUnk > 0) add(this.unkId, pendingUnk);
        pendingUnk = 1;
      }
    }
    if (pendingUnk > 0) add(this.unkId!, pendingUnk);
    for (let k = 0; k < count; k++) {
      this.prev[k] = k - 1;
      this.next[k] = k + 1 < count ? k + 1 : -1;
    }
    return count;
  }

  /** The rank of merging ids `left` and `right`, or -1. */
  private rankOf(left: number, right: number): number {
    return this.ranks.get(left * this.stride + right) ?? -1;
  }

  private merge(word: string): Int32Array {
    const count = this.initialSymbols(word);
    if (count === 0) return new Int32Array(0);
    const { ids, lengths, prev, next, queue } = this;
    queue.reset(count);
    for (let k = 0; k + 1 < count; k++) {
      const rank = this.rankOf(ids[k], ids[k + 1]);
      if (rank >= 0) queue.push(rank, k);
    }
    while (queue.size > 0) {
      queue.pop();
      const pos = queue.topPos;
      const right = next[pos];
      if (lengths[pos] === 0 || right < 0) continue;
      // A stale entry: the pair at `pos` is no longer one that merges into the same token.
      const rank = this.rankOf(ids[pos], ids[right]);
      if (rank < 0 || this.merged[rank] !== this.merged[queue.topRank]) continue;
      ids[pos] = this.merged[queue.topRank];
      lengths[pos] += lengths[right];
      lengths[right] = 0;
      next[pos] = next[right];
      if (next[pos] >= 0) prev[next[pos]] = pos;
      if (prev[pos] >= 0) {
        const before = this.rankOf(ids[prev[pos]], ids[pos]);
        if (before >= 0) queue.push(before, prev[pos]);
      }
      if (next[pos] >= 0) {
        const after = this.rankOf(ids[pos], ids[next[pos]]);
        if (after >= 0) queue.push(after, pos);
      }
    }
    const out: number[] = [];
    for (let k = 0; k >= 0; k = next[k]) out.push(ids[k], lengths[k]);
    return Int32Array.from(out);
  }
}
