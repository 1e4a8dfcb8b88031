// The yardstick for search tests: score every document against the query, written
// independently of src/search. A document's score is the sum, in ascending term order from 0,
// of query weight × document weight (the form the index promises to reproduce bit for bit);
// only documents sharing a term with the query are ranked; order: score descending, then
// document number ascending.

export interface Doc {
  readonly indices: ArrayLike<number>;
  /** The weights as the index stores them (float32, or code × scale for u8). */
  readonly values: ArrayLike<number>;
}

export interface Hit {
  readonly doc: number;
  readonly score: number;
}

export function bruteForce(docs: readonly Doc[], query: Doc, k: number): Hit[] {
  const hits: Hit[] = [];
  docs.forEach((doc, n) => {
    let score = 0;
    let matched = false;
    let i = 0;
    let j = 0;
    while (i < query.indices.length && j < doc.indices.length) {
      if (query.indices[i] === doc.indices[j]) {
        if (query.values[i] > 0) {
          score += query.values[i] * doc.values[j];
          matched = true;
        }
        i++;
        j++;
      } else if (query.indices[i] < doc.indices[j]) i++;
      else j++;
    }
    if (matched) hits.push({ doc: n, score });
  });
  hits.sort((a, b) => b.score - a.score || a.doc - b.doc);
  return hits.slice(0, k);
}
