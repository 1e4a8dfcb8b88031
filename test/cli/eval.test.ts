// `splade eval --measures` as a user runs it: trec_eval's own output byte for byte (recorded
// from trec_eval 10.0, usnistgov/trec_eval f425365, on the files below), JSON keyed by its
// names, one-line usage errors, and the default three measures printed as before.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../foundation/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = tempDir('eval-cli');

function splade(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// q3 is judged but not retrieved, q9 retrieved but not judged; q1's a and b tie (b, the larger
// docid, ranks first); grades 1 to 3, so -l 2 matters. The qrels list q3 first: trec_eval
// prints queries in strcmp order (q1, q10, q3).
const run = join(tmp, 'run.trec');
const qrels = join(tmp, 'qrels.txt');
writeFileSync(run, 'q1 Q0 a 1 1 t\nq1 Q0 b 2 1 t\nq10 Q0 c 1 2 t\nq9 Q0 c 1 2 t\n');
writeFileSync(qrels, 'q3 0 e 2\nq1 0 a 2\nq1 0 b 1\nq10 0 c 1\nq10 0 d 3\n');

const line = (name: string, qid: string, value: string): string => `${name.padEnd(22)}\t${qid}\t${value}`;

test('--measures prints what trec_eval prints: trec_eval -q -c -l 2 -m map -m recall.1,2 -m ndcg_cut.2 -m num_q -m num_rel -m num_ret', () => {
  const args = ['eval', '--run', run, '--qrels', qrels, '--per-query', '--complete', '--relevance-level', '2'];
  const result = splade([...args, '--measures', 'map,recall.1,2', '--measures', 'ndcg_cut.2,num_q', '--measures', 'num_rel,num_ret']);
  assert.is(result.code, 0, result.stderr);
  const query = (qid: string, values: string[]): string[] =>
    ['num_ret', 'num_rel', 'map', 'recall_1', 'recall_2', 'ndcg_cut_2'].map((name, i) => line(name, qid, values[i]));
  assert.is(result.stdout, [
    ...query('q1', ['2', '1', '0.5000', '0.0000', '1.0000', '0.8597']),
    ...query('q10', ['1', '1', '0.0000', '0.0000', '0.0000', '0.2754']),
    ...query('q3', ['0', '1', '0.0000', '0.0000', '0.0000', '0.0000']),
    line('num_q', 'all', '3'),
    // With -c, trec_eval's 'all' num_rel counts every judgement above 0, whatever -l says.
    ...query('all', ['3', '5', '0.1667', '0.0000', '0.3333', '0.3784']),
  ].join('\n') + '\n');
  assert.match(result.stderr, /note: 1 queries of the run have no judgements/);
  assert.match(result.stderr, /note: 1 queries of the qrels are missing from the run and count as 0/);
});

test('--max-docs keeps the first N of trec_eval\'s ranking (-M): --max-docs 10 --measures recip_rank is MRR@10', () => {
  // trec_eval -c -M 1 -m recip_rank -m P.1,2: q1's first document is b (the tie goes to the larger docid).
  const result = splade(['eval', '--run', run, '--qrels', qrels, '--complete', '--max-docs', '1', '--measures', 'recip_rank,P.2,1']);
  assert.is(result.code, 0, result.stderr);
  assert.is(result.stdout, [line('recip_rank', 'all', '0.6667'), line('P_1', 'all', '0.6667'), line('P_2', 'all', '0.3333')].join('\n') + '\n');
  const json = (args: string[]): Record<string, number> => JSON.parse(splade(['eval', '--run', run, '--qrels', qrels, '--format', 'json', ...args]).stdout) as Record<string, number>;
  assert.is(json(['--max-docs', '10', '--measures', 'recip_rank']).recip_rank, json([]).mrr10);
});

test('--format json: keyed by trec_eval\'s names, each query under perQuery', () => {
  const result = splade(['eval', '--run', run, '--qrels', qrels, '--format', 'json', '--per-query', '--measures', 'num_q,success.1,ndcg']);
  assert.is(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout) as Record<string, unknown>;
  assert.equal(Object.keys(json), ['num_q', 'ndcg', 'success_1', 'perQuery']);
  assert.is(json.num_q, 2);
  assert.equal(Object.keys(json.perQuery as object), ['q1', 'q10']);
  assert.equal(Object.keys((json.perQuery as Record<string, object>).q1), ['ndcg', 'success_1']);
});

test('without --measures the output is as it always was: nDCG@10, MRR@10, Recall@100, queries', () => {
  const text = splade(['eval', '--run', run, '--qrels', qrels, '--per-query']);
  assert.is(text.code, 0, text.stderr);
  // q1: b (1) then a (2): DCG = 1 + 2/log2 3, IDCG = 2 + 1/log2 3. q10: c (1) against 3, 1.
  const q1 = (1 + 2 / Math.log2(3)) / (2 + 1 / Math.log2(3));
  const q10 = 1 / (3 + 1 / Math.log2(3));
  assert.is(text.stdout, [
    line('nDCG@10', 'q1', q1.toFixed(4)), line('MRR@10', 'q1', '1.0000'), line('Recall@100', 'q1', '1.0000'),
    line('nDCG@10', 'q10', q10.toFixed(4)), line('MRR@10', 'q10', '1.0000'), line('Recall@100', 'q10', '0.5000'),
    line('nDCG@10', 'all', ((q1 + q10) / 2).toFixed(4)), line('MRR@10', 'all', '1.0000'), line('Recall@100', 'all', '0.7500'),
    line('queries', 'all', '2'),
  ].join('\n') + '\n');
  const json = JSON.parse(splade(['eval', '--run', run, '--qrels', qrels, '--format', 'json']).stdout) as Record<string, number>;
  assert.equal(Object.keys(json), ['queries', 'ndcg10', 'mrr10', 'recall100']);
});

test('values halfway between two 4-decimal numbers round as trec_eval\'s printf does, to the even one (1/32: 0.0312, not 0.0313)', () => {
  // 32 relevant documents, one retrieved: trec_eval -m recall.100 -m P.32 prints 0.0312 for both.
  const halfRun = join(tmp, 'half.trec');
  const halfQrels = join(tmp, 'half.qrels');
  writeFileSync(halfRun, 'q1 Q0 r1 1 1 t\nq1 Q0 x 2 0.5 t\n');
  writeFileSync(halfQrels, Array.from({ length: 32 }, (_, i) => `q1 0 r${i + 1} 1\n`).join(''));
  const measures = splade(['eval', '--run', halfRun, '--qrels', halfQrels, '--measures', 'P.32,recall.100']);
  assert.is(measures.stdout, [line('P_32', 'all', '0.0312'), line('recall_100', 'all', '0.0312')].join('\n') + '\n', measures.stderr);
  const defaults = splade(['eval', '--run', halfRun, '--qrels', halfQrels]);
  assert.is(defaults.stdout.split('\n')[2], line('Recall@100', 'all', '0.0312'), defaults.stderr);
});

test('usage errors: one line naming the bad part, exit 2', () => {
  const base = ['eval', '--run', run, '--qrels', qrels];
  const cases: Array<[string[], RegExp]> = [
    [['--measures', 'map,mrr@10'], /--measures: unknown measure 'mrr@10'; known: num_q, num_ret, num_rel, num_rel_ret, map, recip_rank, P\.k, recall\.k, ndcg, ndcg_cut\.k, map_cut\.k, success\.k/],
    [['--measures', 'recall.0'], /--measures: measure recall: cutoff '0' is not a whole number of at least 1/],
    [['--measures', 'ndcg.10'], /--measures: measure 'ndcg\.10': ndcg takes no cutoff/],
    [['--max-docs', '10'], /--max-docs and --relevance-level need --measures/],
    [['--relevance-level', '2'], /--max-docs and --relevance-level need --measures/],
    [['--measures', 'map', '--max-docs', '0'], /--max-docs must be a whole number of at least 1, got '0'/],
    [['--measures', 'map', '--relevance-level', '-1'], /--relevance-level must be a whole number of at least 0, got '-1'/],
  ];
  for (const [args, message] of cases) {
    const result = splade([...base, ...args]);
    assert.is(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(' '));
    assert.is(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
    assert.is(result.stdout, '', args.join(' '));
  }
});

test('qrels without a judgement (an empty file, comments only, BEIR\'s header only) are an error naming the file, not zeros', () => {
  // trec_eval refuses an empty qrels file ("Cannot read qrels file") and one it finds no judgement
  // in ("No queries with both results and relevance info"); a score of 0 would read as a result.
  for (const [name, text] of [['empty.txt', ''], ['comments.txt', '# no judgements yet\n\n'], ['header.tsv', 'query-id\tcorpus-id\tscore\r\n']]) {
    const path = join(tmp, name);
    writeFileSync(path, text);
    for (const extra of [[], ['--measures', 'map']]) {
      const result = splade(['eval', '--run', run, '--qrels', path, ...extra]);
      assert.is(result.code, 1, `${name}: ${result.stderr}`);
      assert.is(result.stderr, `splade: ${path}: no judgements in the qrels file (nothing to evaluate the run against)\n`, name);
      assert.is(result.stdout, '', name);
    }
  }
});

test.run();
