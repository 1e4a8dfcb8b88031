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

/** The exact top k of the query, pruned. */
export function maxScoreSearch(query: PreparedQuery, k: number): ScoredDoc[] {
  const { unit, blockSize } = query;
  const n = query.lists.length;
  const top = new TopK(k);
  if (n === 0 || k === 0) return top.sorted();
  // Lists by increasing upper bound; slot[i] is list i's place in term order.
  const upper = query.lists.map((l) => l.weight * l.maxImpact * unit);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => upper[a] - upper[b] || a - b);
  const lists: QueryList[] = order.map((i) => query.lists[i]);
  const docs = lists.map((l) => l.docs);
  const impacts = lists.map((l) => l.impacts);
  const weight = Float64Array.from(lists, (l) => l.weight);
  const length = Int32Array.from(lists, (l) => l.docs.length);
  const slot = Int32Array.from(order);
  const bound = Float64Array.from(order, (i) => upper[i]);
  const prefix = new Float64Array(n);
  bound.forEach((b, i) => (prefix[i] = (i > 0 ? prefix[i - 1] : 0) + b));
  const END = 0xffffffff + 1;
  const pos = new Int32Array(n);
  const current = Float64Array.from(docs, (d) => d[0]);
  const blockLast = lists.map((l) => l.blockLast);
  const blockMax = lists.map((l) => l.blockMax);
  const block = new Int32Array(n);
  const contrib = new Float64Array(n);
  // stamp[slot] === candidate number: that term contributed to the current candidate.
  const stamp = new Float64Array(n).fill(-1);
  let candidate = 0;
  let firstEssential = 0;
  let threshold = -Infinity;

  for (;;) {
    let d = END;
    for (let i = firstEssential; i < n; i++) if (current[i] < d) d = current[i];
    if (d === END) break;
    candidate++;
    let partial = 0;
    for (let i = firstEssential; i < n; i++) {
      if (current[i] !== d) continue;
      const p = pos[i];
      const c = contribution(weight[i], impacts[i][p], unit);
      contrib[slot[i]] = c;
      stamp[slot[i]] = candidate;
      partial += c;
      pos[i] = p + 1;
      current[i] = p + 1 < length[i] ? docs[i][p + 1] : END;
    }
    let alive = true;
    for (let i = firstEssential - 1; i >= 0; i--) {
      const rest = i > 0 ? prefix[i - 1] : 0;
      if ((partial + bound[i] + rest) * SLACK <= threshold) {
        alive = false;
        break;
      }
      const lasts = blockLast[i];
      let b = block[i];
      while (b < lasts.length && lasts[b] < d) b++;
      block[i] = b;
      if (b === lasts.length) continue;
      if ((partial + weight[i] * blockMax[i][b] * unit + rest) * SLACK <= threshold) {
        alive = false;
        break;
      }
      const end = Math.min(length[i], (b + 1) * blockSize);
      const p = seek(docs[i], Math.max(pos[i], b * blockSize), end, d);
      pos[i] = p;
      if (p < end && docs[i][p] === d) {
        const c = contribution(weight[i], impacts[i][p], unit);
        contrib[slot[i]] = c;
        stamp[slot[i]] = candidate;
        partial += c;
      }
    }
    if (alive) {
      let score = 0;
      for (let j = 0; j < n; j++) if (stamp[j] === candidate) score += contrib[j];
      top.offer(d, score);
      threshold = top.threshold;
      while (firstEssential < n && prefix[firstEssential] * SLACK <= threshold) {
        // A list leaving the essential set is probed from where it stands.
        firstEssential++;
      }
    }
  }
  return top.sorted();
}
