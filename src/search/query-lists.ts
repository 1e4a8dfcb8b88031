// What a search algorithm sees of a query: for each query term that has postings, the query
// weight, the term's posting list and its block-max metadata, all as typed-array views into
// the index file.

/** One query term's posting list. */
export interface QueryList {
  readonly term: number;
  /** The query's weight for the term. */
  readonly weight: number;
  /** Document numbers, ascending. */
  readonly docs: Uint32Array;
  /** Stored impacts (× the index's unit = the document weight). */
  readonly impacts: Float32Array | Uint8Array;
  /** Last document of each block of `blockSize` postings. */
  readonly blockLast: Uint32Array;
  /** Largest stored impact of each block. */
  readonly blockMax: Float32Array;
  /** Largest stored impact of the list. */
  readonly maxImpact: number;
}

/** A query ready to score: its lists in ascending term order, and how impacts read as weights. */
export interface PreparedQuery {
  readonly lists: readonly QueryList[];
  /** Stored impact × unit = weight (the u8 scale, or 1). */
  readonly unit: number;
  readonly blockSize: number;
  readonly docCount: number;
}

/**
 * The score of one posting: query weight × document weight. Every search path (and the tests'
 * brute force) computes it in this form and sums a document's contributions in ascending term
 * order from 0, so that scores agree to the last bit whichever algorithm found the document.
 */
export function contribution(weight: number, impact: number, unit: number): number {
  return weight * (impact * unit);
}
