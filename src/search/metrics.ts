// nDCG@10, MRR@10 and Recall@100 of a TREC run, defined as trec_eval (9.0.4 and later,
// usnistgov/trec_eval m_ndcg_cut.c, m_recip_rank.c, m_recall.c, form_res_rels.c) defines them:
// - the run's rank column is ignored: documents are ranked by score, descending, equal scores
//   by document id in reverse strcmp order (UTF-8 bytes, i.e. code points);
// - a document is relevant when its relevance is at least 1; unjudged documents count as 0;
// - nDCG@k = DCG@k / IDCG@k, DCG@k = sum over ranks i = 1..k of rel_i / log2(i + 1) (linear
//   gain, rel > 0 only), IDCG@k the same over the judged relevances sorted descending; 0
//   when the query has no positive judgement (trec_eval's ndcg_cut);
// - RR@k = 1 / rank of the first relevant document within the top k, else 0 (trec_eval's
//   recip_rank on a run cut at k, ir-measures' RR@k, the MS MARCO MRR@10);
// - Recall@k = relevant documents in the top k / relevant documents judged; 0 when none.
// The means are over the queries that are in both the run and the qrels (trec_eval 9.0.x's
// default; trec_eval 10.0's trec_eval.c instead stops, exit 4, at the first query of the
// qrels missing from the run, with the message "result qid '...' not found in qrels"); with
// `complete`, every query of the qrels counts and a query missing from the run scores 0
// (trec_eval -c). A judged query with no relevant document counts, scoring 0 (as in
// trec_eval: ndcg_cut divides only by an IDCG above 0, recall returns 0 when num_rel is 0).
// These three are `splade eval`'s default; trec-measures.ts evaluates trec_eval's other
// measures and its -M and -l options, with this file's ranking and nDCG.
import type { Qrels, Run, RunEntry } from './trec.js';

/** The three measures of one query (or their means). */
export interface Measures {
  readonly ndcg10: number;
  readonly mrr10: number;
  readonly recall100: number;
}

export interface Evaluation {
  /** Means over the evaluated queries. */
  readonly mean: Measures;
  /** Each evaluated query's measures, in qrels order. */
  readonly perQuery: ReadonlyMap<string, Measures>;
  /** Queries of the qrels with no line in the run (counted as 0 only with `complete`). */
  readonly missing: readonly string[];
  /** Queries of the run with no judgement (never counted, as in trec_eval). */
  readonly unjudged: readonly string[];
}

/**
 * Compares two ids as C's strcmp compares their UTF-8 bytes, i.e. by code point. JavaScript's
 * `<` compares UTF-16 units, which puts U+E000..U+FFFF after the astral characters (their
 * surrogates start at U+D800): UTF-8 bytes put them before.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Where the units first differ, a surrogate (U+D800..U+DFFF) stands for a code point above U+FFFF.
    const surrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdfff;
    if (surrogate(x) !== surrogate(y)) return surrogate(x) ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** The run's documents for one query in trec_eval's order (form_res_rels.c comp_sim_docno: sim descending, then strcmp(docno2, docno1)). */
export function rankEntries(entries: readonly RunEntry[]): RunEntry[] {
  return [...entries].sort((a, b) => b.score - a.score || compareCodePoints(b.docid, a.docid));
}

/** nDCG@k of relevances in rank order against the query's judgements. */
export function ndcgAt(k: number, ranked: readonly number[], judged: Iterable<number>): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (ranked[i] > 0) dcg += ranked[i] / Math.log2(i + 2);
  const ideal = [...judged].filter((r) => r > 0).sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += ideal[i] / Math.log2(i + 2);
  return idcg > 0 ? dcg / idcg : 0;
}

/** Reciprocal rank of the first relevant document within the top k. */
export function reciprocalRankAt(k: number, ranked: readonly number[]): number {
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (ranked[i] >= 1) return 1 / (i + 1);
  return 0;
}

/** Share of the relevant documents found in the top k. */
export function recallAt(k: number, ranked: readonly number[], judged: Iterable<number>): number {
  const relevant = [...judged].filter((r) => r >= 1).length;
  if (relevant === 0) return 0;
  return ranked.slice(0, k).filter((r) => r >= 1).length / relevant;
}

/** The measures of one query. */
export function measureQuery(entries: readonly RunEntry[], judgements: ReadonlyMap<string, number>): Measures {
  const ranked = rankEntries(entries).map((e) => judgements.get(e.docid) ?? 0);
  return {
    ndcg10: ndcgAt(10, ranked, judgements.values()),
    mrr10: reciprocalRankAt(10, ranked),
    recall100: recallAt(100, ranked, judgements.values()),
  };
}

/** Evaluates a run against qrels. */
export function evaluateRun(run: Run, qrels: Qrels, options: { complete?: boolean } = {}): Evaluation {
  const perQuery = new Map<string, Measures>();
  const missing: string[] = [];
  for (const [qid, judgements] of qrels) {
    const entries = run.get(qid);
    if (!entries) missing.push(qid);
    if (entries || options.complete) perQuery.set(qid, measureQuery(entries ?? [], judgements));
  }
  const unjudged = [...run.keys()].filter((qid) => !qrels.has(qid));
  const all = [...perQuery.values()];
  const mean = (pick: (m: Measures) => number): number => (all.length === 0 ? 0 : all.reduce((sum, m) => sum + pick(m), 0) / all.length);
  return { mean: { ndcg10: mean((m) => m.ndcg10), mrr10: mean((m) => m.mrr10), recall100: mean((m) => m.recall100) }, perQuery, missing, unjudged };
}
