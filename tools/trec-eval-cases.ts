// Random TREC qrels and runs for checking `splade eval` against trec_eval itself, and the
// script that records trec_eval's answers for them in test/search/fixtures/trec-eval.json:
//
//   make -C <a checkout of usnistgov/trec_eval>     # C, no dependencies
//   node --import tsx tools/trec-eval-cases.ts <path to its trec_eval binary>
//
// The cases stress what the definitions hinge on: many equal scores (ranked by docid in
// reverse strcmp order, ids with non-ASCII and astral characters), relevance 0 and negative
// (judged non-relevant, "unjudged in pool"), unjudged retrieved documents, queries only in the
// run, and (with -c) queries only in the qrels. Each judged query has one judgement of 0 or
// more: trec_eval fails ("Can't calculate measure") on a query judged only negatively.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32, randomInt } from './random.js';

export interface TrecCase {
  readonly qrels: string;
  readonly run: string;
  /** trec_eval -c: queries of the qrels missing from the run count as 0. */
  readonly complete: boolean;
}

const IDS = ['d1', 'd2', 'd10', 'd9', 'D1', 'a', 'é', 'e\u0301', '\u{1F511}', '\uE000', 'z', '0', '00', ...Array.from({ length: 24 }, (_, i) => `p${i}`)];

function pick(random: () => number, count: number): string[] {
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(IDS[Math.floor(random() * IDS.length)]);
  return [...chosen];
}

/** `count` cases for a seed. */
export function trecCases(seed: number, count: number): TrecCase[] {
  const random = mulberry32(seed);
  const cases: TrecCase[] = [];
  while (cases.length < count) {
    const complete = random() < 0.3;
    let qrels = '';
    let run = '';
    for (let q = 0, n = randomInt(random, 1, 5); q < n; q++) {
      const inQrels = q === 0 || random() < 0.85;
      // Without -c, trec_eval 10 stops at a judged query missing from the run.
      const inRun = inQrels && !complete ? true : random() < 0.7;
      if (inQrels) {
        pick(random, randomInt(random, 1, 15)).forEach((doc, k) => (qrels += `q${q} 0 ${doc} ${randomInt(random, k === 0 ? 0 : -2, 3)}\n`));
      }
      if (inRun) {
        const levels = randomInt(random, 1, 6);
        pick(random, randomInt(random, 1, 25)).forEach((doc, k) => (run += `q${q} Q0 ${doc} ${k + 1} ${randomInt(random, 0, levels) / 2 - 1} t\n`));
      }
    }
    if (run !== '') cases.push({ qrels, run, complete });
  }
  return cases;
}

export const SEED = 2026;
export const COUNT = 80;

/** trec_eval's per-query and 'all' values: qid -> [ndcg_cut_10, recip_rank (run cut at 10), recall_100]. */
function trecEval(binary: string, c: TrecCase, dir: string): Record<string, number[]> {
  writeFileSync(join(dir, 'qrels'), c.qrels);
  writeFileSync(join(dir, 'run'), c.run);
  const out: Record<string, number[]> = {};
  const measures: Array<[number, string[], string]> = [
    [0, ['-m', 'ndcg_cut.10'], 'ndcg_cut_10'],
    [1, ['-M', '10', '-m', 'recip_rank'], 'recip_rank'],
    [2, ['-m', 'recall.100'], 'recall_100'],
  ];
  for (const [slot, flags, name] of measures) {
    const text = execFileSync(binary, ['-q', ...(c.complete ? ['-c'] : []), ...flags, join(dir, 'qrels'), join(dir, 'run')], { encoding: 'utf8' });
    for (const line of text.trim().split('\n')) {
      const [measure, qid, value] = line.trim().split(/\s+/);
      if (measure === name) (out[qid] ??= [])[slot] = Number(value);
    }
  }
  return out;
}

/** trec_eval's -m arguments for the full check: every measure `splade eval --measures` knows, cutoffs below and above the runs' lengths. */
export const MEASURE_LISTS = ['num_q', 'num_ret', 'num_rel', 'num_rel_ret', 'map', 'map_cut.5,10,30', 'recip_rank', 'P.5,10,30', 'recall.5,10,30', 'ndcg', 'ndcg_cut.5,10,30', 'success.1,5,10'];

/** The option sets each case is evaluated under (with -c where the case says), and what they are as `evaluateMeasures` options. */
export const OPTION_SETS: ReadonlyArray<{ readonly flags: readonly string[]; readonly maxDocs?: number; readonly relevanceLevel?: number }> = [
  { flags: [] },
  { flags: ['-l', '2'], relevanceLevel: 2 },
  { flags: ['-M', '10'], maxDocs: 10 },
  { flags: ['-l', '2', '-M', '5'], relevanceLevel: 2, maxDocs: 5 },
];

/**
 * trec_eval's answers for every measure of MEASURE_LISTS under each option set: per option set,
 * qid -> values in the order of `names` (the 'all' lines' names; a query's values lack num_q).
 */
function trecEvalMeasures(binary: string, c: TrecCase, dir: string): { names: string[]; values: Array<Record<string, number[]>> } {
  writeFileSync(join(dir, 'qrels'), c.qrels);
  writeFileSync(join(dir, 'run'), c.run);
  const names: string[] = [];
  const values = OPTION_SETS.map(({ flags }) => {
    const args = ['-q', ...(c.complete ? ['-c'] : []), ...flags, ...MEASURE_LISTS.flatMap((m) => ['-m', m]), join(dir, 'qrels'), join(dir, 'run')];
    const out: Record<string, number[]> = {};
    for (const line of execFileSync(binary, args, { encoding: 'utf8' }).trim().split('\n')) {
      const [measure, qid, value] = line.trim().split(/\s+/);
      if (qid === 'all' && !names.includes(measure)) names.push(measure);
      // trec_eval prints the per-query lines in the order of the 'all' ones, less num_q (only an 'all' line).
      (out[qid] ??= []).push(Number(value));
    }
    return out;
  });
  return { names, values };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const binary = process.argv[2];
  if (!binary) throw new Error('usage: node --import tsx tools/trec-eval-cases.ts PATH/TO/trec_eval');
  // trec_eval -v prints its version on stderr.
  const { stdout, stderr } = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  const version = `${stdout}${stderr}`.trim();
  const dir = mkdtempSync(join(tmpdir(), 'trec-eval-'));
  const cases = trecCases(SEED, COUNT);
  const expected = cases.map((c) => trecEval(binary, c, dir));
  const measures = cases.map((c) => trecEvalMeasures(binary, c, dir));
  rmSync(dir, { recursive: true });
  const path = fileURLToPath(new URL('../test/search/fixtures/trec-eval.json', import.meta.url));
  writeFileSync(path, JSON.stringify({ trecEval: version, seed: SEED, cases: expected }) + '\n');
  const measuresPath = fileURLToPath(new URL('../test/search/fixtures/trec-eval-measures.json', import.meta.url));
  const full = { trecEval: version, seed: SEED, measures: MEASURE_LISTS, names: measures[0].names, cases: measures.map((m) => m.values) };
  writeFileSync(measuresPath, JSON.stringify(full) + '\n');
  process.stdout.write(`wrote ${path} (${version}, ${COUNT} cases)\n`);
}
