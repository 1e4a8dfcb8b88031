// A BEIR dataset as downloaded (corpus.jsonl with _id/title/text/metadata, queries.jsonl,
// qrels/test.tsv with its header) through the five commands: encode the corpus, index it,
// encode the queries, search them into a TREC run, evaluate it. The model has random
// weights, so what is checked is that the ids and judgements travel, not the scores.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = tempDir('beir');
const model = join(dir, 'model');
const data = join(dir, 'scifact');

function splade(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ok(args: string[]): string {
  const result = splade(args);
  assert.is(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const CORPUS = [
  { _id: '4983', title: 'Microstructural development of human newborn cerebral white matter', text: 'Alterations of the architecture of cerebral white matter in the developing human brain.', metadata: {} },
  { _id: '5836', title: 'Induction of myelodysplasia', text: 'Myelodysplastic syndromes are a group of clonal disorders.', metadata: { url: 'x' } },
  { _id: '7912', title: '', text: 'The risk of cancer in patients with diabetes.', metadata: {} },
  { _id: 'MED-10', title: 'Statin use', text: 'Recent studies have suggested that statins may reduce the risk of breast cancer.', metadata: {} },
];
const QUERIES = [
  { _id: '1', text: 'brain white matter in newborns', metadata: {} },
  { _id: '3', text: 'statins and breast cancer', metadata: {} },
  { _id: '5', text: 'a query without judgements', metadata: {} },
];
const QRELS = 'query-id\tcorpus-id\tscore\n1\t4983\t1\n3\tMED-10\t2\n3\t7912\t0\n';

test.before(async () => {
  await writeRandomBertFolder(model, { layers: 2, hidden: 32, heads: 4, intermediate: 64, maxPositions: 64, vocab: 1000, seed: 7 });
  mkdirSync(join(data, 'qrels'), { recursive: true });
  writeFileSync(join(data, 'corpus.jsonl'), CORPUS.map((doc) => JSON.stringify(doc) + '\n').join(''));
  writeFileSync(join(data, 'queries.jsonl'), QUERIES.map((query) => JSON.stringify(query) + '\n').join(''));
  writeFileSync(join(data, 'qrels', 'test.tsv'), QRELS);
});

const ids = (jsonl: string): unknown[] => jsonl.trim().split('\n').map((line) => (JSON.parse(line) as { id: unknown }).id);

test('encode, index, encode --query, search --format trec, eval --qrels qrels/test.tsv on BEIR\'s files as downloaded', () => {
  const vectors = join(dir, 'vectors.jsonl');
  const index = join(dir, 'scifact.spladeidx');
  const queryVectors = join(dir, 'queries.vectors.jsonl');
  const run = join(dir, 'run.trec');
  ok(['encode', '--model', model, '--input', join(data, 'corpus.jsonl'), '--output', vectors]);
  ok(['index', '--vectors', vectors, '--out', index]);
  ok(['encode', '--model', model, '--query', '--input', join(data, 'queries.jsonl'), '--output', queryVectors]);
  writeFileSync(run, ok(['search', '--index', index, '--query-vectors', queryVectors, '--format', 'trec', '--top-k', '10']));

  // The vectors carry BEIR's _ids, not positions.
  assert.equal(ids(readFileSync(vectors, 'utf8')), CORPUS.map((doc) => doc._id));
  assert.equal(ids(readFileSync(queryVectors, 'utf8')), QUERIES.map((query) => query._id));
  // A document is encoded as "title text" (the text alone when the title is empty).
  const joined = ok(['encode', '--model', model, '--text', `${CORPUS[0].title} ${CORPUS[0].text}`, '--text', CORPUS[2].text]);
  const written = readFileSync(vectors, 'utf8').split('\n');
  const strip = (line: string): string => line.replace(/^\{"id":[^,]*,/, '');
  assert.equal(joined.trim().split('\n').map(strip), [written[0], written[2]].map(strip));

  // The run's lines name the queries' and documents' _ids.
  const lines = readFileSync(run, 'utf8').trim().split('\n').map((line) => line.split(' '));
  assert.equal([...new Set(lines.map((line) => line[0]))], QUERIES.map((query) => query._id));
  assert.ok(lines.every((line) => CORPUS.some((doc) => doc._id === line[2])), 'every docid is a corpus _id');

  // eval reads the BEIR qrels: 2 judged queries (5 has none), 2 relevant documents (score 0 is not).
  const measures = ['--measures', 'num_q,num_rel,num_rel_ret,ndcg_cut.10'];
  const evaluated = splade(['eval', '--run', run, '--qrels', join(data, 'qrels', 'test.tsv'), ...measures]);
  assert.is(evaluated.code, 0, evaluated.stderr);
  const values = new Map(evaluated.stdout.trim().split('\n').map((line) => line.split('\t')).map(([name, , value]) => [name.trim(), value]));
  assert.equal([values.get('num_q'), values.get('num_rel'), values.get('num_rel_ret')], ['2', '2', '2']);
  assert.ok(values.has('ndcg_cut_10'));
  assert.match(evaluated.stderr, /1 queries of the run have no judgements/);
  // The same judgements as TREC qrels: the same output.
  const trec = join(dir, 'qrels.trec');
  writeFileSync(trec, '1 0 4983 1\n3 0 MED-10 2\n3 0 7912 0\n');
  assert.is(ok(['eval', '--run', run, '--qrels', trec, ...measures]), evaluated.stdout);
});

test.run();
