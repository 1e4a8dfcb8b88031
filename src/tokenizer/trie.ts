// A read-only trie over UTF-16 code units, stored flat (children of a node are contiguous and
// sorted, so lookups are a binary search; the root has a direct table). WordPiece walks it to
// find the longest vocabulary entry at a position without building substrings.

const NONE = -1;
/** Nodes with at least this many children (all ASCII) get a direct lookup table. */
const DENSE_MIN_CHILDREN = 8;

/** The trie as first-child / next-sibling lists, nodes numbered in insertion order (0: the root). */
interface LinkedTrie {
  readonly count: number;
  readonly unitOf: Uint16Array;
  readonly valueOf: Int32Array;
  readonly firstChild: Int32Array;
  readonly nextSibling: Int32Array;
}

/** Builds the linked trie of `keys`, which must be sorted by UTF-16 code units and non-empty. */
function linkedTrie(keys: readonly string[], values: ReadonlyMap<string, number>): LinkedTrie {
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
      // With the keys sorted, a later key can only share a node's newest child.
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
  return { count, unitOf, valueOf, firstChild, nextSibling };
}

/** The linked trie's nodes in breadth-first order (so each node's children are contiguous and sorted), and each node's place in it. */
function breadthFirst(t: LinkedTrie): { order: Int32Array; newIndex: Int32Array } {
  const order = new Int32Array(t.count);
  const newIndex = new Int32Array(t.count);
  let head = 0;
  let tail = 1;
  while (head < tail) {
    const node = order[head++];
    for (let child = t.firstChild[node]; child !== NONE; child = t.nextSibling[child]) {
      newIndex[child] = tail;
      order[tail++] = child;
    }
  }
  return { order, newIndex };
}

export class Trie {
  /** Per node: id of the entry ending here, or -1. */
  private readonly values: Int32Array;
  private readonly childStart: Int32Array;
  private readonly childCount: Int32Array;
  private readonly childUnits: Uint16Array;
  private readonly childNodes: Int32Array;
  /** The root's children by code unit (most lookups start at the root). */
  private readonly rootTable: Int32Array;
  /**
   * For nodes with many children, all ASCII: where their 128-entry child table starts in
   * `dense` (-1 for other nodes, which binary-search their children).
   */
  private readonly denseStart: Int32Array;
  private readonly dense: Int32Array;

  /** @param entries keys and their values (ids); empty keys are ignored */
  constructor(entries: Iterable<readonly [string, number]>) {
    const values = new Map(entries);
    // The default sort orders by UTF-16 code units, the order linkedTrie needs.
    const linked = linkedTrie([...values.keys()].filter((key) => key.length > 0).sort(), values);
    const { count } = linked;
    const { order, newIndex } = breadthFirst(linked);
    this.values = new Int32Array(count);
    this.childStart = new Int32Array(count);
    this.childCount = new Int32Array(count);
    this.childUnits = new Uint16Array(Math.max(0, count - 1));
    this.childNodes = new Int32Array(Math.max(0, count - 1));
    let next = 0;
    for (let n = 0; n < count; n++) {
      const node = order[n];
      this.values[n] = linked.valueOf[node];
      this.childStart[n] = next;
      for (let child = linked.firstChild[node]; child !== NONE; child = linked.nextSibling[child]) {
        this.childUnits[next] = linked.unitOf[child];
        this.childNodes[next] = newIndex[child];
        next++;
      }
      this.childCount[n] = next - this.childStart[n];
    }
    this.rootTable = new Int32Array(0x10000).fill(NONE);
    for (let k = 0; k < this.childCount[0]; k++) this.rootTable[this.childUnits[k]] = this.childNodes[k];
    [this.denseStart, this.dense] = this.denseTables(count);
  }

  /** The direct child tables of the nodes (root aside) with many children, all ASCII. */
  private denseTables(count: number): [Int32Array, Int32Array] {
    const denseStart = new Int32Array(count).fill(NONE);
    const denseNodes: number[] = [];
    for (let n = 1; n < count; n++) {
      const last = this.childStart[n] + this.childCount[n] - 1;
      if (this.childCount[n] >= DENSE_MIN_CHILDREN && this.childUnits[last] < 0x80) denseNodes.push(n);
    }
    const dense = new Int32Array(denseNodes.length * 0x80).fill(NONE);
    denseNodes.forEach((n, i) => {
      denseStart[n] = i * 0x80;
      for (let k = this.childStart[n]; k < this.childStart[n] + this.childCount[n]; k++) dense[i * 0x80 + this.childUnits[k]] = this.childNodes[k];
    });
    return [denseStart, dense];
  }

  private child(node: number, unit: number): number {
    if (node === 0) return this.rootTable[unit];
    const dense = this.denseStart[node];
    if (dense !== NONE) return unit < 0x80 ? this.dense[dense + unit] : NONE;
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

  /**
   * Calls `visit` with the end and the value of every key that text[start, …) begins with,
   * shortest first, not reaching past `end` (Rust's common_prefix_search).
   */
  forEachPrefix(text: string, start: number, end: number, visit: (matchEnd: number, value: number) => void): void {
    let node = 0;
    for (let i = start; i < end; i++) {
      node = this.child(node, text.charCodeAt(i));
      if (node === NONE) return;
      const value = this.values[node];
      if (value !== NONE) visit(i + 1, value);
    }
  }

  /** Set by a successful `longestPrefix`. */
  matchEnd = 0;
  matchValue = 0;
}
