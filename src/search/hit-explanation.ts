// Why a document matched a query: the query terms it shares with the document, each with the
// query weight, the document weight as the index stores it and their product, the part it adds
// to the score (as Elasticsearch's explain API shows a hit). Read from the query's posting lists
// only, the document found in each by its block metadata and a binary search in one block.
import { contribution, type PreparedQuery, type QueryList } from './query-lists.js';

/** One query term a document shares with the query, and what it adds to the score. */
export interface MatchedTerm {
  /** The term id (the vocabulary's token id). */
  readonly term: number;
  /** The query's weight for the term. */
  readonly query: number;
  /** The document's weight for the term, as the index stores it (u8: code × scale). */
  readonly document: number;
  /** query × document: what the term adds to the document's score. */
  readonly contribution: number;
}

/** A document's score against a query, and the terms that make it. */
export interface HitExplanation {
  readonly doc: number;
  /** The score, equal to the bit to the one `search` gives the document. */
  readonly score: number;
  /** The shared terms, largest contribution first, equal ones by term id; empty when none. */
  readonly terms: MatchedTerm[];
}

/** The position of `doc` in a posting list, or -1 when the list does not hold it. */
export function findPosting(list: QueryList, blockSize: number, doc: number): number {
  // The first block whose last document is ≥ doc is the only one that can hold it.
  const { blockLast, docs } = list;
  let lo = 0;
  let hi = blockLast.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (blockLast[mid] < doc) lo = mid + 1;
    else hi = mid;
  }
  if (lo === blockLast.length) return -1;
  let from = lo * blockSize;
  let to = Math.min(docs.length, from + blockSize);
  while (from < to) {
    const mid = (from + to) >>> 1;
    if (docs[mid] < doc) from = mid + 1;
    else to = mid;
  }
  return from < docs.length && docs[from] === doc ? from : -1;
}

/** Explains document `doc`'s score for a prepared query (lists in ascending term order). */
export function explainDoc(query: PreparedQuery, doc: number): HitExplanation {
  const terms: MatchedTerm[] = [];
  let score = 0;
  // Summed in ascending term order from 0, as every search path sums, so the scores agree.
  for (const list of query.lists) {
    const p = findPosting(list, query.blockSize, doc);
    if (p < 0) continue;
    const weighted = contribution(list.weight, list.impacts[p], query.unit);
    score += weighted;
    terms.push({ term: list.term, query: list.weight, document: list.impacts[p] * query.unit, contribution: weighted });
  }
  terms.sort((a, b) => b.contribution - a.contribution || a.term - b.term);
  return { doc, score, terms };
}

/** A matched term as `splade search --explain` and POST /search print it. */
export type TermRow = [token: string | number, query: number, document: number, contribution: number];

/**
 * The first `limit` terms (they come largest first) as rows, each term named by `token`
 * (its vocabulary string, or the id itself where there is no vocabulary).
 */
export function termRows(terms: readonly MatchedTerm[], limit: number, token: (term: number) => string | number): TermRow[] {
  return terms.slice(0, limit).map((m) => [token(m.term), m.query, m.document, m.contribution]);
}
