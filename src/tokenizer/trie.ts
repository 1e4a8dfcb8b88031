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
    const sorted = [...entries].filter(([key]) => key.length > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // Build with per-node child lists; sorted keys mean a node's newest child is the only
    // one a later key can share.
    const children: Array<Array<[number, number]>> = [[]];
    const values: number[] = [NONE];
    for (const [key, value] of sorted) {
      let node = 0;
      for (let i = 0; i < key.length; i++) {
        const unit = key.charCodeAt(i);
        const list = children[node];
        const last = list[list.length - 1];
        if (last !== undefined && last[0] === unit) {
          node = last[1];
        } else {
          const child = values.length;
          values.push(NONE);
          children.push([]);
          list.push([unit, child]);
          node = child;
        }
      }
      values[node] = value;
    }
    // Renumber breadth-first so each node's children are contiguous.
    const count = values.length;
    const order = new Int32Array(count);
    const newIndex = new Int32Array(count);
    let head = 0;
    let tail = 1;
    order[0] = 0;
    while (head < tail) {
      const node = order[head++];
      for (const [, child] of children[node]) {
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
      this.values[n] = values[node];
      this.childStart[n] = next;
      this.childCount[n] = children[node].length;
      for (const [unit, child] of children[node]) {
        this.childUnits[next] = unit;
        this.childNodes[next] = newIndex[child];
        next++;
      }
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
