// Exact top-k with dynamic pruning: MaxScore (Turtle & Flood 1995) with block-max bounds
// (as in Ding & Suel 2011's block-max indexes), document-at-a-time.
//
// Each list has an upper bound (query weight × the list's largest impact). Sorted by bound, the
// lists whose bounds add up to no more than the current k-th score are "non-essential": a
// document found only in them cannot enter the top k, so candidates come from the essential
// lists alone, and the non-essential lists are only probed for those candidates, largest bound
// first, giving up as soon as the score so far plus what is left cannot beat the k-th score.
// Before probing a list, the bound of the block that would hold the document is used instead of
// the list's bound. Documents are visited in increasing order, so a later document with the same
// score as the k-th never replaces it (ties go to the smaller document number, as in TopK).
//
// Exactness: every bound is inflated by a relative 1e-9 before it is compared, far more than
// the rounding of a few dozen float64 additions, so rounding never prunes a document that
// belongs in the top k; and the score of a kept document is recomputed in ascending term order,
// the same sum the exhaustive search and the brute force compute.
import { contribution, type PreparedQuery, type QueryList } from './query-lists.js';
import { TopK, type ScoredDoc } from './top-k.js';

const SLACK = 1 + 1e-9;

/** The first position in [from, to) of `docs` holding a document ≥ target (to if none). */
function seek(docs: Uint32Array, from: number, to: number, target: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One past the largest document number: where a list that is done stands. */
const END = 0xffffffff + 1;

/** The query's lists by increasing upper bound, each with its cursor (index i: i-th smallest bound). */
interface Cursors {
  readonly n: number;
  readonly unit: number;
  readonly blockSize: number;
  readonly docs: readonly Uint32Array[];
  readonly impacts: ReadonlyArray<Float32Array | Uint8Array>;
  readonly weight: Float64Array;
  readonly length: Int32Array;
  readonly blockLast: readonly Uint32Array[];
  readonly blockMax: readonly Float32Array[];
  /** The list's place in term order (where its contribution goes in `contrib`). */
  readonly slot: Int32Array;
  /** Upper bound of a contribution, and the sum of the bounds of lists 0..i. */
  readonly bound: Float64Array;
  readonly prefix: Float64Array;
  /** Cursor: position, the document there (END when done), the block last probed. */
  readonly pos: Int32Array;
  readonly current: Float64Array;
  readonly block: Int32Array;
  /** By term order: the contribution to the candidate; stamp === candidate number when it counts. */
  readonly contrib: Float64Array;
  readonly stamp: Float64Array;
}

function cursorsOf(query: PreparedQuery): Cursors {
  const { unit, blockSize } = query;
  const n = query.lists.length;
  const upper = query.lists.map((l) => l.weight * l.maxImpact * unit);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => upper[a] - upper[b] || a - b);
  const lists: QueryList[] = order.map((i) => query.lists[i]);
  const bound = Float64Array.from(order, (i) => upper[i]);
  const prefix = new Float64Array(n);
  bound.forEach((b, i) => (prefix[i] = (i > 0 ? prefix[i - 1] : 0) + b));
  return {
    n, unit, blockSize,
    docs: lists.map((l) => l.docs),
    impacts: lists.map((l) => l.impacts),
    weight: Float64Array.from(lists, (l) => l.weight),
    length: Int32Array.from(lists, (l) => l.docs.length),
    blockLast: lists.map((l) => l.blockLast),
    blockMax: lists.map((l) => l.blockMax),
    slot: Int32Array.from(order),
    bound, prefix,
    pos: new Int32Array(n),
    current: Float64Array.from(lists, (l) => l.docs[0]),
    block: new Int32Array(n),
    contrib: new Float64Array(n),
    stamp: new Float64Array(n).fill(-1),
  };
}

/** The smallest document the essential lists [first, n) stand on (END when all are done). */
function nextCandidate(c: Cursors, first: number): number {
  let d = END;
  for (let i = first; i < c.n; i++) if (c.current[i] < d) d = c.current[i];
  return d;
}

/** Records list i's contribution at position p to candidate number `candidate`; returns it. */
function count(c: Cursors, i: number, p: number, candidate: number): number {
  const weighted = contribution(c.weight[i], c.impacts[i][p], c.unit);
  c.contrib[c.slot[i]] = weighted;
  c.stamp[c.slot[i]] = candidate;
  return weighted;
}

/** The essential lists' part of document d's score; the lists standing on d move past it. */
function scoreEssential(c: Cursors, first: number, d: number, candidate: number): number {
  let partial = 0;
  for (let i = first; i < c.n; i++) {
    if (c.current[i] !== d) continue;
    const p = c.pos[i];
    partial += count(c, i, p, candidate);
    c.pos[i] = p + 1;
    c.current[i] = p + 1 < c.length[i] ? c.docs[i][p + 1] : END;
  }
  return partial;
}

/**
 * Probes the non-essential lists [0, first) for document d, largest bound first, adding what
 * they hold to `partial`; false as soon as the score so far plus what the lists left could add
 * (their bounds, or the bound of the block that would hold d) cannot beat `threshold`.
 */
function probeNonEssential(c: Cursors, first: number, d: number, candidate: number, partial: number, threshold: number): boolean {
  for (let i = first - 1; i >= 0; i--) {
    const rest = i > 0 ? c.prefix[i - 1] : 0;
    if ((partial + c.bound[i] + rest) * SLACK <= threshold) return false;
    const lasts = c.blockLast[i];
    let b = c.block[i];
    while (b < lasts.length && lasts[b] < d) b++;
    c.block[i] = b;
    if (b === lasts.length) continue;
    if ((partial + c.weight[i] * c.blockMax[i][b] * c.unit + rest) * SLACK <= threshold) return false;
    const end = Math.min(c.length[i], (b + 1) * c.blockSize);
    const p = seek(c.docs[i], Math.max(c.pos[i], b * c.blockSize), end, d);
    c.pos[i] = p;
    if (p < end && c.docs[i][p] === d) partial += count(c, i, p, candidate);
  }
  return true;
}

/** The candidate's score summed in ascending term order, as every search path sums it. */
function exactScore(c: Cursors, candidate: number): number {
  let score = 0;
  for (let j = 0; j < c.n; j++) if (c.stamp[j] === candidate) score += c.contrib[j];
  return score;
}

/** The exact top k of the query, pruned. */
export function maxScoreSearch(query: PreparedQuery, k: number): ScoredDoc[] {
  const top = new TopK(k);
  if (query.lists.length === 0 || k === 0) return top.sorted();
  const c = cursorsOf(query);
  let candidate = 0;
  let firstEssential = 0;
  let threshold = -Infinity;
  for (;;) {
    const d = nextCandidate(c, firstEssential);
    if (d === END) break;
    candidate++;
    const partial = scoreEssential(c, firstEssential, d, candidate);
    if (!probeNonEssential(c, firstEssential, d, candidate, partial, threshold)) continue;
    top.offer(d, exactScore(c, candidate));
    threshold = top.threshold;
    // A list leaving the essential set is probed from where it stands.
    while (firstEssential < c.n && c.prefix[firstEssential] * SLACK <= threshold) firstEssential++;
  }
  return top.sorted();
}
