// nDCG@10, MRR@10 and Recall@100 on a small example whose values are worked out by hand below
// from trec_eval's definitions (m_ndcg_cut.c, m_recip_rank.c, m_recall.c, form_res_rels.c of
// usnistgov/trec_eval 9.0.4+): rank by score, ties by docid descending; gain = relevance;
// discount log2(rank + 1); relevant = relevance >= 1. The per-query values were also
// recomputed once with a separate plain-Python implementation of these definitions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TrecFormatError, evaluateRun, parseQrels, parseRun, rankEntries, runLine } from '../../src/search/index.js';
import { compareCodePoints } from '../../src/search/metrics.js';

// q1: d3 (3.0), then d1 and dX tie at 2.0, d4 (1.0). The rank column says d1 is 2nd, but
//     trec_eval ignores it: the tie goes to the larger docid, "dX" > "d1", so the order is
//     d3, dX, d1, d4 with relevances 0, unjudged (0), 2, 1.
// q2: d6 (5), d5 (4): relevances 0, 1.
// q3: judged, missing from the run.  q4: in the run, not judged.
// q5: twelve documents, the only relevant one at rank 11.
const run = [
  'q1 Q0 d3 1 3.0 t', 'q1 Q0 d1 2 2.0 t', 'q1 Q0 dX 3 2.0 t', 'q1 Q0 d4 4 1.0 t',
  'q2 Q0 d6 1 5 t', 'q2 Q0 d5 2 4 t',
  'q4 Q0 d1 1 1 t',
  ...Array.from({ length: 12 }, (_, i) => `q5 Q0 e${i} ${i + 1} ${100 - i} t`),
].join('\n');
const qrels = [
  'q1 0 d1 2', 'q1 0 d2 1', 'q1 0 d3 0', 'q1 0 d4 1',
  'q2 0 d5 1',
  'q3 0 d9 1',
  'q5 0 e10 1',
].join('\n');

// q1: DCG@10 = 2/log2(4) + 1/log2(5); IDCG@10 over judged relevances 2, 1, 1 =
//     2/log2(2) + 1/log2(3) + 1/log2(4). RR = 1/3 (d1 at rank 3). Recall@100 = 2/3 (d1, d4 of d1, d2, d4).
const q1 = {
  ndcg10: (2 / 2 + 1 / Math.log2(5)) / (2 + 1 / Math.log2(3) + 1 / 2),
  mrr10: 1 / 3,
  recall100: 2 / 3,
};
// q2: DCG = 1/log2(3), IDCG = 1; RR = 1/2; recall 1.
const q2 = { ndcg10: 1 / Math.log2(3), mrr10: 1 / 2, recall100: 1 };
// q5: nothing relevant in the top 10 (nDCG@10 = 0, RR@10 = 0), but in the top 100: recall 1.
const q5 = { ndcg10: 0, mrr10: 0, recall100: 1 };

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test('per-query values and means match the hand computation', () => {
  const result = evaluateRun(parseRun(run), parseQrels(qrels));
  assert.equal([...result.perQuery.keys()], ['q1', 'q2', 'q5']);
  for (const [qid, expected] of [['q1', q1], ['q2', q2], ['q5', q5]] as const) {
    const got = result.perQuery.get(qid)!;
    for (const key of ['ndcg10', 'mrr10', 'recall100'] as const) close(got[key], expected[key], `${qid} ${key}`);
  }
  close(result.mean.ndcg10, (q1.ndcg10 + q2.ndcg10 + 0) / 3, 'mean nDCG@10');
  close(result.mean.mrr10, (1 / 3 + 1 / 2 + 0) / 3, 'mean MRR@10');
  close(result.mean.recall100, (2 / 3 + 1 + 1) / 3, 'mean Recall@100');
  assert.equal(result.missing, ['q3']);
  assert.equal(result.unjudged, ['q4']);
  // The numbers themselves, as an independent plain-Python implementation of the same
  // definitions printed them (q1, q2 nDCG@10: 0.456949, 0.63093).
  assert.is(q1.ndcg10.toFixed(6), '0.456949');
  assert.is(q2.ndcg10.toFixed(4), '0.6309');
});

test('--complete: a judged query missing from the run counts as 0', () => {
  const result = evaluateRun(parseRun(run), parseQrels(qrels), { complete: true });
  assert.equal([...result.perQuery.keys()], ['q1', 'q2', 'q3', 'q5']);
  close(result.mean.mrr10, (1 / 3 + 1 / 2) / 4, 'mean MRR@10');
  close(result.mean.recall100, (2 / 3 + 1 + 1) / 4, 'mean Recall@100');
});

test('ranking ignores the rank column: score descending, ties by docid descending', () => {
  const ranked = rankEntries(parseRun('q Q0 a 3 1 t\nq Q0 c 1 1 t\nq Q0 b 2 2 t').get('q')!);
  assert.equal(ranked.map((e) => e.docid), ['b', 'c', 'a']);
});

test('ties compare ids as trec_eval\'s strcmp does: by UTF-8 bytes (code points), not UTF-16 units', () => {
  // U+FFFD is EF BF BD in UTF-8, U+1F600 is F0 9F 98 80: strcmp puts the emoji last, so
  // ranked descending it comes first. UTF-16 (0xFFFD vs 0xD83D) would say the opposite.
  const ranked = rankEntries(parseRun('q Q0 a\uFFFD 1 1 t\nq Q0 a\u{1F600} 2 1 t\nq Q0 a\u00E9 3 1 t\nq Q0 a 4 1 t').get('q')!);
  assert.equal(ranked.map((e) => e.docid), ['a\u{1F600}', 'a\uFFFD', 'a\u00E9', 'a']);
  assert.is(compareCodePoints('\uFFFD', '\u{1F600}') < 0, true);
  assert.is(compareCodePoints('ab', 'ab'), 0);
  assert.is(compareCodePoints('a', 'ab') < 0, true);
});

test('malformed files: the error names the file and line', () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => parseRun('q Q0 d 1 1 t\nq Q0 d 2\n', 'r.trec'), /r\.trec line 2: expected 6 or more fields, found 4/],
    [() => parseQrels('q 0 d 1 extra', 'qrels'), /qrels line 1: expected 4 fields, found 5/],
    [() => parseRun('q Q0 d 1 high t', 'r.trec'), /r\.trec line 1: score "high" is not a number/],
    [() => parseRun('q Q0 d 1 1 t\nq Q0 d 2 0.5 t', 'r.trec'), /line 2: document d appears twice for query q/],
    [() => parseQrels('q 0 d 1.5', 'qrels'), /qrels line 1: relevance "1.5" is not an integer/],
    [() => parseQrels('q 0 d 1\nq 0 d 0', 'qrels'), /qrels line 2: document d is judged twice/],
  ];
  for (const [run, message] of cases) assert.throws(run, (e: Error) => e instanceof TrecFormatError && message.test(e.message));
});

test('a run line may have fields after the tag: trec_eval ignores them', () => {
  assert.equal(parseRun('q Q0 d 1 2.5 tag extra words\n'), new Map([['q', [{ docid: 'd', score: 2.5 }]]]));
});

test('runLine writes what parseRun reads back, and refuses a query id that would make the line a comment', () => {
  assert.equal(parseRun(runLine('q1', 'd#1', 1, 1e-7, 'splade')), new Map([['q1', [{ docid: 'd#1', score: 1e-7 }]]]));
  assert.throws(() => runLine('#7', 'd', 1, 1, 't'), (e: Error) => e instanceof TrecFormatError && /starts with '#'/.test(e.message));
  assert.throws(() => runLine('q', 'a b', 1, 1, 't'), (e: Error) => e instanceof TrecFormatError && /white space/.test(e.message));
});

test('comments and blank lines are skipped', () => {
  assert.equal(parseQrels('# judged by hand\n\nq 0 d 1\n'), new Map([['q', new Map([['d', 1]])]]));
});

test.run();
