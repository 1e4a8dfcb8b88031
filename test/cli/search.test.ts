// `splade index`, `splade search` and `splade eval` as a user runs them: exact against brute
// force on 100,000 generated vectors, the three-command path from texts to results with a small
// model, TREC output evaluated, and clear one-line errors that leave no file behind.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { takeVectors, vectorLine, sparseVectors, type SparseDoc } from '../../tools/sparse-corpus.js';
import { tempDir } from '../foundation/tmp.js';
import { bruteForce } from '../search/brute-force.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const f32 = join(root, 'test/parity/fixtures/f32');
const tmp = tempDir('search-cli');

function splade(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), ...args], { encoding: 'utf8', input, maxBuffer: 1 << 28 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonlResult {
  readonly qid: string;
  readonly hits: Array<{ id: string; score: number }>;
}

test('splade search is exact against brute force on 100,000 generated vectors', async () => {
  // Weights from {0.25, ..., 3}: short JSON lines and many equal scores (ties by index order).
  const options = { seed: 11, minTerms: 20, maxTerms: 60, weightLevels: 12 };
  const docs: SparseDoc[] = [];
  const vectors = join(tmp, 'corpus.jsonl');
  const out = createWriteStream(vectors);
  for (const doc of sparseVectors(options)) {
    if (docs.length === 100_000) break;
    docs.push(doc);
    if (!out.write(vectorLine(doc) + '\n')) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  const queries = takeVectors(30, { seed: 12, minTerms: 15, maxTerms: 25 }, 'q');
  const queryFile = join(tmp, 'queries.jsonl');
  writeFileSync(queryFile, queries.map((q) => vectorLine(q) + '\n').join(''));
  const index = join(tmp, 'corpus.spladeidx');
  const built = splade(['index', '--vectors', vectors, '--out', index]);
  assert.is(built.code, 0, built.stderr);
  assert.match(built.stderr, /100000 documents/);

  const searched = splade(['search', '--index', index, '--query-vectors', queryFile, '--top-k', '100']);
  assert.is(searched.code, 0, searched.stderr);
  const results = searched.stdout.trim().split('\n').map((line) => JSON.parse(line) as JsonlResult);
  assert.equal(results.map((r) => r.qid), queries.map((q) => q.id));
  let ties = 0;
  results.forEach((result, q) => {
    const expected = bruteForce(docs, queries[q], 100).map(({ doc, score }) => ({ id: docs[doc].id, score }));
    assert.equal(result.hits, expected, `query ${q}`);
    ties += result.hits.filter((h, k) => k > 0 && h.score === result.hits[k - 1].score).length;
  });
  assert.ok(ties > 100, `the example has equal scores (${ties})`);
  // Without pruning: the same run, line for line.
  const trec = splade(['search', '--index', index, '--query-vectors', queryFile, '--top-k', '100', '--format', 'trec']);
  const plain = splade(['search', '--index', index, '--query-vectors', queryFile, '--top-k', '100', '--format', 'trec', '--no-pruning']);
  assert.is(trec.code, 0, trec.stderr);
  assert.is(plain.stdout, trec.stdout);
  const first = trec.stdout.split('\n')[0].split(' ');
  assert.equal(first, ['q0', 'Q0', results[0].hits[0].id, '1', String(results[0].hits[0].score), 'splade']);
});

test('three commands: encode, index, search --model (query encoded as a query)', () => {
  const corpus = ['the atomic bomb', 'the manhattan project', 'world war ii ended', 'a quiet afternoon'];
  const input = join(tmp, 'texts.jsonl');
  writeFileSync(input, corpus.map((text, i) => JSON.stringify({ id: `t${i}`, text }) + '\n').join(''));
  const encoded = splade(['encode', '--model', f32, '--input', input]);
  assert.is(encoded.code, 0, encoded.stderr);
  const vectors = join(tmp, 'texts-vectors.jsonl');
  writeFileSync(vectors, encoded.stdout);
  const index = join(tmp, 'texts.spladeidx');
  assert.is(splade(['index', '--vectors', vectors, '--out', index]).code, 0);
  const searched = splade(['search', '--index', index, '--model', f32, '--query', 'atomic project', '--query', 'quiet war', '--format', 'trec', '--tag', 'mine']);
  assert.is(searched.code, 0, searched.stderr);

  // The expected ranking: dot products of `splade encode --query` with each document's vector
  // (JSON prints the shortest text of each float32; Math.fround recovers the float32 itself).
  const parse = (line: string): { id: string; indices: number[]; values: number[] } => {
    const v = JSON.parse(line) as { id: string; indices: number[]; values: number[] };
    return { ...v, values: v.values.map(Math.fround) };
  };
  const docs = encoded.stdout.trim().split('\n').map(parse);
  const lines = searched.stdout.trim().split('\n').map((l) => l.split(' '));
  ['atomic project', 'quiet war'].forEach((text, q) => {
    const query = parse(splade(['encode', '--model', f32, '--query', '--text', text]).stdout);
    const expected = bruteForce(docs, query, 10).map((h) => [String(q), 'Q0', docs[h.doc].id, '', String(h.score), 'mine']);
    const got = lines.filter((l) => l[0] === String(q)).map((l, rank) => {
      assert.is(l[3], String(rank + 1));
      return [l[0], l[1], l[2], '', l[4], l[5]];
    });
    assert.equal(got, expected, text);
  });
  // --corpus: the same ranking, each hit with the text it was encoded from.
  const shown = splade(['search', '--index', index, '--model', f32, '--query', 'atomic project', '--corpus', input, '--top-k', '2']);
  assert.is(shown.code, 0, shown.stderr);
  const hits = (JSON.parse(shown.stdout) as { hits: Array<{ id: string; text: string }> }).hits;
  assert.equal(hits.map((hit) => hit.id), lines.filter((l) => l[0] === '0').slice(0, 2).map((l) => l[2]));
  assert.equal(hits.map((hit) => hit.text), hits.map((hit) => corpus[Number(hit.id.slice(1))]));
});

interface TextHit {
  readonly id: string;
  readonly score: number;
  readonly text: string | null;
}

/** An index of `ids` (each with term 1, weights descending) and the query vector that finds them all, in order. */
function textsIndex(name: string, ids: ReadonlyArray<string | number>): { index: string; queries: string } {
  const vectors = join(tmp, `${name}-vectors.jsonl`);
  writeFileSync(vectors, ids.map((id, k) => JSON.stringify({ id, indices: [1], values: [ids.length - k] }) + '\n').join(''));
  const index = join(tmp, `${name}.spladeidx`);
  const built = splade(['index', '--vectors', vectors, '--out', index]);
  assert.is(built.code, 0, built.stderr);
  const queries = join(tmp, `${name}-queries.jsonl`);
  writeFileSync(queries, '{"id": "q1", "indices": [1], "values": [1]}\n');
  return { index, queries };
}

test('search --corpus: each hit carries its text as splade encode read it (JSON lines, BEIR title, number and non-ASCII ids, positions)', () => {
  const corpus = join(tmp, 'texts-corpus.jsonl');
  writeFileSync(corpus, [
    '{"_id": "文書-1", "title": "Atomic", "text": "the bomb", "metadata": {}}',
    '{"_id": "b", "title": "", "text": "no title"}',
    '',
    '"a bare string: its id is its position, 2"',
    '{"id": 7, "text": "number seven"}',
  ].join('\n') + '\n');
  const { index, queries } = textsIndex('texts', ['文書-1', 7, '2', 'b', 'gone']);
  const result = splade(['search', '--index', index, '--query-vectors', queries, '--corpus', corpus]);
  assert.is(result.code, 0, result.stderr);
  const [line] = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { qid: string; hits: TextHit[] });
  assert.equal(line.hits, [
    { id: '文書-1', score: 5, text: 'Atomic the bomb' },
    { id: '7', score: 4, text: 'number seven' },
    { id: '2', score: 3, text: 'a bare string: its id is its position, 2' },
    { id: 'b', score: 2, text: 'no title' },
    { id: 'gone', score: 1, text: null },
  ]);
  assert.is(result.stderr, `note: 1 hit of 5 is a document that ${corpus} does not have (its "text" is null): is it the corpus the index was built from?\n`);
  // --text-chars cuts each text to so many code points (an emoji is one), marking the cut.
  const cut = splade(['search', '--index', index, '--query-vectors', queries, '--corpus', corpus, '--text-chars', '6', '--top-k', '2']);
  assert.is(cut.code, 0, cut.stderr);
  assert.equal((JSON.parse(cut.stdout) as { hits: TextHit[] }).hits.map((h) => h.text), ['Atomic…', 'number…']);
});

test('search --corpus: a TSV corpus (id<TAB>text, by its .tsv name or --corpus-format tsv)', () => {
  const { index, queries } = textsIndex('tsv-texts', ['10', '0']);
  for (const [name, extra] of [['collection.tsv', []], ['collection.txt', ['--corpus-format', 'tsv']]] as const) {
    const corpus = join(tmp, name);
    writeFileSync(corpus, '0\tfirst passage\n10\tthe tenth\tpassage\n');
    const result = splade(['search', '--index', index, '--query-vectors', queries, '--corpus', corpus, ...extra]);
    assert.is(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { hits: TextHit[] }).hits.map((h) => [h.id, h.text]), [['10', 'the tenth passage'], ['0', 'first passage']], name);
    assert.is(result.stderr, '');
  }
});

test('search --corpus mistakes: one line on stderr (usage: exit 2; the corpus: exit 1, naming its lines)', () => {
  const { index, queries } = textsIndex('texts-errors', ['a']);
  const repeated = join(tmp, 'repeated-corpus.jsonl');
  writeFileSync(repeated, '{"id": "a", "text": "x"}\n{"id": 7, "text": "y"}\n{"id": "7", "text": "z"}\n');
  const cases: Array<[string[], number, RegExp]> = [
    [['--corpus', repeated, '--format', 'trec'], 2, /--corpus is for --format jsonl: a TREC run has no texts/],
    [['--corpus', '-'], 2, /--corpus must be a file: standard input cannot be read again at each hit's line/],
    [['--text-chars', '10'], 2, /--text-chars needs --corpus/],
    [['--corpus-format', 'tsv'], 2, /--corpus-format needs --corpus/],
    [['--corpus', repeated, '--text-chars', '0'], 2, /--text-chars must be a whole number of at least 1/],
    [['--corpus', repeated], 1, /repeated-corpus\.jsonl line 3: id "7" repeats line 2's/],
    [['--corpus', join(tmp, 'no-corpus.jsonl')], 1, /no-corpus\.jsonl: cannot open: no such file or directory/],
  ];
  for (const [args, code, message] of cases) {
    const result = splade(['search', '--index', index, '--query-vectors', queries, ...args]);
    assert.is(result.code, code, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(' '));
    assert.is(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
    assert.is(result.stdout, '', 'nothing printed before the corpus is read');
  }
});

type TermRow = [string | number, number, number, number];

/** The rows' contributions added in ascending term order, as search adds them. */
const summed = (rows: TermRow[], termOf: (row: TermRow) => number): number =>
  [...rows].sort((a, b) => termOf(a) - termOf(b)).reduce((score, row) => score + row[3], 0);

test('search --explain: each hit gains the terms it shares with the query, largest contribution first, adding up to its score', () => {
  const vectors = join(tmp, 'explain-vectors.jsonl');
  writeFileSync(vectors, [
    '{"id": "a", "indices": [1, 3, 8], "values": [0.5, 2, 1.25]}',
    '{"id": "b", "indices": [3], "values": [0.75]}',
    '{"id": "c", "indices": [2], "values": [4]}',
  ].join('\n') + '\n');
  const corpus = join(tmp, 'explain-corpus.jsonl');
  writeFileSync(corpus, '{"id": "a", "text": "first"}\n{"id": "b", "text": "second"}\n{"id": "c", "text": "third"}\n');
  const queries = join(tmp, 'explain-queries.jsonl');
  writeFileSync(queries, '{"id": "q", "indices": [1, 2, 3, 5, 8], "values": [2, 0.25, 1, 9, 0.5]}\n');
  for (const impacts of ['float32', 'u8']) {
    const index = join(tmp, `explain-${impacts}.spladeidx`);
    assert.is(splade(['index', '--vectors', vectors, '--out', index, ...(impacts === 'u8' ? ['--quantize', 'u8'] : [])]).code, 0);
    const result = splade(['search', '--index', index, '--query-vectors', queries, '--explain']);
    assert.is(result.code, 0, result.stderr);
    const hits = (JSON.parse(result.stdout) as { hits: Array<{ id: string; score: number; terms: TermRow[] }> }).hits;
    assert.equal(hits.map((hit) => hit.id), ['a', 'c', 'b']);
    for (const hit of hits) assert.is(summed(hit.terms, (row) => row[0] as number), hit.score, `${impacts} ${hit.id}`);
    if (impacts === 'float32') {
      assert.equal(hits.map((hit) => hit.terms), [
        [[3, 1, 2, 2], [1, 2, 0.5, 1], [8, 0.5, 1.25, 0.625]],
        [[2, 0.25, 4, 1]],
        [[3, 1, 0.75, 0.75]],
      ]);
    } else {
      // The weights as the u8 index stores them: 0.75 reads back rounded to a step of 4/255.
      assert.equal(hits[2].terms.map((row) => row[0]), [3]);
      assert.ok(hits[2].terms[0][2] !== 0.75 && Math.abs(hits[2].terms[0][2] - 0.75) < 4 / 255, String(hits[2].terms[0][2]));
    }
  }
  // --explain N: the first N terms; with --corpus, text and terms together.
  const index = join(tmp, 'explain-float32.spladeidx');
  const both = splade(['search', '--index', index, '--query-vectors', queries, '--explain', '1', '--corpus', corpus, '--top-k', '1']);
  assert.is(both.code, 0, both.stderr);
  assert.equal(JSON.parse(both.stdout), { qid: 'q', hits: [{ id: 'a', score: 3.625, text: 'first', terms: [[3, 1, 2, 2]] }] });
  // Without --explain the lines are as before.
  assert.equal(JSON.parse(splade(['search', '--index', index, '--query-vectors', queries, '--top-k', '1']).stdout), { qid: 'q', hits: [{ id: 'a', score: 3.625 }] });
  // Mistakes: one usage line, nothing printed.
  for (const [args, message] of [
    [['--explain', '--format', 'trec'], /--explain is for --format jsonl: a TREC run has no terms/],
    [['--explain', '0'], /--explain must be a whole number of at least 1, got '0'/],
    [['--explain', 'x'], /unexpected argument 'x'/],
  ] as const) {
    const result = splade(['search', '--index', index, '--query-vectors', queries, ...args]);
    assert.is(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.is(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.is(result.stdout, '');
  }
});

test('search --model --explain: the terms are named by the model\'s vocabulary, as --query-vectors of the same query give their ids', () => {
  const input = join(tmp, 'explain-texts.jsonl');
  writeFileSync(input, ['the atomic bomb', 'the manhattan project', 'a quiet afternoon'].map((text) => JSON.stringify(text) + '\n').join(''));
  const vectors = join(tmp, 'explain-texts-vectors.jsonl');
  const encoded = splade(['encode', '--model', f32, '--input', input]);
  assert.is(encoded.code, 0, encoded.stderr);
  writeFileSync(vectors, encoded.stdout);
  const index = join(tmp, 'explain-texts.spladeidx');
  assert.is(splade(['index', '--vectors', vectors, '--out', index]).code, 0);
  const vocab = readFileSync(join(f32, 'vocab.txt'), 'utf8').split('\n');
  const named = splade(['search', '--index', index, '--model', f32, '--query', 'atomic project', '--explain']);
  assert.is(named.code, 0, named.stderr);
  const queries = join(tmp, 'explain-model-query.jsonl');
  writeFileSync(queries, splade(['encode', '--model', f32, '--query', '--text', 'atomic project']).stdout.replace('{', '{"id": "0", '));
  const numbered = splade(['search', '--index', index, '--query-vectors', queries, '--explain']);
  assert.is(numbered.code, 0, numbered.stderr);
  type Line = { hits: Array<{ id: string; score: number; terms: TermRow[] }> };
  const [withTokens, withIds] = [named, numbered].map((r) => JSON.parse(r.stdout) as Line);
  assert.ok(withIds.hits.length > 0 && withIds.hits[0].terms.length > 1, numbered.stdout);
  assert.equal(withTokens.hits, withIds.hits.map((hit) => ({ ...hit, terms: hit.terms.map(([term, ...rest]) => [vocab[term as number], ...rest]) })));
});

test('splade eval prints trec_eval-style lines; --format json', () => {
  const run = join(tmp, 'run.trec');
  const qrels = join(tmp, 'qrels.tsv');
  writeFileSync(run, 'q1 Q0 a 1 2 t\nq1 Q0 b 2 1 t\nq2 Q0 c 1 1 t\n');
  writeFileSync(qrels, 'q1 0 b 1\nq2 0 c 2\nq2 0 d 1\n');
  const text = splade(['eval', '--run', run, '--qrels', qrels]);
  assert.is(text.code, 0, text.stderr);
  // q1: b at rank 2: nDCG = (1/log2 3)/1, RR 1/2, recall 1. q2: c at 1: nDCG = 2/(2 + 1/log2 3), RR 1, recall 1/2.
  const ndcg = (1 / Math.log2(3) + 2 / (2 + 1 / Math.log2(3))) / 2;
  assert.equal(text.stdout.trim().split('\n').map((l) => l.split(/\s+/)), [
    ['nDCG@10', 'all', ndcg.toFixed(4)],
    ['MRR@10', 'all', '0.7500'],
    ['Recall@100', 'all', '0.7500'],
    ['queries', 'all', '2'],
  ]);
  const json = JSON.parse(splade(['eval', '--run', run, '--qrels', qrels, '--format', 'json']).stdout) as Record<string, number>;
  assert.ok(Math.abs(json.ndcg10 - ndcg) < 1e-12);
  assert.is(json.queries, 2);
});

test('splade eval --per-query: a query id of 8 characters or more stays apart from its value (tab-separated, as trec_eval)', () => {
  const run = join(tmp, 'long.trec');
  const qrels = join(tmp, 'long.qrels');
  writeFileSync(run, 'longquery1 Q0 a 1 1 t\n');
  writeFileSync(qrels, 'longquery1 0 a 1\n');
  const text = splade(['eval', '--run', run, '--qrels', qrels, '--per-query']);
  assert.is(text.code, 0, text.stderr);
  assert.equal(text.stdout.trim().split('\n').slice(0, 3).map((l) => l.split(/\s+/)), [
    ['nDCG@10', 'longquery1', '1.0000'],
    ['MRR@10', 'longquery1', '1.0000'],
    ['Recall@100', 'longquery1', '1.0000'],
  ]);
  // trec_eval's layout: "%-22s\t%s\t%s".
  assert.is(text.stdout.split('\n')[0], `${'nDCG@10'.padEnd(22)}\tlongquery1\t1.0000`);
});

test('errors: one line on stderr, usage errors exit 2, a failed build leaves no file', () => {
  const dir = join(tmp, 'errors');
  const vectors = join(tmp, 'small.jsonl');
  writeFileSync(vectors, takeVectors(50, { seed: 13, vocab: 100, minTerms: 1, maxTerms: 10 }).map((d) => vectorLine(d) + '\n').join(''));
  const index = join(tmp, 'small.spladeidx');
  assert.is(splade(['index', '--vectors', vectors, '--out', index]).code, 0);
  const bytes = readFileSync(index);

  const corrupt = join(tmp, 'corrupt.spladeidx');
  const flipped = Buffer.from(bytes);
  flipped[flipped.length - 300] ^= 0xff;
  writeFileSync(corrupt, flipped);
  const truncated = join(tmp, 'truncated.spladeidx');
  writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
  const bad = join(tmp, 'bad.jsonl');
  writeFileSync(bad, `${vectorLine(takeVectors(1, { seed: 1, vocab: 10, minTerms: 2, maxTerms: 2 })[0])}\n{"id": "x", "indices": [3, 1], "values": [1, 1]}\n`);
  const negative = join(tmp, 'negative.jsonl');
  writeFileSync(negative, '{"id": "x", "indices": [1], "values": [1]}\n\n{"id": "y", "indices": [1], "values": [-0.5]}\n');

  const cases: Array<[string[], number, RegExp]> = [
    [['search', '--index', corrupt, '--query-vectors', vectors], 1, /corrupt\.spladeidx: index section \w+ is corrupt: checksum 0x[0-9a-f]{8}, the header says 0x[0-9a-f]{8}/],
    [['search', '--index', truncated, '--query-vectors', vectors], 1, /truncated\.spladeidx: index file is truncated: \d+ bytes of the \d+ its header announces/],
    [['search', '--index', vectors, '--query-vectors', vectors], 1, /small\.jsonl: not a splade index/],
    [['search', '--index', join(tmp, 'none.spladeidx'), '--query-vectors', vectors], 1, /none\.spladeidx: cannot open: no such file or directory/],
    [['index', '--vectors', bad, '--out', join(dir, 'out.spladeidx')], 1, /bad\.jsonl line 2: indices must ascend \(indices\[0\] = 3, indices\[1\] = 1\)/],
    [['index', '--vectors', negative, '--out', join(dir, 'out.spladeidx')], 1, /negative\.jsonl line 3: document "y", position 0: weight -0\.5 is not a positive finite number/],
    [['search', '--index', index, '--query-vectors', negative], 1, /negative\.jsonl line 3: query position 0: weight -0\.5 is not a finite non-negative number/],
    [['search', '--index', index], 2, /give --query \(with --model\) or --query-vectors/],
    [['search', '--index', index, '--query-vectors', vectors, '--format', 'xml'], 2, /--format must be one of jsonl, trec, got 'xml'/],
    [['search', '--index', index, '--query', 'text'], 2, /--query needs --model/],
    [['search', '--index', index, '--query-vectors', vectors, '--threads', '2'], 2, /--threads is for --query texts; --query-vectors are already encoded/],
    [['search', '--index', index, '--query-vectors', vectors, '--dtype', 'int8'], 2, /--dtype is for --query texts/],
    [['index', '--vectors', vectors, '--out', index, '--quantize', 'u4'], 2, /--quantize must be one of u8, got 'u4'/],
    [['eval', '--run', vectors], 2, /--run and --qrels are required/],
  ];
  mkdirSync(dir);
  for (const [args, code, message] of cases) {
    const result = splade(args);
    assert.is(result.code, code, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(' '));
    assert.is(result.stderr.trim().split('\n')[0].startsWith('splade: '), true, result.stderr);
    assert.is(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
  }
  assert.equal(readdirSync(dir), [], 'no index, temporary file or run folder left behind');
  assert.ok(existsSync(index) && readFileSync(index).equals(bytes), 'a failed build does not touch an existing index');
});

test('splade index refuses a repeated id naming both lines (7 is "7", "d\\u0031" is "d1"), and leaves no file', () => {
  const dir = join(tmp, 'repeated');
  mkdirSync(dir);
  const line = (idJson: string): string => `{"id":${idJson},"indices":[1],"values":[0.5]}`;
  const far = Array.from({ length: 2999 }, (_, k) => line(JSON.stringify(`doc-${k}`)));
  far.splice(1000, 0, '', '');
  far.push(line('"doc-0"'));
  const cases: Array<[string, string[], RegExp]> = [
    ['far', far, /far\.jsonl line 3002: id "doc-0" repeats line 1's/],
    ['number', [line('"x"'), line('7'), '', line('"7"')], /number\.jsonl line 4: id "7" repeats line 2's/],
    ['escaped', [line('"d1"'), line('"d\\u0031"')], /escaped\.jsonl line 2: id "d1" repeats line 1's/],
  ];
  for (const [name, lines, message] of cases) {
    const vectors = join(tmp, `${name}.jsonl`);
    writeFileSync(vectors, lines.join('\n') + '\n');
    const result = splade(['index', '--vectors', vectors, '--out', join(dir, 'out.spladeidx')]);
    assert.is(result.code, 1, result.stderr);
    assert.match(result.stderr, message, name);
    assert.is(result.stderr.trim().split('\n').length, 1, result.stderr);
  }
  assert.equal(readdirSync(dir), [], 'no index, temporary file or run folder left behind');
});

test('search --query-vectors refuses a repeated query id naming both lines: a TREC run would merge the two queries\' hits under one id', () => {
  const vectors = join(tmp, 'small-for-queries.jsonl');
  writeFileSync(vectors, takeVectors(20, { seed: 5, vocab: 50, minTerms: 1, maxTerms: 5 }).map((d) => vectorLine(d) + '\n').join(''));
  const index = join(tmp, 'small-for-queries.spladeidx');
  assert.is(splade(['index', '--vectors', vectors, '--out', index]).code, 0);
  const queries = join(tmp, 'repeated-queries.jsonl');
  const query = (idJson: string): string => `{"id":${idJson},"indices":[1,2],"values":[0.5,1]}`;
  writeFileSync(queries, [query('"q1"'), query('7'), '', query('"q1"')].join('\n') + '\n');
  const result = splade(['search', '--index', index, '--query-vectors', queries, '--format', 'trec']);
  assert.is(result.code, 1, result.stderr);
  assert.match(result.stderr, /^splade: \S*repeated-queries\.jsonl line 4: id "q1" repeats line 1's\n$/);
  const numbers = join(tmp, 'number-queries.jsonl');
  writeFileSync(numbers, [query('7'), query('"7"')].join('\n') + '\n');
  assert.match(splade(['search', '--index', index, '--query-vectors', numbers]).stderr, /number-queries\.jsonl line 2: id "7" repeats line 1's/);
});

for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`splade index interrupted (${signal}) while it waits for input: exit ${status}, one line, no file or temporary file left`, async () => {
    const dir = join(tmp, `interrupted-${signal}`);
    mkdirSync(dir);
    const child = spawn(process.execPath, [join(root, 'bin/splade.js'), 'index', '--vectors', '-', '--out', join(dir, 'x.spladeidx')]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    // A command that does not stop is failed (killed), not waited for.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    // Should the command end early, writing to it fails (EPIPE): its status then tells why.
    child.stdin.on('error', () => undefined);
    // More than a pipe holds: once it has drained, the command is reading its input. Standard
    // input stays open, as when a producer is still at work: the signal must not wait for it.
    const lines = takeVectors(5000, { seed: 21, vocab: 3000, minTerms: 10, maxTerms: 30 }).map((d) => vectorLine(d) + '\n').join('');
    if (!child.stdin.write(lines)) await Promise.race([once(child.stdin, 'drain'), exited]);
    child.kill(signal);
    const [code, killedBy] = await exited;
    clearTimeout(guard);
    child.stdin.end();
    assert.equal([code, killedBy], [status, null], stderr);
    assert.match(stderr, /^splade: interrupted: \S+x\.spladeidx was not written, and the temporary files are removed\n$/);
    assert.equal(readdirSync(dir), []);
  });
}

test('--quantize u8 writes a smaller index that searches the rounded weights exactly', () => {
  const docs = takeVectors(50, { seed: 13, vocab: 100, minTerms: 1, maxTerms: 10 });
  const u8 = join(tmp, 'small-u8.spladeidx');
  const built = splade(['index', '--vectors', join(tmp, 'small.jsonl'), '--out', u8, '--quantize', 'u8']);
  assert.is(built.code, 0, built.stderr);
  assert.match(built.stderr, /u8 impacts/);
  assert.ok(readFileSync(u8).length < readFileSync(join(tmp, 'small.spladeidx')).length);
  // The documented rule: scale = max weight / 255 (as float32), code = round(w / scale) in
  // [1, 255], stored weight = code × scale.
  const scale = Math.fround(Math.max(...docs.map((d) => Math.max(...d.values))) / 255);
  const stored = docs.map((d) => ({ indices: d.indices, values: Array.from(d.values, (w) => Math.min(255, Math.max(1, Math.round(w / scale))) * scale) }));
  const queries = takeVectors(10, { seed: 14, vocab: 100, minTerms: 3, maxTerms: 8 }, 'q');
  const queryFile = join(tmp, 'small-queries.jsonl');
  writeFileSync(queryFile, queries.map((q) => vectorLine(q) + '\n').join(''));
  const result = splade(['search', '--index', u8, '--query-vectors', queryFile, '--top-k', '5']);
  assert.is(result.code, 0, result.stderr);
  result.stdout.trim().split('\n').forEach((line, q) => {
    const expected = bruteForce(stored, queries[q], 5).map((h) => ({ id: docs[h.doc].id, score: h.score }));
    assert.equal((JSON.parse(line) as JsonlResult).hits, expected, `query ${q}`);
  });
});

test.run();
