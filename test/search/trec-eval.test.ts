// splade eval's measures against trec_eval itself (10.0, usnistgov/trec_eval f425365, built
// from source): 80 random cases of tools/trec-eval-cases.ts, whose answers trec_eval gave
// (test/search/fixtures/trec-eval.json: ndcg_cut.10, recip_rank with -M 10, recall.100, per
// query and 'all', with -c where the case says). trec_eval prints 4 decimals.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluateRun, parseQrels, parseRun, type Measures } from '../../src/search/index.js';
import { COUNT, SEED, trecCases } from '../../tools/trec-eval-cases.js';

interface Fixture {
  readonly trecEval: string;
  readonly seed: number;
  readonly cases: ReadonlyArray<Record<string, [number, number, number]>>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/trec-eval.json', import.meta.url), 'utf8')) as Fixture;

test('the cases are those trec_eval was run on', () => {
  assert.is(fixture.seed, SEED);
  assert.is(fixture.cases.length, COUNT);
  assert.match(fixture.trecEval, /^trec_eval version 10\.0/);
});

test('nDCG@10, MRR@10 and Recall@100 equal trec_eval\'s, per query and as means, on every case', () => {
  const cases = trecCases(SEED, COUNT);
  const near = (a: number, b: number): boolean => Math.abs(a - b) <= 0.00005 + 1e-12;
  let ties = 0;
  cases.forEach((c, n) => {
    const ours = evaluateRun(parseRun(c.run), parseQrels(c.qrels), { complete: c.complete });
    const expected = fixture.cases[n];
    const got: Record<string, Measures> = { ...Object.fromEntries(ours.perQuery), all: ours.mean };
    assert.equal(Object.keys(got).sort(), Object.keys(expected).sort(), `case ${n}: the queries evaluated`);
    for (const [qid, [ndcg, rr, recall]] of Object.entries(expected)) {
      const m = got[qid];
      const where = `case ${n} (${c.complete ? '-c' : 'default'}) query ${qid}: ours ${JSON.stringify(m)}, trec_eval ${[ndcg, rr, recall]}`;
      assert.ok(near(m.ndcg10, ndcg) && near(m.mrr10, rr) && near(m.recall100, recall), where);
    }
    const scores = c.run.trim().split('\n').map((line) => line.split(' ')[0] + ' ' + line.split(' ')[4]);
    ties += scores.length - new Set(scores).size;
  });
  assert.ok(ties > 500, `the cases rank many equal scores by docid (${ties})`);
});

test.run();
