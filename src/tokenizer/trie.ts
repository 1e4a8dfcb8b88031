// A read-only trie over UTF-16 code units, stored flat (children of a node are contiguous and
// sorted, so lookups are a binary search; the root has a direct table). WordPiece walks it to
// find the longest vocabulary entry at a position without building substrings.

const NONE = -1;

export class Trie {
  /** Per node: id of the entry ending here, or -1. */
  private readonly values: Int32Array;
  private readonly childStart: Int32Array;
  private readonly childCount: Int32Array;
  private readonly childUnits: Uint16Array;
  private readonly childNodes: Int32Array;
  /** The root's children by code unit (most lookups start at the root). */
  private readonly rootTable: Int32Array;

  /** @param entries keys and their values (ids); empty keys are ignored */
  constructor(entries: Iterable<readonly [string, number]>) {
    const values = new Map(entries);
    // The default sort orders by UTF-16 code units, the order the build below needs.
    const keys = [...values.keys()].filter((key) => key.length > 0).sort();
    // Build as first-child / next-sibling lists in typed arrays. With the keys sorted, a
    // later key can only share a node's newest child, so `lastChild` is all we search.
    let capacity = 1;
    for (const key of keys) capacity += key.length;
    const unitOf = new Uint16Array(capacity);
    const valueOf = new Int32Array(capacity).fill(NONE);
    const firstChild = new Int32Array(capacity).fill(NONE);
    const lastChild = new Int32Array(capacity).fill(NONE);
    const nextSibling = new Int32Array(capacity).fill(NONE);
    let count = 1;
    for (const key of keys) {
      let node = 0;
      for (let i = 0; i < key.length; i++) {
        const unit = key.charCodeAt(i);
        const last = lastChild[node];
        if (last !== NONE && unitOf[last] === unit) {
          node = last;
          continue;
        }
        const child = count++;
        unitOf[child] = unit;
        if (last === NONE) firstChild[node] = child;
        else nextSibling[last] = child;
        lastChild[node] = child;
        node = child;
      }
      valueOf[node] = values.get(key)!;
    }
    // Renumber breadth-first so each node's children are contiguous (and sorted).
    const order = new Int32Array(count);
    const newIndex = new Int32Array(count);
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const node = order[head++];
      for (let child = firstChild[node]; child !== NONE; child = nextSibling[child]) {
        newIndex[child] = tail;
        order[tail++] = child;
      }
    }
    this.values = new Int32Array(count);
    this.childStart = new Int32Array(count);
    this.childCount = new Int32Array(count);
    this.childUnits = new Uint16Array(Math.max(0, count - 1));
    this.childNodes = new Int32Array(Math.max(0, count - 1));
    let next = 0;
    for (let n = 0; n < count; n++) {
      const node = order[n];
      this.values[n] = valueOf[node];
      this.childStart[n] = next;
      for (let child = firstChild[node]; child !== NONE; child = nextSibling[child]) {
        this.childUnits[next] = unitOf[child];
        this.childNodes[next] = newIndex[child];
        next++;
      }
      this.childCount[n] = next - this.childStart[n];
    }
    this.rootTable = new Int32Array(0x10000).fill(NONE);
    for (let k = 0; k < this.childCount[0]; k++) this.rootTable[this.childUnits[k]] = this.childNodes[k];
  }

  private child(node: number, unit: number): number {
    if (node === 0) return this.rootTable[unit];
    let lo = this.childStart[node];
    let hi = lo + this.childCount[node] - 1;
    const units = this.childUnits;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const u = units[mid];
      if (u === unit) return this.childNodes[mid];
      if (u < unit) lo = mid + 1;
      else hi = mid - 1;
    }
    return NONE;
  }

  /**
   * The longest key that text[start, …) begins with, not reaching past `end`: sets
   * `matchEnd`/`matchValue` and returns true, or returns false when no key matches.
   */
  longestPrefix(text: string, start: number, end: number): boolean {
    let node = 0;
    let found = false;
    for (let i = start; i < end; i++) {
      node = this.child(node, text.charCodeAt(i));
      if (node === NONE) break;
      const value = this.values[node];
      if (value !== NONE) {
        this.matchEnd = i + 1;
        this.matchValue = value;
        found = true;
      }
    }
    return found;
  }

  /** Set by a successful `longestPrefix`. */
  matchEnd = 0;
  matchValue = 0;
}
