// evaluateMeasures against trec_eval itself (10.0, usnistgov/trec_eval f425365, built from
// source): the 80 random cases of tools/trec-eval-cases.ts under four option sets (none,
// -l 2, -M 10, -l 2 -M 5; -c where the case says), every measure `splade eval --measures`
// knows, per query and 'all' (test/search/fixtures/trec-eval-measures.json). trec_eval prints
// 4 decimals and counts as integers.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluateMeasures, parseMeasures, parseQrels, parseRun } from '../../src/search/index.js';
import { COUNT, MEASURE_LISTS, OPTION_SETS, SEED, trecCases } from '../../tools/trec-eval-cases.js';

interface Fixture {
  readonly trecEval: string;
  readonly seed: number;
  readonly measures: readonly string[];
  /** The names of the 'all' lines; a query's values are these less num_q. */
  readonly names: readonly string[];
  /** Per case, per option set: qid -> values. */
  readonly cases: ReadonlyArray<ReadonlyArray<Record<string, number[]>>>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/trec-eval-measures.json', import.meta.url), 'utf8')) as Fixture;
const cases = trecCases(SEED, COUNT);

test('the cases and measures are those trec_eval was run on', () => {
  assert.is(fixture.seed, SEED);
  assert.equal(fixture.measures, MEASURE_LISTS);
  assert.is(fixture.cases.length, COUNT);
  assert.ok(fixture.cases.every((sets) => sets.length === OPTION_SETS.length));
  assert.match(fixture.trecEval, /^trec_eval version 10\.0/);
});

test('the cases grade above 1 (so -l 2 and nDCG\'s gains matter), below 0, and at 0', () => {
  const grades = cases.flatMap((c) => c.qrels.trim().split('\n').map((line) => Number(line.split(' ')[3])));
  for (const grade of [-2, -1, 0, 1, 2, 3]) assert.ok(grades.filter((g) => g === grade).length > 20, `grade ${grade}`);
  const numRel = (set: number, n: number): number | undefined => fixture.cases[n][set].all?.[fixture.names.indexOf('num_rel')];
  assert.ok(cases.filter((_, n) => numRel(0, n) !== numRel(1, n)).length > 40, '-l 2 changes num_rel in many cases');
});

test('every measure equals trec_eval\'s, per query and \'all\', under every option set', () => {
  const requests = parseMeasures(MEASURE_LISTS);
  // Half a unit of the 4th decimal that trec_eval prints; counts exactly.
  const near = (a: number, b: number): boolean => Math.abs(a - b) <= 0.00005 + 1e-12;
  let compared = 0;
  cases.forEach((c, n) => {
    OPTION_SETS.forEach(({ flags, maxDocs, relevanceLevel }, set) => {
      const ours = evaluateMeasures(parseRun(c.run), parseQrels(c.qrels), requests, { complete: c.complete, maxDocs, relevanceLevel });
      const expected = fixture.cases[n][set];
      const where = `case ${n} (${[...(c.complete ? ['-c'] : []), ...flags].join(' ') || 'no options'})`;
      assert.equal([...ours.perQuery.keys(), 'all'], Object.keys(expected), `${where}: the queries, in trec_eval's order`);
      for (const [qid, values] of Object.entries(expected)) {
        const names = qid === 'all' ? fixture.names : fixture.names.filter((name) => name !== 'num_q');
        const got = qid === 'all' ? ours.all : ours.perQuery.get(qid);
        assert.equal([...(got?.keys() ?? [])], names, `${where} query ${qid}: the measures, in trec_eval's order`);
        names.forEach((name, i) => {
          const value = got?.get(name) ?? NaN;
          const exact = name.startsWith('num_');
          assert.ok(exact ? value === values[i] : near(value, values[i]), `${where} query ${qid} ${name}: ours ${value}, trec_eval ${values[i]}`);
          compared++;
        });
      }
    });
  });
  assert.ok(compared > 20_000, `values compared: ${compared}`);
});

test.run();
