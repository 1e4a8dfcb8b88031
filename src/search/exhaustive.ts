// Search without pruning: every posting of every query term is added into a per-document
// accumulator, term by term in ascending term order (term-at-a-time), then the k best are
// picked. The yardstick the pruned search is checked against, and the "no pruning" benchmark.
import { contribution, type PreparedQuery } from './query-lists.js';
import { TopK, type ScoredDoc } from './top-k.js';

/** Scratch space reused across queries (one per index). */
export class Accumulators {
  private scores = new Float64Array(0);
  private touched = new Uint32Array(0);

  /** Scratch arrays for `docCount` documents, all scores zero. */
  take(docCount: number): { scores: Float64Array; touched: Uint32Array } {
    if (this.scores.length < docCount) {
      this.scores = new Float64Array(docCount);
      this.touched = new Uint32Array(docCount);
    }
    return { scores: this.scores, touched: this.touched };
  }
}

/** The exact top k by scoring every posting of the query's terms. */
export function exhaustiveSearch(query: PreparedQuery, k: number, scratch: Accumulators): ScoredDoc[] {
  const { scores, touched } = scratch.take(query.docCount);
  let count = 0;
  for (const list of query.lists) {
    const { docs, impacts, weight } = list;
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i];
      // Every contribution is positive, so a zero score means "not seen yet".
      if (scores[d] === 0) touched[count++] = d;
      scores[d] += contribution(weight, impacts[i], query.unit);
    }
  }
  const top = new TopK(k);
  for (let i = 0; i < count; i++) {
    const d = touched[i];
    top.offer(d, scores[d]);
    scores[d] = 0;
  }
  return top.sorted();
}
