// Models with a query route, downloaded: OpenSearch's doc-only layout (the MLM folder plus
// idf.json) and sentence-transformers' Router layout (modules.json, router_config.json and a
// folder per module) served by the fake hub from generated folders on disk. The download must
// bring the query route along and load exactly as the folder it came from.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HubResponseError, ModelFilesMissingError } from '../../src/io/hub-repo.js';
import { isCompleteModelFolder } from '../../src/node/hub/complete-folder.js';
import { fetchModel, type FetchModelOptions } from '../../src/node/hub/fetch-model.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { writeRandomDistilBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';
import { rejects } from '../helpers/rejects.js';
import { writePlainSparseEncoderFolder, writeRootMlmRouterFolder, writeRouterFolder } from '../helpers/sparse-encoder-folders.js';
import { servedFolder, startFakeHub, type FakeHub, type FakeRepo } from './fake-hub.js';

const tmp = tempDir('fetch-layouts');
const mlm = join(tmp, 'mlm');
await writeRandomDistilBertFolder(mlm, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 32, vocab: 400, seed: 3 });

const opensearch = join(tmp, 'opensearch');
cpSync(mlm, opensearch, { recursive: true });
writeFileSync(join(opensearch, 'idf.json'), JSON.stringify({ war: 3.25, world: 2.125, the: 0.5 }));

const router = join(tmp, 'router');
await writeRouterFolder(router, mlm, { pooling_strategy: 'max', activation_function: 'log1p_relu' }, new Float32Array(400).map((_, i) => (i % 7) / 4));
// Documents cut at 8 tokens, as sentence-transformers cuts them (the text below is longer).
writeFileSync(join(router, 'document_0_MLMTransformer', 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 8 }));
writeFileSync(join(router, 'config_sentence_transformers.json'), JSON.stringify({ model_type: 'SparseEncoder' }));
mkdirSync(join(router, 'document_0_MLMTransformer', 'onnx'));
writeFileSync(join(router, 'document_0_MLMTransformer', 'onnx', 'model.onnx'), 'not fetched');
const routerTypes = JSON.parse(readFileSync(join(router, 'router_config.json'), 'utf8')).types as Record<string, string>;

// A SparseEncoder saved without a Router, pooling with log1p_relu.
const plainSt = join(tmp, 'plain-st');
writePlainSparseEncoderFolder(plainSt, mlm, { pooling_strategy: 'max', activation_function: 'log1p_relu' });

// OpenSearch's doc-only repositories for sentence-transformers: the MLM at the root with
// idf.json, and a Router whose query module has its own tokenizer files.
const rootMlmRouter = join(tmp, 'root-mlm-router');
await writeRootMlmRouterFolder(rootMlmRouter, mlm, { pooling_strategy: 'max', activation_function: 'log1p_relu' }, new Float32Array(400).map((_, i) => (i % 5) / 4));
writeFileSync(join(rootMlmRouter, 'idf.json'), JSON.stringify({ war: 3.25, world: 2.125, the: 0.5 }));

// A SparseEncoder without a Router whose modules.json puts the MLMTransformer in a folder.
const mlmInFolder = join(tmp, 'mlm-in-folder');
cpSync(mlm, join(mlmInFolder, 'document_0_MLMTransformer'), { recursive: true });
mkdirSync(join(mlmInFolder, '1_SpladePooling'));
writeFileSync(join(mlmInFolder, '1_SpladePooling', 'config.json'), JSON.stringify({ pooling_strategy: 'max', activation_function: 'log1p_relu' }));
writeFileSync(join(mlmInFolder, 'modules.json'), JSON.stringify([
  { idx: 0, name: '0', path: 'document_0_MLMTransformer', type: 'sentence_transformers.sparse_encoder.models.MLMTransformer' },
  { idx: 1, name: '1', path: '1_SpladePooling', type: 'sentence_transformers.sparse_encoder.models.SpladePooling' },
]));

// A Router with an MLM per route (query_0_MLMTransformer + query_1_SpladePooling).
const twoMlms = join(tmp, 'router-two-mlms');
await writeRouterFolder(twoMlms, mlm, { pooling_strategy: 'max', activation_function: 'log1p_relu' }, new Float32Array(400).fill(1));
rmSync(join(twoMlms, 'query_0_SparseStaticEmbedding'), { recursive: true });
await writeRandomDistilBertFolder(join(twoMlms, 'query_0_MLMTransformer'), { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 32, vocab: 400, seed: 4 });
mkdirSync(join(twoMlms, 'query_1_SpladePooling'));
writeFileSync(join(twoMlms, 'query_1_SpladePooling', 'config.json'), JSON.stringify({ pooling_strategy: 'max', activation_function: 'relu' }));
writeFileSync(join(twoMlms, 'router_config.json'), JSON.stringify({
  types: { query_0_MLMTransformer: routerTypes.document_0_MLMTransformer, query_1_SpladePooling: routerTypes.document_1_SpladePooling, document_0_MLMTransformer: routerTypes.document_0_MLMTransformer, document_1_SpladePooling: routerTypes.document_1_SpladePooling },
  structure: { query: ['query_0_MLMTransformer', 'query_1_SpladePooling'], document: ['document_0_MLMTransformer', 'document_1_SpladePooling'] },
}));

const repos: Record<string, FakeRepo> = {
  'acme/router-two-mlms': servedFolder(twoMlms),
  'acme/root-mlm-router': servedFolder(rootMlmRouter),
  'acme/mlm-in-folder': servedFolder(mlmInFolder),
  'acme/doc-only': servedFolder(opensearch),
  'acme/router': servedFolder(router),
  'acme/plain-st': servedFolder(plainSt),
  'acme/router-sharded': servedFolder(router, (f) => {
    delete f['document_0_MLMTransformer/model.safetensors'];
    f['document_0_MLMTransformer/model.safetensors.index.json'] = JSON.stringify({ weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } });
    f['document_0_MLMTransformer/model-00001-of-00002.safetensors'] = new Uint8Array(100).fill(1);
    f['document_0_MLMTransformer/model-00002-of-00002.safetensors'] = new Uint8Array(100).fill(2);
  }),
  'acme/router-escape': servedFolder(router, (f) => { f['router_config.json'] = JSON.stringify({ types: { '../outside': routerTypes.document_0_MLMTransformer }, structure: {} }); }),
  'acme/router-no-mlm': servedFolder(router, (f) => {
    f['router_config.json'] = JSON.stringify({ types: { query_0_SparseStaticEmbedding: routerTypes.query_0_SparseStaticEmbedding }, structure: {} });
  }),
  'acme/modules-no-router': servedFolder(mlm, (f) => {
    f['modules.json'] = JSON.stringify([{ idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' }]);
    delete f['config.json'];
  }),
};

interface Context { hub: FakeHub; dir: string }
const layouts = suite<Context>('splade fetch: query-route layouts');
layouts.before.each(async (context) => {
  context.hub = await startFakeHub(repos, { cdn: 'other' });
  context.dir = join(tmp, `run-${Math.random().toString(36).slice(2)}`);
});
layouts.after.each(async (context) => {
  await context.hub.close();
  rmSync(context.dir, { recursive: true, force: true });
});

function options(context: Context): FetchModelOptions {
  return { cwd: context.dir, env: { HF_ENDPOINT: context.hub.endpoint, HF_HOME: join(context.dir, 'hf-home') }, retryDelayMs: 1, convert: null };
}

/** The same route and the same vectors, query and document, from the download as from the source folder. */
async function loadsAs(downloaded: string, source: string, route: string): Promise<void> {
  const [a, b] = [await SpladeEncoder.fromPretrained(source, { backend: new ReferenceBackend() }), await SpladeEncoder.fromPretrained(downloaded, { backend: new ReferenceBackend() })];
  assert.is(a.queryRoute, route);
  assert.is(b.defaultMaxLength('document'), a.defaultMaxLength('document'));
  assert.is(b.queryRoute, route);
  for (const role of ['query', 'document'] as const) {
    const text = ['the war of the worlds and the world of the war of words'];
    const [x, y] = [await a.encode(text, { role }), await b.encode(text, { role })];
    assert.equal([[...y[0].indices], [...y[0].values]], [[...x[0].indices], [...x[0].values]], role);
  }
}

layouts('OpenSearch doc-only: idf.json comes along, and queries stay inference-free', async (context) => {
  const result = await fetchModel('acme/doc-only', options(context));
  assert.ok(existsSync(join(result.dir, 'idf.json')));
  await loadsAs(result.dir, opensearch, 'idf');
});

layouts('Router: modules.json, router_config.json and each module splade-ts runs; not the onnx export', async (context) => {
  const result = await fetchModel('acme/router', options(context));
  const paths = result.files.map((f) => f.path).sort();
  assert.equal(paths, [
    'config_sentence_transformers.json', 'document_0_MLMTransformer/config.json', 'document_0_MLMTransformer/model.safetensors', 'document_0_MLMTransformer/sentence_bert_config.json', 'document_0_MLMTransformer/special_tokens_map.json',
    'document_0_MLMTransformer/tokenizer_config.json', 'document_0_MLMTransformer/vocab.txt', 'document_1_SpladePooling/config.json',
    'modules.json', 'query_0_SparseStaticEmbedding/config.json', 'query_0_SparseStaticEmbedding/model.safetensors', 'query_0_SparseStaticEmbedding/special_tokens_map.json',
    'query_0_SparseStaticEmbedding/tokenizer_config.json', 'query_0_SparseStaticEmbedding/vocab.txt', 'router_config.json',
  ]);
  // The MLM's config.json comes last: the marker of a finished download.
  assert.is(result.files[result.files.length - 1].path, 'document_0_MLMTransformer/config.json');
  assert.ok(await isCompleteModelFolder(result.dir));
  await loadsAs(result.dir, router, 'sparse-static-embedding');
  // An interrupted download (no MLM config.json yet) is not a model folder.
  rmSync(join(result.dir, 'document_0_MLMTransformer', 'config.json'));
  assert.not.ok(await isCompleteModelFolder(result.dir));
});

layouts('SparseEncoder without a Router: modules.json and the SpladePooling config come along (log1p_relu kept)', async (context) => {
  const result = await fetchModel('acme/plain-st', options(context));
  assert.ok(existsSync(join(result.dir, '1_SpladePooling', 'config.json')));
  assert.is(result.files[result.files.length - 1].path, 'config.json');
  assert.is(new Set(result.files.map((f) => f.path)).size, result.files.length, 'each file once');
  await loadsAs(result.dir, plainSt, 'model');
  const [fetched, bare] = [await SpladeEncoder.fromPretrained(result.dir, { backend: new ReferenceBackend() }), await SpladeEncoder.fromPretrained(mlm, { backend: new ReferenceBackend() })];
  const [x, y] = [await fetched.encodeDocument('the war'), await bare.encodeDocument('the war')];
  x.values.forEach((v, k) => assert.ok(Math.abs(v - Math.log1p(y.values[k])) < 1e-6, 'log1p_relu pooling'));
});

layouts('OpenSearch\'s Router with the MLM at the root: the query module\'s tokenizer files come along, and queries take the static route', async (context) => {
  const result = await fetchModel('acme/root-mlm-router', options(context));
  for (const f of ['vocab.txt', 'tokenizer_config.json', 'model.safetensors']) assert.ok(existsSync(join(result.dir, 'query_0_SparseStaticEmbedding', f)), f);
  assert.ok(await isCompleteModelFolder(result.dir));
  await loadsAs(result.dir, rootMlmRouter, 'sparse-static-embedding');
});

layouts('SparseEncoder whose modules.json puts the MLM in a folder: that folder and the pooling come along', async (context) => {
  const result = await fetchModel('acme/mlm-in-folder', options(context));
  assert.is(result.files[result.files.length - 1].path, 'document_0_MLMTransformer/config.json');
  assert.ok(await isCompleteModelFolder(result.dir));
  await loadsAs(result.dir, mlmInFolder, 'model');
});

layouts('Router with an MLM per route: both MLM folders come along, the last one\'s config.json last', async (context) => {
  const result = await fetchModel('acme/router-two-mlms', options(context));
  for (const f of ['query_0_MLMTransformer/model.safetensors', 'query_0_MLMTransformer/config.json', 'query_1_SpladePooling/config.json']) assert.ok(existsSync(join(result.dir, f)), f);
  assert.match(result.files[result.files.length - 1].path, /_MLMTransformer\/config\.json$/);
  assert.ok(await isCompleteModelFolder(result.dir));
  await loadsAs(result.dir, twoMlms, 'model');
  rmSync(join(result.dir, 'query_0_MLMTransformer', 'config.json'));
  assert.not.ok(await isCompleteModelFolder(result.dir), 'either MLM folder unfinished: not complete');
});

layouts('Router with a sharded MLM: the index and its shards land in the MLM\'s folder', async (context) => {
  const result = await fetchModel('acme/router-sharded', options(context));
  assert.is(result.format, 'safetensors-sharded');
  for (const f of ['model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']) {
    assert.ok(existsSync(join(result.dir, 'document_0_MLMTransformer', f)), f);
  }
  assert.ok(await isCompleteModelFolder(result.dir));
});

layouts('a Router naming a module folder outside the model, or without an MLM, or modules.json without a Router: clear errors', async (context) => {
  await rejects(fetchModel('acme/router-escape', options(context)), (e: unknown) => e instanceof HubResponseError && /module folder "\.\.\/outside"/.test((e as Error).message));
  assert.not.ok(existsSync(join(context.dir, 'weights', 'acme', 'outside')));
  await rejects(fetchModel('acme/router-no-mlm', options(context)), (e: unknown) => e instanceof ModelFilesMissingError && /0 MLMTransformer modules/.test((e as Error).message));
  await rejects(fetchModel('acme/modules-no-router', options(context)), (e: unknown) => e instanceof ModelFilesMissingError && /no config\.json at its root, and its modules\.json lists no/.test((e as Error).message));
});

layouts.run();
