// trec_eval's measure names as `splade eval --measures` and parseMeasures read them, and the
// corners of evaluateMeasures that the random cases of trec-eval-measures.test.ts do not reach.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MeasureSpecError, evaluateMeasures, parseMeasures, parseQrels, parseRun, printedNames } from '../../src/search/index.js';

const names = (lists: string[]): string[] => parseMeasures(lists).flatMap(printedNames);

test('a number after a comma adds a cutoff to the measure before it, as -m recall.100,1000 does', () => {
  assert.equal(names(['recall.100,1000']), ['recall_100', 'recall_1000']);
  assert.equal(names(['ndcg_cut.10,recall.1000,100,map']), ['map', 'recall_100', 'recall_1000', 'ndcg_cut_10']);
});

test('measures come out in trec_eval\'s order, cutoffs ascending, whatever order they were asked in', () => {
  assert.equal(names(['success.10,1', 'ndcg', 'P.20', 'num_q', 'map_cut.1', 'recip_rank', 'num_rel_ret', 'ndcg_cut.3', 'num_ret', 'num_rel', 'map']), [
    'num_q', 'num_ret', 'num_rel', 'num_rel_ret', 'map', 'recip_rank', 'P_20', 'ndcg', 'ndcg_cut_3', 'map_cut_1', 'success_1', 'success_10',
  ]);
});

test('a measure asked for twice is evaluated once with all its cutoffs (trec_eval would keep only its first list)', () => {
  assert.equal(names(['recall.100', 'recall.1000', 'recall.100', 'map', 'map']), ['map', 'recall_100', 'recall_1000']);
});

test('a cutoff measure without cutoffs gets trec_eval\'s defaults', () => {
  assert.equal(names(['recall']), [5, 10, 15, 20, 30, 100, 200, 500, 1000].map((k) => `recall_${k}`));
  assert.equal(names(['success']), ['success_1', 'success_5', 'success_10']);
});

test('unknown names and bad cutoffs are refused, naming the bad part and listing the known names', () => {
  const cases: Array<[string, RegExp]> = [
    ['mrr', /unknown measure 'mrr'; known: num_q, num_ret, num_rel, num_rel_ret, map, recip_rank, P\.k, recall\.k, ndcg, ndcg_cut\.k, map_cut\.k, success\.k/],
    ['ndcg_cut_10', /unknown measure 'ndcg_cut_10'/],
    ['recall.0', /measure recall: cutoff '0' is not a whole number of at least 1/],
    ['P.5x', /measure P: cutoff '5x' is not a whole number of at least 1/],
    ['recall.', /measure recall: cutoff '' is not/],
    ['recall.10,-5', /unknown measure '-5'/],
    ['map.10', /measure 'map.10': map takes no cutoff/],
    ['map,10', /cutoff '10' follows map, which takes no cutoff/],
    ['recall.10.20', /one cutoff after the dot; more go after commas, as in recall\.10,100/],
    ['map,,ndcg', /an empty measure name/],
  ];
  for (const [list, message] of cases) {
    assert.throws(() => parseMeasures([list]), (e: unknown) => e instanceof MeasureSpecError && message.test(e.message), list);
  }
});

test('-l 0: judged non-relevant documents count, unjudged and negatively judged ones never do (trec_eval -l 0 -m map ...)', () => {
  // x is unjudged, c judged -1 ("unjudged in pool"), a judged 0, b judged 1. trec_eval -l 0
  // printed num_rel 2, num_rel_ret 2, map 0.4167 (1/3 and 2/4 over 2), recip_rank 0.3333, P_2 0.
  const run = parseRun('q1 Q0 x 1 3 t\nq1 Q0 c 1 2.5 t\nq1 Q0 a 2 2 t\nq1 Q0 b 3 1 t');
  const qrels = parseQrels('q1 0 a 0\nq1 0 b 1\nq1 0 c -1');
  const { all } = evaluateMeasures(run, qrels, parseMeasures(['num_rel,num_rel_ret,map,recip_rank,P.2']), { relevanceLevel: 0 });
  assert.equal(Object.fromEntries(all), { num_rel: 2, num_rel_ret: 2, map: (1 / 3 + 2 / 4) / 2, recip_rank: 1 / 3, P_2: 0 });
});

test('options out of range are refused', () => {
  const run = parseRun('q Q0 a 1 1 t');
  const qrels = parseQrels('q 0 a 1');
  for (const options of [{ maxDocs: 0 }, { maxDocs: 1.5 }, { relevanceLevel: -1 }, { relevanceLevel: 0.5 }]) {
    assert.throws(() => evaluateMeasures(run, qrels, parseMeasures(['map']), options), (e: unknown) => e instanceof MeasureSpecError, JSON.stringify(options));
  }
});

test.run();
