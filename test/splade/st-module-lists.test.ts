// The module lists sentence-transformers folders give (modules.json, a Router's
// router_config.json), read as sentence_transformers loads them: each module from the folder
// its `path` (or Router id) names, every module of the list applied in order. A list splade-ts
// cannot run as the source would is refused, naming the file and the module, rather than run
// as something else.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LayoutError } from '../../src/io/sparse-encoder-layout.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import type { SparseVector } from '../../src/splade/sparse-vector.js';
import { writeRandomDistilBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';
import { rejects } from '../helpers/rejects.js';
import { writeRouterFolder } from '../helpers/sparse-encoder-folders.js';

const tmp = tempDir('st-module-lists');
const mlm = join(tmp, 'mlm');
await writeRandomDistilBertFolder(mlm, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 32, vocab: 400, seed: 21 });

const TYPE = {
  mlm: 'sentence_transformers.sparse_encoder.models.MLMTransformer.MLMTransformer',
  pooling: 'sentence_transformers.sparse_encoder.models.SpladePooling.SpladePooling',
  sae: 'sentence_transformers.sparse_encoder.models.SparseAutoEncoder.SparseAutoEncoder',
  router: 'sentence_transformers.models.Router',
  normalize: 'sentence_transformers.models.Normalize',
};

function plain(vector: SparseVector): { indices: number[]; values: number[] } {
  return { indices: Array.from(vector.indices), values: Array.from(vector.values) };
}

/** A folder with `modules` as modules.json and a SpladePooling config in `1_SpladePooling/`. */
function moduleListFolder(name: string, modules: Array<{ path: string; type: string }>): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, '1_SpladePooling'), { recursive: true });
  writeFileSync(join(dir, 'modules.json'), JSON.stringify(modules.map((m, idx) => ({ idx, name: String(idx), ...m }))));
  writeFileSync(join(dir, '1_SpladePooling', 'config.json'), JSON.stringify({ pooling_strategy: 'max', activation_function: 'log1p_relu' }));
  return dir;
}

test('modules.json naming the MLMTransformer\'s folder: the MLM is read from there, as sentence-transformers loads it', async () => {
  const dir = moduleListFolder('mlm-in-folder', [{ path: 'document_0_MLMTransformer', type: TYPE.mlm }, { path: '1_SpladePooling', type: TYPE.pooling }]);
  cpSync(mlm, join(dir, 'document_0_MLMTransformer'), { recursive: true });
  const encoder = await SpladeEncoder.fromPretrained(dir, { backend: new ReferenceBackend() });
  const bare = await SpladeEncoder.fromPretrained(mlm, { backend: new ReferenceBackend() });
  const text = 'the war of the worlds';
  const [mine, reference] = [await encoder.encodeDocument(text), await bare.encodeDocument(text)];
  assert.equal(Array.from(mine.indices), Array.from(reference.indices));
  mine.values.forEach((v, k) => assert.ok(Math.abs(v - Math.log1p(reference.values[k])) < 1e-6, `log1p_relu applied to term ${mine.indices[k]}`));
});

test('modules.json with a module splade-ts does not run after the pooling (a SparseAutoEncoder): refused, naming modules.json and the module', async () => {
  const dir = moduleListFolder('with-sae', [{ path: '', type: TYPE.mlm }, { path: '1_SpladePooling', type: TYPE.pooling }, { path: '2_SparseAutoEncoder', type: TYPE.sae }]);
  cpSync(mlm, dir, { recursive: true });
  await rejects(SpladeEncoder.fromPretrained(dir), (e: unknown) =>
    e instanceof LayoutError && e.message.includes('with-sae/modules.json') && e.message.includes('SparseAutoEncoder'));
});

test('modules.json with an MLMTransformer and no SpladePooling: refused (the MLM alone gives token logits, no vector)', async () => {
  const dir = moduleListFolder('no-pooling', [{ path: '', type: TYPE.mlm }]);
  cpSync(mlm, dir, { recursive: true });
  await rejects(SpladeEncoder.fromPretrained(dir), (e: unknown) =>
    e instanceof LayoutError && e.message.includes('no-pooling/modules.json') && e.message.includes('SpladePooling'));
});

test('modules.json with a Router followed by another module: refused, naming modules.json and the module', async () => {
  const dir = join(tmp, 'router-then-normalize');
  await writeRouterFolder(dir, mlm, { pooling_strategy: 'max' }, new Float32Array(400).fill(1));
  writeFileSync(join(dir, 'modules.json'), JSON.stringify([
    { idx: 0, name: '0', path: '', type: TYPE.router },
    { idx: 1, name: '1', path: '1_Normalize', type: TYPE.normalize },
  ]));
  await rejects(SpladeEncoder.fromPretrained(dir), (e: unknown) =>
    e instanceof LayoutError && e.message.includes('router-then-normalize/modules.json') && e.message.includes('Normalize'));
});

test('a Router whose query route is an MLMTransformer alone: refused (it was run as the document route)', async () => {
  const dir = join(tmp, 'router-query-mlm');
  await writeRouterFolder(dir, mlm, { pooling_strategy: 'max' }, new Float32Array(400).fill(1));
  cpSync(mlm, join(dir, 'query_0_MLMTransformer'), { recursive: true });
  writeFileSync(join(dir, 'router_config.json'), JSON.stringify({
    types: { query_0_MLMTransformer: TYPE.mlm, document_0_MLMTransformer: TYPE.mlm, document_1_SpladePooling: TYPE.pooling },
    structure: { query: ['query_0_MLMTransformer'], document: ['document_0_MLMTransformer', 'document_1_SpladePooling'] },
    parameters: { default_route: 'document', allow_empty_key: true },
  }));
  await rejects(SpladeEncoder.fromPretrained(dir), (e: unknown) =>
    e instanceof LayoutError && e.message.includes('router-query-mlm/router_config.json') && e.message.includes('query route'));
});

test('SpladePooling fields set to null: refused as SpladePooling refuses them, not taken for the defaults', async () => {
  for (const [field, value] of [['pooling_strategy', 'max'], ['activation_function', 'relu']]) {
    const dir = moduleListFolder(`null-${field}`, [{ path: '', type: TYPE.mlm }, { path: '1_SpladePooling', type: TYPE.pooling }]);
    cpSync(mlm, dir, { recursive: true });
    writeFileSync(join(dir, '1_SpladePooling', 'config.json'), JSON.stringify({ pooling_strategy: 'max', activation_function: 'relu', [field]: null }));
    await rejects(SpladeEncoder.fromPretrained(dir), (e: unknown) =>
      e instanceof LayoutError && e.message.includes(`null-${field}/1_SpladePooling/config.json: ${field}`) && e.message.includes('null'));
    writeFileSync(join(dir, '1_SpladePooling', 'config.json'), JSON.stringify({ [field]: value }));
    await SpladeEncoder.fromPretrained(dir, { backend: new ReferenceBackend() });
  }
});

test('a Router whose query route has its own MLMTransformer + SpladePooling: queries through that MLM, documents through the other', async () => {
  const queryMlm = join(tmp, 'query-mlm');
  await writeRandomDistilBertFolder(queryMlm, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 32, vocab: 400, seed: 22 });
  const dir = join(tmp, 'router-two-mlms');
  await writeRouterFolder(dir, mlm, { pooling_strategy: 'max', activation_function: 'log1p_relu' }, new Float32Array(400).fill(1));
  cpSync(queryMlm, join(dir, 'query_0_MLMTransformer'), { recursive: true });
  writeFileSync(join(dir, 'query_0_MLMTransformer', 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 6, do_lower_case: false }));
  mkdirSync(join(dir, 'query_1_SpladePooling'));
  writeFileSync(join(dir, 'query_1_SpladePooling', 'config.json'), JSON.stringify({ pooling_strategy: 'max', activation_function: 'relu' }));
  writeFileSync(join(dir, 'router_config.json'), JSON.stringify({
    types: { query_0_MLMTransformer: TYPE.mlm, query_1_SpladePooling: TYPE.pooling, document_0_MLMTransformer: TYPE.mlm, document_1_SpladePooling: TYPE.pooling },
    structure: { query: ['query_0_MLMTransformer', 'query_1_SpladePooling'], document: ['document_0_MLMTransformer', 'document_1_SpladePooling'] },
    parameters: { default_route: 'document', allow_empty_key: true },
  }));
  const encoder = await SpladeEncoder.fromPretrained(dir, { backend: new ReferenceBackend() });
  const [queryBare, documentBare] = [await SpladeEncoder.fromPretrained(queryMlm, { backend: new ReferenceBackend() }), await SpladeEncoder.fromPretrained(mlm, { backend: new ReferenceBackend() })];
  assert.is(encoder.queryRoute, 'model');
  const text = 'the war of the worlds and the war of the world';
  assert.is(encoder.defaultMaxLength('query'), 6);
  assert.equal(plain(await encoder.encodeQuery(text)), plain((await queryBare.encode([text], { maxLength: 6 }))[0]));
  const [mine, reference] = [await encoder.encodeDocument(text), await documentBare.encodeDocument(text)];
  assert.equal(Array.from(mine.indices), Array.from(reference.indices));
  mine.values.forEach((v, k) => assert.ok(Math.abs(v - Math.log1p(reference.values[k])) < 1e-6, `log1p_relu applied to term ${mine.indices[k]}`));
});

test('a plain MLM folder whose modules.json is a dense model\'s (Transformer + Pooling) still loads as the MLM folder transformers reads', async () => {
  const dir = moduleListFolder('dense-modules', [{ path: '', type: 'sentence_transformers.models.Transformer' }, { path: '1_Pooling', type: 'sentence_transformers.models.Pooling' }]);
  cpSync(mlm, dir, { recursive: true });
  const encoder = await SpladeEncoder.fromPretrained(dir, { backend: new ReferenceBackend() });
  const bare = await SpladeEncoder.fromPretrained(mlm, { backend: new ReferenceBackend() });
  assert.equal(plain(await encoder.encodeDocument('the war')), plain(await bare.encodeDocument('the war')));
});

test.run();
