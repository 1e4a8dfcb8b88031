// Inference-free queries in the two published layouts, on generated DistilBERT folders:
// OpenSearch's doc-only models (the MLM folder plus idf.json) and sentence-transformers'
// SparseEncoder with a Router (query: SparseStaticEmbedding; document: MLMTransformer +
// SpladePooling). Expected query vectors are built here from the tokenizer and the table.
import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { BertTokenizer } from '../../src/tokenizer/index.js';
import { LayoutError } from '../../src/io/sparse-encoder-layout.js';
import type { SparseVector } from '../../src/splade/sparse-vector.js';
import { writeRandomDistilBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';
import { rejects } from '../helpers/rejects.js';
import { writePlainSparseEncoderFolder, writeRouterFolder } from '../helpers/sparse-encoder-folders.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = tempDir('query-routes');
const mlm = join(tmp, 'mlm');
await writeRandomDistilBertFolder(mlm, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 32, vocab: 400, seed: 11 });
const tokenizer = BertTokenizer.fromVocab((await import('node:fs')).readFileSync(join(mlm, 'vocab.txt'), 'utf8'));

// OpenSearch layout: the MLM folder plus idf.json. [CLS] has a weight (it must never show),
// "zzzz" is no token of the vocabulary, "of" and "##s" are left out of the table.
const opensearch = join(tmp, 'opensearch');
cpSync(mlm, opensearch, { recursive: true });
const idf: Record<string, number> = { war: 3.25, the: 0.5, world: 2.125, '[CLS]': 9, '[SEP]': 9, zzzz: 4, a: 1.5, i: 0.75 };
writeFileSync(join(opensearch, 'idf.json'), JSON.stringify(idf));

/**
 * The vector the issue specifies: each distinct word piece once, idf[token], specials never
 * (`specials` false: SparseStaticEmbedding's, which weights the special tokens the text has).
 */
function idfVector(text: string, table: (token: string) => number | undefined, specials = true): SparseVector {
  const excluded = new Set(specials ? ['[CLS]', '[SEP]', '[PAD]', '[UNK]', '[MASK]'] : []);
  const ids = [...new Set(tokenizer.encode(text, { addSpecialTokens: specials }).ids)].sort((a, b) => a - b);
  const kept = ids.filter((id) => !excluded.has(tokenizer.idToToken(id)!) && (table(tokenizer.idToToken(id)!) ?? 0) > 0);
  return { indices: Uint32Array.from(kept), values: Float32Array.from(kept, (id) => table(tokenizer.idToToken(id)!)!) };
}

function plain(vector: SparseVector): { indices: number[]; values: number[] } {
  return { indices: Array.from(vector.indices), values: Array.from(vector.values) };
}

function cli(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), 'encode', ...args], { encoding: 'utf8', input });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const queries = ['the war of the worlds', 'War, war and WAR again!', 'of', '[CLS] a world zzzz'];

test('idf.json: encodeQuery weights each distinct word piece by idf, specials and missing tokens get nothing', async () => {
  const encoder = await SpladeEncoder.fromPretrained(opensearch, { backend: new ReferenceBackend() });
  assert.is(encoder.queryRoute, 'idf');
  for (const text of queries) assert.equal(plain(await encoder.encodeQuery(text)), plain(idfVector(text, (t) => idf[t])), text);
  assert.is((await encoder.encodeQuery('of')).indices.length, 0, 'a query of tokens without idf is empty');
  // Documents still run the MLM: the same vectors as the folder without idf.json.
  const bare = await SpladeEncoder.fromPretrained(mlm, { backend: new ReferenceBackend() });
  assert.is(bare.queryRoute, 'model');
  assert.equal(plain(await encoder.encodeDocument('the war of the worlds')), plain(await bare.encodeDocument('the war of the worlds')));
});

test('idf.json: splade encode --query --input queries.jsonl prints exactly the idf-weighted vectors and says which route ran', () => {
  const file = join(tmp, 'queries.jsonl');
  writeFileSync(file, queries.map((q, i) => JSON.stringify({ id: `q${i}`, text: q })).join('\n') + '\n');
  const { code, stdout, stderr } = cli(['--model', opensearch, '--query', '--input', file]);
  assert.is(code, 0, stderr);
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; indices: number[]; values: number[] });
  assert.equal(lines.map((l) => l.id), ['q0', 'q1', 'q2', 'q3']);
  lines.forEach((line, i) => assert.equal({ indices: line.indices, values: line.values }, plain(idfVector(queries[i], (t) => idf[t])), queries[i]));
  assert.match(stderr, /queries: idf\.json \(inference-free, no model run\)/);
});

test('idf.json with a weight that is not a number: an error naming the file and token', async () => {
  const bad = join(tmp, 'bad-idf');
  cpSync(mlm, bad, { recursive: true });
  writeFileSync(join(bad, 'idf.json'), '{"war": 1, "the": "high"}');
  await rejects(SpladeEncoder.fromPretrained(bad), (e: unknown) =>
    e instanceof LayoutError && e.message.includes('bad-idf/idf.json') && e.message.includes('"the"'));
});

// sentence-transformers' Router layout, as SparseEncoder.save writes it.
const router = join(tmp, 'router');
const staticWeight = new Float32Array(400).map((_, id) => (id % 7 === 0 ? 0 : 0.25 + (id % 13) / 8));
await writeRouterFolder(router, mlm, { pooling_strategy: 'max', activation_function: 'log1p_relu', word_embedding_dimension: 400 }, staticWeight);

test('Router layout: queries through the SparseStaticEmbedding, documents through MLMTransformer + SpladePooling(log1p_relu)', async () => {
  const encoder = await SpladeEncoder.fromPretrained(router, { backend: new ReferenceBackend() });
  assert.is(encoder.queryRoute, 'sparse-static-embedding');
  const byToken = (token: string): number | undefined => staticWeight[tokenizer.tokenToId(token)!];
  for (const text of queries) assert.equal(plain(await encoder.encodeQuery(text)), plain(idfVector(text, byToken, false)), text);
  const bare = await SpladeEncoder.fromPretrained(mlm, { backend: new ReferenceBackend() });
  const doc = 'the war of the worlds';
  const mlmVector = await bare.encodeDocument(doc);
  const routed = await encoder.encodeDocument(doc);
  assert.equal(Array.from(routed.indices), Array.from(mlmVector.indices));
  routed.values.forEach((v, k) => assert.ok(Math.abs(v - Math.log1p(mlmVector.values[k])) < 1e-6, `log1p_relu applied to term ${routed.indices[k]}`));
});

test('SparseStaticEmbedding weights the special tokens the text has ([UNK], a written [MASK]), as its forward does; idf.json does not', async () => {
  const encoder = await SpladeEncoder.fromPretrained(router, { backend: new ReferenceBackend() });
  const [unk, mask] = [tokenizer.tokenToId('[UNK]')!, tokenizer.tokenToId('[MASK]')!];
  assert.ok(staticWeight[unk] > 0 && staticWeight[mask] > 0);
  const text = '[MASK] war \u2603';
  assert.ok(tokenizer.encode(text, { addSpecialTokens: false }).ids.includes(unk), 'the snowman is outside the vocabulary');
  const query = await encoder.encodeQuery(text);
  assert.ok([unk, mask].every((id) => query.indices.includes(id)), `${[...query.indices]}`);
  assert.equal(plain(query), plain(idfVector(text, (t) => staticWeight[tokenizer.tokenToId(t)!], false)));
  const idfQuery = await (await SpladeEncoder.fromPretrained(opensearch, { backend: new ReferenceBackend() })).encodeQuery(text);
  assert.equal(plain(idfQuery), plain(idfVector(text, (t) => idf[t])));
});

test('Router layout with a query prompt: the static route weights the prompted text, as encode_query tokenizes it', async () => {
  const prompted = join(tmp, 'router-prompt');
  await writeRouterFolder(prompted, mlm, { pooling_strategy: 'max' }, staticWeight);
  writeFileSync(join(prompted, 'config_sentence_transformers.json'), JSON.stringify({ prompts: { query: 'world: ', document: '' } }));
  const encoder = await SpladeEncoder.fromPretrained(prompted, { backend: new ReferenceBackend() });
  const byToken = (token: string): number | undefined => staticWeight[tokenizer.tokenToId(token)!];
  assert.equal(plain(await encoder.encodeQuery('the war')), plain(idfVector('world: the war', byToken, false)));
});

test('a SparseStaticEmbedding built from an idf.json path, or with a negative weight: refused, naming the file', async () => {
  const fromPath = join(tmp, 'router-idf-path');
  await writeRouterFolder(fromPath, mlm, { pooling_strategy: 'max' }, staticWeight);
  writeFileSync(join(fromPath, 'query_0_SparseStaticEmbedding', 'config.json'), JSON.stringify({ frozen: true, path: '/home/someone/idf.json' }));
  await rejects(SpladeEncoder.fromPretrained(fromPath), (e: unknown) =>
    e instanceof LayoutError && /query_0_SparseStaticEmbedding\/config\.json: "path" "\/home\/someone\/idf\.json"/.test(e.message));
  const negative = join(tmp, 'router-negative');
  await writeRouterFolder(negative, mlm, { pooling_strategy: 'max' }, staticWeight.map((w, id) => (id === 9 ? -0.5 : w)));
  await rejects(SpladeEncoder.fromPretrained(negative), (e: unknown) =>
    e instanceof LayoutError && /query_0_SparseStaticEmbedding\/model\.safetensors: weight\[9\] is -0\.5/.test(e.message));
});

test('Router layout through the CLI: --query uses the static route, documents the MLM', () => {
  const query = cli(['--model', router, '--query', '--text', 'the war of the worlds', '--terms']);
  assert.is(query.code, 0, query.stderr);
  assert.match(query.stderr, /queries: SparseStaticEmbedding \(inference-free, no model run\)/);
  const terms = (JSON.parse(query.stdout) as { terms: Record<string, number> }).terms;
  assert.ok(Object.keys(terms).every((t) => ['the', 'war', 'of', 'worlds', 'world', '##s'].includes(t)), Object.keys(terms).join());
  const document = cli(['--model', router, '--text', 'the war of the worlds']);
  assert.is(document.code, 0, document.stderr);
  assert.ok((JSON.parse(document.stdout) as { indices: number[] }).indices.length > 6, 'documents expand beyond their own tokens');
});

test('Router layout with sum pooling or another query module: a LayoutError naming router_config or the pooling config', async () => {
  const sum = join(tmp, 'router-sum');
  await writeRouterFolder(sum, mlm, { pooling_strategy: 'sum', activation_function: 'relu' }, staticWeight);
  await rejects(SpladeEncoder.fromPretrained(sum), (e: unknown) => e instanceof LayoutError && /document_1_SpladePooling\/config\.json: pooling_strategy "sum"/.test(e.message));
});

test('splade inspect-weights and convert look into a Router folder\'s MLM module folder', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [join(root, 'bin/splade.js'), ...args], { encoding: 'utf8' });
  const listed = run(['inspect-weights', router]);
  assert.is(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, /document_0_MLMTransformer\/model\.safetensors/);
  assert.match(listed.stdout, /distilbert\.embeddings\.word_embeddings\.weight/);
  // convert wants a pickle; the MLM folder is where it looks, and says so.
  const converted = run(['convert', router, '--out', join(tmp, 'x.safetensors')]);
  assert.is(converted.status, 1);
  assert.match(converted.stderr, /router\/document_0_MLMTransformer: the folder has neither pytorch_model\.bin/);
});

test('a Router folder as --query-model or for splade tokenize: its document MLM (and pooling) is the model', async () => {
  const withRouterQueries = await SpladeEncoder.fromPretrained(mlm, { backend: new ReferenceBackend(), queryModel: router });
  const routerEncoder = await SpladeEncoder.fromPretrained(router, { backend: new ReferenceBackend() });
  const text = 'the war of the worlds';
  assert.equal(plain(await withRouterQueries.encodeQuery(text)), plain(await routerEncoder.encodeDocument(text)));
  const tokenize = (model: string): string => {
    const r = spawnSync(process.execPath, [join(root, 'bin/splade.js'), 'tokenize', '--model', model], { encoding: 'utf8', input: '{"id":1,"text":"the war of the worlds"}\n' });
    assert.is(r.status, 0, r.stderr);
    return r.stdout;
  };
  assert.is(tokenize(router), tokenize(mlm));
});

test('sentence_bert_config.json\'s max_seq_length cuts documents as sentence-transformers does; maxLength overrides it', async () => {
  const short = join(tmp, 'plain-st-short');
  writePlainSparseEncoderFolder(short, mlm, { pooling_strategy: 'max', activation_function: 'relu' });
  writeFileSync(join(short, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 6, do_lower_case: false }));
  const encoder = await SpladeEncoder.fromPretrained(short, { backend: new ReferenceBackend() });
  const bare = await SpladeEncoder.fromPretrained(mlm, { backend: new ReferenceBackend() });
  const doc = 'the war of the worlds and the war of the world';
  assert.is(encoder.defaultMaxLength('document'), 6);
  assert.is(bare.defaultMaxLength('document'), 32);
  assert.equal(plain(await encoder.encodeDocument(doc)), plain((await bare.encode([doc], { maxLength: 6 }))[0]));
  const overridden = await SpladeEncoder.fromPretrained(short, { backend: new ReferenceBackend(), maxLength: 20 });
  assert.equal(plain(await overridden.encodeDocument(doc)), plain((await bare.encode([doc], { maxLength: 20 }))[0]));
  const cut = cli(['--model', short, '--text', doc]);
  assert.is(cut.code, 0, cut.stderr);
  assert.match(cut.stderr, /truncated to 6 tokens/);
  writeFileSync(join(short, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: '6' }));
  await rejects(SpladeEncoder.fromPretrained(short), (e: unknown) => e instanceof LayoutError && /plain-st-short\/sentence_bert_config\.json: max_seq_length must be an integer/.test(e.message));
});

test('SparseEncoder without a Router: its SpladePooling config is honoured (log1p_relu), or refused (sum)', async () => {
  const plainSt = join(tmp, 'plain-st');
  writePlainSparseEncoderFolder(plainSt, mlm, { pooling_strategy: 'max', activation_function: 'log1p_relu' });
  const encoder = await SpladeEncoder.fromPretrained(plainSt, { backend: new ReferenceBackend() });
  const bare = await SpladeEncoder.fromPretrained(mlm, { backend: new ReferenceBackend() });
  assert.is(encoder.queryRoute, 'model');
  const doc = 'the war of the worlds';
  const [mine, plainVector] = [await encoder.encodeDocument(doc), await bare.encodeDocument(doc)];
  assert.equal(Array.from(mine.indices), Array.from(plainVector.indices));
  mine.values.forEach((v, k) => assert.ok(Math.abs(v - Math.log1p(plainVector.values[k])) < 1e-6, `log1p_relu applied to term ${mine.indices[k]}`));
  const sum = join(tmp, 'plain-st-sum');
  writePlainSparseEncoderFolder(sum, mlm, { pooling_strategy: 'sum', activation_function: 'relu' });
  await rejects(SpladeEncoder.fromPretrained(sum), (e: unknown) => e instanceof LayoutError && /1_SpladePooling\/config\.json: pooling_strategy "sum"/.test(e.message));
});

test.run();
