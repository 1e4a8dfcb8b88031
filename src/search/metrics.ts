// nDCG@10, MRR@10 and Recall@100 of a TREC run, defined as trec_eval (9.0.4 and later,
// usnistgov/trec_eval m_ndcg_cut.c, m_recip_rank.c, m_recall.c, form_res_rels.c) defines them:
// - the run's rank column is ignored: documents are ranked by score, descending, equal scores
//   by document id in reverse lexical order;
// - a document is relevant when its relevance is at least 1; unjudged documents count as 0;
// - nDCG@k = DCG@k / IDCG@k, DCG@k = sum over ranks i = 1..k of rel_i / log2(i + 1) (linear
//   gain, rel > 0 only), IDCG@k the same over the judged relevances sorted descending; 0
//   when the query has no positive judgement (trec_eval's ndcg_cut);
// - RR@k = 1 / rank of the first relevant document within the top k, else 0 (trec_eval's
//   recip_rank on a run cut at k, ir-measures' RR@k, the MS MARCO MRR@10);
// - Recall@k = relevant documents in the top k / relevant documents judged; 0 when none.
// The means are over the queries that are in both the run and the qrels (trec_eval's default);
// with `complete`, every query of the qrels counts and a query missing from the run scores 0
// (trec_eval -c).
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

/** The run's documents for one query in trec_eval's order. */
export function rankEntries(entries: readonly RunEntry[]): RunEntry[] {
  return [...entries].sort((a, b) => b.score - a.score || (a.docid < b.docid ? 1 : a.docid > b.docid ? -1 : 0));
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
