// trec_eval's measures (usnistgov/trec_eval 10.0: m_*.c, form_res_rels.c, meas_avg.c,
// trec_eval.c) with its -c, -M and -l options, for any list that measure-spec.ts reads. What
// each measure does, as trec_eval's source does it:
// - a query's retrieved documents are ranked by score, ties by docid in reverse strcmp order
//   (metrics.ts rankEntries); -M N keeps the first N of that ranking (form_res_rels.c cuts
//   after its sort, so the run's own order and rank column never matter);
// - relevant means judged with relevance >= the level (-l, default 1); unjudged documents and
//   negative judgements ("unjudged in pool") are never relevant. The level counts for num_rel,
//   num_rel_ret, map, map_cut, recip_rank, P, recall and success. nDCG ignores it: ndcg and
//   ndcg_cut gain each judged relevance above 0 (linear gain, discount log2(rank + 1)), their
//   ideal ranking every positive judgement of the query (m_ndcg.c, m_ndcg_cut.c);
// - num_rel counts the query's relevant judgements whether retrieved or not, num_ret its
//   documents after -M, num_rel_ret the relevant ones among them;
// - map = sum of the precision at each relevant retrieved document / num_rel; map_cut.k the
//   same over the top k; recip_rank = 1 / rank of the first relevant document (0 if none);
//   P.k = relevant in the top k / k (a short ranking is padded with non-relevant documents);
//   recall.k = relevant in the top k / num_rel; success.k = 1 if the top k holds a relevant
//   document; ndcg over the whole ranking, ndcg_cut.k over the top k;
// - a query without relevant judgements scores 0 in all of them (and counts in the means);
// - the 'all' values: num_q is the number of queries evaluated, num_ret, num_rel and
//   num_rel_ret are sums, the rest means. Evaluated are the queries in both files; with -c
//   (`complete`) every query of the qrels, one missing from the run ranking nothing. Queries
//   only in the run are never evaluated. One quirk kept for equal numbers: with -c, trec_eval's
//   'all' num_rel counts every judgement above 0 in the qrels, whatever -l says (m_num_rel.c),
//   so with -c -l 2 it is not the sum of the per-query num_rel.
import { MeasureSpecError, printedNames, takesCutoffs, type CutoffMeasure, type MeasureName, type MeasureRequest } from './measure-spec.js';
import { compareCodePoints, ndcgAt, rankEntries } from './metrics.js';
import type { Qrels, Run, RunEntry } from './trec.js';

/** trec_eval's options, by its own letters. */
export interface TrecEvalOptions {
  /** -c: every query of the qrels counts, a query missing from the run scoring 0. */
  readonly complete?: boolean;
  /** -M N: at most N documents a query, the first N of trec_eval's ranking (default: all). */
  readonly maxDocs?: number;
  /** -l N: the least relevance that counts as relevant, a whole number of at least 0 (default 1). */
  readonly relevanceLevel?: number;
}

/** Measure values keyed by the names trec_eval prints (`map`, `recall_100`, `num_rel`). */
export type MeasureValues = ReadonlyMap<string, number>;

/** What {@link evaluateMeasures} found: trec_eval's 'all' and per-query values. */
export interface TrecEvaluation {
  /** trec_eval's 'all' values, in its print order. */
  readonly all: MeasureValues;
  /**
   * Each evaluated query's values, queries in trec_eval's order (query ids by code point, as
   * strcmp orders them); without num_q, which trec_eval prints only for 'all'.
   */
  readonly perQuery: ReadonlyMap<string, MeasureValues>;
  /** Queries of the qrels with no line in the run (evaluated, scoring 0, only with `complete`). */
  readonly missing: readonly string[];
  /** Queries of the run with no judgement (never evaluated, as in trec_eval). */
  readonly unjudged: readonly string[];
}

/** A relevance for a retrieved document that is not judged (trec_eval's RELVALUE_NONPOOL): never relevant, no gain. */
const UNJUDGED = -1;

/** What every measure of one query is computed from. */
interface QueryFacts {
  /** The relevance of each retrieved document, in rank order, after -M. */
  readonly ranked: readonly number[];
  /** Every judgement of the query, retrieved or not. */
  readonly judged: readonly number[];
  readonly isRelevant: (relevance: number) => boolean;
  /** Relevant judgements of the query (num_rel). */
  readonly numRel: number;
}

/** Relevant documents in the top k. */
const relevantIn = (q: QueryFacts, k: number): number => q.ranked.slice(0, k).filter(q.isRelevant).length;

/** Sum of the precision at each relevant document of the top k (map's numerator). */
function precisionSum(q: QueryFacts, k: number): number {
  let found = 0;
  let sum = 0;
  for (let i = 0; i < Math.min(k, q.ranked.length); i++) {
    if (q.isRelevant(q.ranked[i])) sum += ++found / (i + 1);
  }
  return sum;
}

const SINGLE: Readonly<Record<Exclude<MeasureName, CutoffMeasure>, (q: QueryFacts) => number>> = {
  num_q: () => 1,
  num_ret: (q) => q.ranked.length,
  num_rel: (q) => q.numRel,
  num_rel_ret: (q) => relevantIn(q, Infinity),
  map: (q) => (q.numRel === 0 ? 0 : precisionSum(q, Infinity) / q.numRel),
  recip_rank: (q) => {
    const first = q.ranked.findIndex(q.isRelevant);
    return first < 0 ? 0 : 1 / (first + 1);
  },
  ndcg: (q) => ndcgAt(Infinity, q.ranked, q.judged),
};

const AT_CUTOFF: Readonly<Record<CutoffMeasure, (q: QueryFacts, k: number) => number>> = {
  P: (q, k) => relevantIn(q, k) / k,
  recall: (q, k) => (q.numRel === 0 ? 0 : relevantIn(q, k) / q.numRel),
  ndcg_cut: (q, k) => ndcgAt(k, q.ranked, q.judged),
  map_cut: (q, k) => (q.numRel === 0 ? 0 : precisionSum(q, k) / q.numRel),
  success: (q, k) => (relevantIn(q, k) > 0 ? 1 : 0),
};

function queryFacts(entries: readonly RunEntry[], judgements: ReadonlyMap<string, number>, options: Required<TrecEvalOptions>): QueryFacts {
  const isRelevant = (relevance: number): boolean => relevance >= options.relevanceLevel;
  const judged = [...judgements.values()];
  const ranked = rankEntries(entries).slice(0, options.maxDocs).map((e) => judgements.get(e.docid) ?? UNJUDGED);
  return { ranked, judged, isRelevant, numRel: judged.filter(isRelevant).length };
}

function queryValues(requests: readonly MeasureRequest[], q: QueryFacts): Map<string, number> {
  const values = new Map<string, number>();
  for (const request of requests) {
    const { measure } = request;
    if (takesCutoffs(measure)) {
      request.cutoffs.forEach((k) => values.set(`${measure}_${k}`, AT_CUTOFF[measure](q, k)));
    } else {
      values.set(measure, SINGLE[measure](q));
    }
  }
  return values;
}

function checkedOptions(options: TrecEvalOptions): Required<TrecEvalOptions> {
  const { complete = false, maxDocs = Infinity, relevanceLevel = 1 } = options;
  if (maxDocs !== Infinity && !(Number.isSafeInteger(maxDocs) && maxDocs >= 1)) {
    throw new MeasureSpecError(`maxDocs must be a whole number of at least 1, got ${maxDocs}`);
  }
  // A negative level would make trec_eval count unjudged retrieved documents as relevant.
  if (!(Number.isSafeInteger(relevanceLevel) && relevanceLevel >= 0)) {
    throw new MeasureSpecError(`relevanceLevel must be a whole number of at least 0, got ${relevanceLevel}`);
  }
  return { complete, maxDocs, relevanceLevel };
}

/** The 'all' value of one printed name from the per-query values (see the file's comment). */
function allValue(name: string, measure: MeasureName, perQuery: readonly MeasureValues[], qrels: Qrels, complete: boolean): number {
  if (measure === 'num_q') return perQuery.length;
  if (measure === 'num_rel' && complete) return [...qrels.values()].reduce((n, judged) => n + [...judged.values()].filter((r) => r > 0).length, 0);
  const sum = perQuery.reduce((total, values) => total + (values.get(name) ?? 0), 0);
  if (measure === 'num_ret' || measure === 'num_rel' || measure === 'num_rel_ret') return sum;
  return perQuery.length === 0 ? 0 : sum / perQuery.length;
}

/**
 * Evaluates a run against qrels with trec_eval's measures and options, each defined as
 * trec_eval 10.0 computes it (see src/search/trec-measures.ts for the definitions).
 *
 * ```ts
 * // trec_eval -c -l 2 -m map -m ndcg_cut.10 -m recall.1000 (TREC Deep Learning)
 * const result = evaluateMeasures(run, qrels, parseMeasures(['map', 'ndcg_cut.10', 'recall.1000']), { complete: true, relevanceLevel: 2 });
 * result.all.get('ndcg_cut_10');
 * ```
 *
 * @param measures - requests from {@link parseMeasures}.
 * @throws MeasureSpecError when `maxDocs` or `relevanceLevel` is not a whole number in range.
 */
export function evaluateMeasures(run: Run, qrels: Qrels, measures: readonly MeasureRequest[], options: TrecEvalOptions = {}): TrecEvaluation {
  const checked = checkedOptions(options);
  const missing = [...qrels.keys()].filter((qid) => !run.has(qid));
  const evaluated = [...qrels.keys()].filter((qid) => run.has(qid) || checked.complete).sort(compareCodePoints);
  const perQuery = new Map<string, MeasureValues>();
  for (const qid of evaluated) {
    const values = queryValues(measures, queryFacts(run.get(qid) ?? [], qrels.get(qid) ?? new Map(), checked));
    values.delete('num_q');
    perQuery.set(qid, values);
  }
  const all = new Map<string, number>();
  const queries = [...perQuery.values()];
  for (const request of measures) {
    for (const name of printedNames(request)) all.set(name, allValue(name, request.measure, queries, qrels, checked.complete));
  }
  const unjudged = [...run.keys()].filter((qid) => !qrels.has(qid));
  return { all, perQuery, missing, unjudged };
}
