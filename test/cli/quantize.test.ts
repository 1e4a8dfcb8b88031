// `splade quantize` round trips: the folder it writes holds I8 weights with F32 scales named as
// compressed-tensors names them (or F16), its config.json says how, and encoding it gives the
// very vectors of quantizing the f32 checkpoint on load, without the f32 weights ever being read.
import { requireBertConfig } from '../../src/io/model-config.js';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { outlierDims, writeRandomBertFolder, writeRandomDistilBertFolder } from '../../tools/generate-model.js';
import { BertForMaskedLM } from '../../src/models/bert/bert-for-masked-lm.js';
import { DistilBertForMaskedLM } from '../../src/models/distilbert/distilbert-for-masked-lm.js';
import type { RobertaConfig } from '../../src/models/roberta/config.js';
import { RobertaForMaskedLM } from '../../src/models/roberta/roberta-for-masked-lm.js';
import type { DistilBertConfig } from '../../src/models/distilbert/config.js';
import { isQuantizedWeight } from '../../src/io/quantize-model.js';
import { loadModelFolderFromDisk } from '../../src/node/model-folder.js';
import type { ModelFolder } from '../../src/io/model-folder.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../../src/node/safetensors-file.js';
import type { TensorToWrite } from '../../src/formats/safetensors-writer.js';
import { SpladeError } from '../../src/errors.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { writeRootMlmRouterFolder, writeRouterFolder } from '../helpers/sparse-encoder-folders.js';
import { createBackend } from '../../src/tensor/create-backend.js';
import type { TensorSource } from '../../src/tensor/tensor-source.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'splade-quantize-'));
const src = join(tmp, 'src');
const TEXTS = ['the atomic bomb was made in the manhattan project', 'cats'];

function splade(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const quantize = suite('splade quantize');
quantize.before(async () => {
  await writeRandomBertFolder(src, { layers: 2, hidden: 64, heads: 4, intermediate: 128, maxPositions: 64, vocab: 1200, seed: 9, outliers: 2 });
});

quantize('int8: I8 weight + F32 weight_scale [out, 1] per linear layer and the word embeddings, config records it', async () => {
  const out = join(tmp, 'int8');
  const { code, stderr } = splade(['quantize', src, '--dtype', 'int8', '--out', out]);
  assert.is(code, 0, stderr);
  const file = await readSafetensorsFile(join(out, 'model.safetensors'));
  const source = await readSafetensorsFile(join(src, 'model.safetensors'));
  let quantized = 0;
  for (const name of source.names()) {
    const info = source.info(name)!;
    if (isQuantizedWeight(name, info.shape)) {
      quantized++;
      assert.is(file.info(name)?.dtype, 'I8', name);
      assert.equal(file.info(`${name}_scale`)?.shape, [info.shape[0], 1], `${name}_scale`);
      assert.is(file.info(`${name}_scale`)?.dtype, 'F32');
    } else {
      assert.is(file.info(name)?.dtype, info.dtype, name);
      assert.equal([...file.float32(name)], [...source.float32(name)], name);
    }
  }
  assert.is(quantized, 2 * 6 + 1 + 1, 'the 6 linear layers of 2 layers, the head transform and the word embeddings');
  // The weights that read a LayerNorm keep its 2 planted outlier dimensions in float32.
  const planted = outlierDims(64, 2, 9 + 7919);
  const readers = source.names().filter((name) => /(query|key|value|intermediate\.dense|transform\.dense)\.weight$|word_embeddings\.weight$/.test(name));
  assert.is(readers.length, 2 * 4 + 2);
  for (const name of readers) {
    assert.equal([...file.float32(`${name}_float_columns`)], planted, `${name}_float_columns`);
    const rows = source.info(name)!.shape[0];
    assert.equal(file.info(`${name}_float`)?.shape, [rows, 2], `${name}_float`);
    const w = source.float32(name);
    const k = source.info(name)!.shape[1];
    const kept = file.float32(`${name}_float`);
    for (let r = 0; r < rows; r++) planted.forEach((c, j) => { if (kept[r * 2 + j] !== w[r * k + c]) assert.unreachable(`${name}[${r}, ${c}]`); });
  }
  for (const name of ['bert.encoder.layer.0.attention.output.dense.weight', 'bert.encoder.layer.1.output.dense.weight']) {
    assert.is(file.info(`${name}_float_columns`), undefined, `${name} reads no LayerNorm`);
  }
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { quantization_config: Record<string, unknown> };
  assert.is(config.quantization_config.quant_method, 'compressed-tensors');
  assert.is(config.quantization_config.format, 'int-quantized');
  for (const name of ['vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json']) {
    assert.is(readFileSync(join(out, name), 'utf8'), readFileSync(join(src, name), 'utf8'), name);
  }
});

/**
 * The quantized folder encodes exactly as `source` loaded with `dtype`: documents, and
 * queries through the same route (returned).
 */
async function encodesAsOnLoad(source: string, quantized: string, dtype: 'int8' | 'f16' = 'int8'): Promise<string> {
  const onLoad = await SpladeEncoder.fromPretrained(source, { dtype });
  const stored = await SpladeEncoder.fromPretrained(quantized);
  assert.is(stored.queryRoute, onLoad.queryRoute);
  for (const role of ['document', 'query'] as const) {
    const [a, b] = [await onLoad.encode(TEXTS, { role }), await stored.encode(TEXTS, { role })];
    a.forEach((v, i) => assert.equal([[...b[i].indices], [...b[i].values]], [[...v.indices], [...v.values]], `${role} ${i}`));
  }
  onLoad.dispose();
  stored.dispose();
  return stored.queryRoute;
}

quantize('int8 round trip: the folder encodes exactly as the f32 checkpoint loaded with dtype int8', async () => {
  await encodesAsOnLoad(src, join(tmp, 'int8'));
});

/**
 * Loads the model folder `dir` with `load`, through a source that records every tensor read
 * as float32; returns the I8 ones among them (none may be) and all of them.
 */
async function float32Reads(dir: string, load: (folder: ModelFolder, source: TensorSource) => Promise<unknown>): Promise<{ int8: string[]; all: string[] }> {
  const folder = await loadModelFolderFromDisk(dir);
  const read: string[] = [];
  const inner = folder.weights;
  const spy: TensorSource = {
    description: inner.description,
    names: () => inner.names(),
    info: (name) => inner.info(name),
    float32: (name) => { read.push(name); return inner.float32(name); },
    int8: (name) => inner.int8!(name),
  };
  await load(folder, spy);
  return { int8: read.filter((name) => inner.info(name)!.dtype === 'I8'), all: read };
}

quantize('loading the int8 folder never reads a quantized weight as float32', async () => {
  const reads = await float32Reads(join(tmp, 'int8'), async (folder, spy) => BertForMaskedLM.load(requireBertConfig(folder.config), spy, await createBackend()));
  assert.equal(reads.int8, []);
  assert.ok(reads.all.some((name) => name.endsWith('_scale')), 'the scales are read');
});

quantize('f16: every float tensor F16, torch_dtype float16; an F16 folder is held float16 by default (the vectors of asking for f16)', async () => {
  const out = join(tmp, 'f16');
  const { code, stderr } = splade(['quantize', src, '--dtype', 'f16', '--out', out]);
  assert.is(code, 0, stderr);
  const file = await readSafetensorsFile(join(out, 'model.safetensors'));
  for (const name of file.names()) assert.is(file.info(name)?.dtype, 'F16', name);
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
  assert.is(config.torch_dtype, 'float16');
  // The folder's LayerNorm parameters and biases are float16 too, where the on-load f16 keeps
  // them float32: compare the linear weights only through the same model.
  await encodesAsOnLoad(out, out, 'f16');
});

quantize('errors: a non-empty --out, a file as --out, an int8 source, a bad --dtype (usage, exit 2)', () => {
  const busy = join(tmp, 'busy');
  mkdirSync(busy);
  writeFileSync(join(busy, 'keep.txt'), 'mine');
  let r = splade(['quantize', src, '--dtype', 'int8', '--out', busy]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /not empty/);
  assert.is(readFileSync(join(busy, 'keep.txt'), 'utf8'), 'mine');
  const file = join(busy, 'keep.txt');
  r = splade(['quantize', src, '--dtype', 'int8', '--out', file]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /keep\.txt: is a file; --out takes a new or empty folder/);
  assert.is(readFileSync(file, 'utf8'), 'mine');
  r = splade(['quantize', join(tmp, 'int8'), '--dtype', 'int8', '--out', join(tmp, 'again')]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /already int8/);
  r = splade(['quantize', src, '--dtype', 'int4', '--out', join(tmp, 'x')]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--dtype must be one of int8, f16, got 'int4'/);
});

quantize('a checkpoint holding NaN: one line naming the tensor and position, exit 1, no folder written', async () => {
  const bad = join(tmp, 'nan');
  await writeRandomBertFolder(bad, { layers: 1, hidden: 64, heads: 4, intermediate: 128, maxPositions: 64, vocab: 1200, seed: 9 });
  const file = join(bad, 'model.safetensors');
  const bytes = readFileSync(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { data_offsets: [number, number] }>;
  const name = 'bert.encoder.layer.0.output.dense.weight';
  bytes.writeFloatLE(NaN, 8 + headerLength + header[name].data_offsets[0] + 4 * (2 * 128 + 9));
  writeFileSync(file, bytes);
  for (const dtype of ['int8', 'f16']) {
    const out = join(tmp, `nan-${dtype}`);
    const r = splade(['quantize', bad, '--dtype', dtype, '--out', out]);
    assert.is(r.code, 1, r.stderr);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`tensor '${name.replaceAll('.', '\\.')}' holds NaN at \\[2, 9\\]`));
    assert.not.ok(existsSync(out), `${out} left behind`);
  }
});

quantize('a source the model cannot load (missing tensor, wrong shape, integer weight): refused naming it, exit 1, no folder written', async () => {
  const good = await readSafetensorsFile(join(src, 'model.safetensors'));
  const name = 'bert.encoder.layer.1.output.dense.weight';
  const cases: Array<[string, (t: TensorToWrite) => TensorToWrite | undefined, string]> = [
    ['missing', () => undefined, `missing tensor '${name}'`],
    ['shape', (t) => ({ ...t, shape: [t.shape[1], t.shape[0]] }), `tensor '${name}' has shape [128, 64], the config expects [64, 128]`],
    ['dtype', (t) => ({ ...t, dtype: 'I32', data: Int32Array.from(t.data as Float32Array, (x) => Math.round(x * 1000)) }), `tensor '${name}' has dtype I32, expected a float type`],
  ];
  for (const [label, change, message] of cases) {
    const dir = join(tmp, `unloadable-${label}`);
    cpSync(src, dir, { recursive: true });
    const tensors = good.names().flatMap((n): Array<[string, TensorToWrite]> => {
      const info = good.info(n)!;
      const t: TensorToWrite = { dtype: info.dtype, shape: info.shape, data: good.float32(n) };
      const changed = n === name ? change(t) : t;
      return changed ? [[n, changed]] : [];
    });
    await writeSafetensorsFile(join(dir, 'model.safetensors'), tensors);
    for (const dtype of ['int8', 'f16']) {
      const out = join(tmp, `unloadable-${label}-${dtype}`);
      const r = splade(['quantize', dir, '--dtype', dtype, '--out', out]);
      assert.is(r.code, 1, `${label} ${dtype}: ${r.stderr}`);
      assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(r.stderr.includes(`${join(dir, 'model.safetensors')}: ${message}`), `${label} ${dtype}: ${r.stderr}`);
      assert.equal(readdirSync(tmp).filter((f) => f.startsWith(`unloadable-${label}-${dtype}`)), [], 'no output or partial folder');
    }
  }
});

quantize('a folder whose float columns are broken: an error naming the tensor (one of the pair, unordered, wrong shape)', async () => {
  const good = await readSafetensorsFile(join(tmp, 'int8', 'model.safetensors'));
  const name = 'bert.encoder.layer.1.attention.self.key.weight';
  const tensors = (change: (n: string, t: TensorToWrite) => TensorToWrite | undefined): Array<[string, TensorToWrite]> => good.names().flatMap((n) => {
    const info = good.info(n)!;
    const t = change(n, { dtype: info.dtype, shape: info.shape, data: info.dtype === 'I8' ? good.int8(n) : good.float32(n) });
    return t ? [[n, t] as [string, TensorToWrite]] : [];
  });
  const cases: Array<[string, (n: string, t: TensorToWrite) => TensorToWrite | undefined, RegExp]> = [
    ['missing', (n, t) => (n === `${name}_float` ? undefined : t), /has only one of '.*key\.weight_float_columns' and '.*key\.weight_float'/],
    ['unordered', (n, t) => (n === `${name}_float_columns` ? { ...t, data: Float32Array.from(t.data as Float32Array).reverse() } : t), /'.*key\.weight_float_columns' must list ascending column indices of \[0, 64\)/],
    ['shape', (n, t) => (n === `${name}_float` ? { ...t, shape: [t.shape[1], t.shape[0]] } : t), /'.*key\.weight_float' has shape \[2, 64\], expected \[64, 2\]/],
  ];
  for (const [label, change, message] of cases) {
    const dir = join(tmp, `broken-${label}`);
    mkdirSync(dir);
    for (const f of ['config.json', 'vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json']) writeFileSync(join(dir, f), readFileSync(join(tmp, 'int8', f)));
    await writeSafetensorsFile(join(dir, 'model.safetensors'), tensors(change));
    try {
      await SpladeEncoder.fromPretrained(dir);
      assert.unreachable(`${label}: no error`);
    } catch (error) {
      assert.instance(error, SpladeError, label);
      assert.match((error as Error).message, message, label);
      assert.match((error as Error).message, /model\.safetensors/, `${label}: names the file`);
    }
  }
});

quantize('encode --dtype: int8 and f16 on the command line', () => {
  for (const d of ['int8', 'f16']) {
    const r = splade(['encode', '--model', src, '--dtype', d, '--text', 'cats']);
    assert.is(r.code, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout.trim()).indices.length > 0);
  }
  const bad = splade(['encode', '--model', src, '--dtype', 'f8', '--text', 'cats']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--dtype must be one of f32, f16, int8/);
});

quantize.run();

// DistilBERT's linear layers have names of their own (q_lin ... lin2, vocab_transform,
// vocab_projector): the folder must quantize exactly what loading with dtype int8 quantizes.
const distil = suite('splade quantize: DistilBERT');
const distilSrc = join(tmp, 'distil');
const untiedSrc = join(tmp, 'distil-untied');
distil.before(async () => {
  await writeRandomDistilBertFolder(distilSrc, { layers: 2, hidden: 64, heads: 4, intermediate: 128, maxPositions: 64, vocab: 1200, seed: 11, outliers: 2 });
  // The same model with a vocab_projector.weight of its own (the word embeddings' rows reversed).
  mkdirSync(untiedSrc);
  for (const f of ['vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json']) writeFileSync(join(untiedSrc, f), readFileSync(join(distilSrc, f)));
  const config = JSON.parse(readFileSync(join(distilSrc, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(untiedSrc, 'config.json'), JSON.stringify({ ...config, tie_word_embeddings: false }));
  const file = await readSafetensorsFile(join(distilSrc, 'model.safetensors'));
  const tensors: Array<[string, TensorToWrite]> = file.names().map((n) => [n, { dtype: 'F32', shape: file.info(n)!.shape, data: file.float32(n) }]);
  const words = file.float32('distilbert.embeddings.word_embeddings.weight');
  const reversed = new Float32Array(words.length);
  for (let r = 0; r < 1200; r++) reversed.set(words.subarray((1199 - r) * 64, (1200 - r) * 64), r * 64);
  tensors.push(['vocab_projector.weight', { dtype: 'F32', shape: [1200, 64], data: reversed }]);
  await writeSafetensorsFile(join(untiedSrc, 'model.safetensors'), tensors);
});

for (const [label, from, linears] of [['tied', distilSrc, 2 * 6 + 1], ['untied', untiedSrc, 2 * 6 + 2]] as const) {
  distil(`${label}: I8 exactly for the ${linears} linear weights and the word embeddings; the folder encodes as dtype int8 on load`, async () => {
    const out = `${from}-int8`;
    const { code, stderr } = splade(['quantize', from, '--dtype', 'int8', '--out', out]);
    assert.is(code, 0, stderr);
    const file = await readSafetensorsFile(join(out, 'model.safetensors'));
    const int8 = file.names().filter((n) => file.info(n)!.dtype === 'I8').sort();
    const linear = /\.(q_lin|k_lin|v_lin|out_lin|lin1|lin2)\.weight$|^vocab_(transform|projector)\.weight$/;
    assert.is(int8.filter((n) => linear.test(n)).length, linears, int8.join(', '));
    assert.equal(int8.filter((n) => !linear.test(n)), ['distilbert.embeddings.word_embeddings.weight']);
    await encodesAsOnLoad(from, out);
  });
}

distil('loading the int8 folder never reads a quantized weight as float32', async () => {
  const reads = await float32Reads(`${untiedSrc}-int8`, async (folder, spy) => DistilBertForMaskedLM.load(folder.config as DistilBertConfig, spy, await createBackend()));
  assert.equal(reads.int8, []);
  assert.ok(reads.all.includes('vocab_projector.weight_scale'), 'the scales are read');
});

distil('f16: the folder is held float16 by default (the vectors of asking for f16)', async () => {
  const out = `${distilSrc}-f16`;
  const { code, stderr } = splade(['quantize', distilSrc, '--dtype', 'f16', '--out', out]);
  assert.is(code, 0, stderr);
  await encodesAsOnLoad(out, out, 'f16');
});

distil.run();

// RoBERTa's linear layers carry BERT's names under `roberta.` and `lm_head.` (the parity
// fixtures: tied in F32, untied in BF16 as granite-embedding-30m-sparse is stored).
const roberta = suite('splade quantize: RoBERTa');
const robertaFixtures = join(root, 'test/parity/roberta-fixtures');
for (const [name, linears] of [['roberta-f32', 2 * 6 + 1], ['roberta-bf16-untied', 3 * 6 + 2]] as const) {
  roberta(`${name}: I8 exactly for the ${linears} linear weights and the word embeddings; the folder encodes as dtype int8 on load`, async () => {
    const out = join(tmp, `${name}-int8`);
    const { code, stderr } = splade(['quantize', join(robertaFixtures, name), '--dtype', 'int8', '--out', out]);
    assert.is(code, 0, stderr);
    const file = await readSafetensorsFile(join(out, 'model.safetensors'));
    const int8 = file.names().filter((n) => file.info(n)!.dtype === 'I8').sort();
    const linear = /\.(query|key|value|dense|decoder)\.weight$/;
    assert.is(int8.filter((n) => linear.test(n)).length, linears, int8.join(', '));
    assert.equal(int8.filter((n) => !linear.test(n)).map((n) => n.replace(/^roberta\./, '')), ['embeddings.word_embeddings.weight']);
    await encodesAsOnLoad(join(robertaFixtures, name), out);
    const reads = await float32Reads(out, async (folder, spy) => RobertaForMaskedLM.load(folder.config as RobertaConfig, spy, await createBackend()));
    assert.equal(reads.int8, []);
  });
}
roberta.run();

// The published layouts with a query route: the quantized folder must keep it. OpenSearch's
// doc-only models (the MLM folder plus idf.json, here also with float weights in other formats
// and a .git folder) and sentence-transformers' Router (the document MLM in a subfolder).
const layouts = suite('splade quantize: folder layouts');
const opensearch = join(tmp, 'opensearch');
const router = join(tmp, 'router');
const rootMlmRouter = join(tmp, 'root-mlm-router');
const twoMlms = join(tmp, 'router-two-mlms');
layouts.before(async () => {
  const mlm = join(tmp, 'layouts-mlm');
  await writeRandomDistilBertFolder(mlm, { layers: 1, hidden: 32, heads: 2, intermediate: 64, maxPositions: 32, vocab: 1200, seed: 5 });
  cpSync(mlm, opensearch, { recursive: true });
  writeFileSync(join(opensearch, 'idf.json'), JSON.stringify({ atomic: 2.5, bomb: 1.25, cats: 0.5 }));
  mkdirSync(join(opensearch, 'onnx'));
  writeFileSync(join(opensearch, 'onnx', 'model.onnx'), 'not read');
  writeFileSync(join(opensearch, 'pytorch_model.bin'), 'not read');
  mkdirSync(join(opensearch, '.git'));
  writeFileSync(join(opensearch, '.git', 'HEAD'), 'ref: refs/heads/main');
  await writeRouterFolder(router, mlm, { pooling_strategy: 'max', activation_function: 'log1p_relu' }, new Float32Array(1200).map((_, i) => (i % 5) / 4));
  await writeRootMlmRouterFolder(rootMlmRouter, mlm, { pooling_strategy: 'max', activation_function: 'log1p_relu' }, new Float32Array(1200).map((_, i) => (i % 3) / 4));
  // A Router with an MLM per route: the query route's MLMTransformer + SpladePooling.
  await writeRouterFolder(twoMlms, mlm, { pooling_strategy: 'max' }, new Float32Array(1200).fill(1));
  await writeRandomDistilBertFolder(join(twoMlms, 'query_0_MLMTransformer'), { layers: 1, hidden: 32, heads: 2, intermediate: 64, maxPositions: 32, vocab: 1200, seed: 6 });
  mkdirSync(join(twoMlms, 'query_1_SpladePooling'));
  const types = JSON.parse(readFileSync(join(twoMlms, 'router_config.json'), 'utf8')).types as Record<string, string>;
  writeFileSync(join(twoMlms, 'router_config.json'), JSON.stringify({
    types: { query_0_MLMTransformer: types.document_0_MLMTransformer, query_1_SpladePooling: types.document_1_SpladePooling, document_0_MLMTransformer: types.document_0_MLMTransformer, document_1_SpladePooling: types.document_1_SpladePooling },
    structure: { query: ['query_0_MLMTransformer', 'query_1_SpladePooling'], document: ['document_0_MLMTransformer', 'document_1_SpladePooling'] },
  }));
});

layouts('OpenSearch doc-only: idf.json and the tokenizer copied, the float weights in other formats and .git left out', async () => {
  const out = join(tmp, 'opensearch-int8');
  const { code, stderr } = splade(['quantize', opensearch, '--dtype', 'int8', '--out', out]);
  assert.is(code, 0, stderr);
  assert.equal(readdirSync(out).sort(), ['config.json', 'idf.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer_config.json', 'vocab.txt']);
  assert.match(stderr, /left out \(float weights\): model\.safetensors, onnx\/, pytorch_model\.bin\n$/);
  assert.is(await encodesAsOnLoad(opensearch, out), 'idf');
});

layouts('sentence-transformers Router: the document MLM quantized in its subfolder, every module copied', async () => {
  const out = join(tmp, 'router-int8');
  const { code, stderr } = splade(['quantize', router, '--dtype', 'int8', '--out', out]);
  assert.is(code, 0, stderr);
  const file = await readSafetensorsFile(join(out, 'document_0_MLMTransformer', 'model.safetensors'));
  assert.ok(file.names().some((n) => file.info(n)!.dtype === 'I8'), 'the MLM is int8');
  for (const f of ['modules.json', 'router_config.json', 'document_1_SpladePooling/config.json', 'query_0_SparseStaticEmbedding/model.safetensors']) {
    assert.equal(readFileSync(join(out, f)), readFileSync(join(router, f)), f);
  }
  assert.is(await encodesAsOnLoad(router, out), 'sparse-static-embedding');
});

layouts('a Router beside a root MLM (OpenSearch\'s doc-only repositories): the root quantized, the query module\'s weight copied', async () => {
  const out = join(tmp, 'root-mlm-router-int8');
  const { code, stderr } = splade(['quantize', rootMlmRouter, '--dtype', 'int8', '--out', out]);
  assert.is(code, 0, stderr);
  const file = await readSafetensorsFile(join(out, 'model.safetensors'));
  assert.ok(file.names().some((n) => file.info(n)!.dtype === 'I8'), 'the MLM is int8');
  assert.equal(readFileSync(join(out, 'query_0_SparseStaticEmbedding', 'model.safetensors')), readFileSync(join(rootMlmRouter, 'query_0_SparseStaticEmbedding', 'model.safetensors')));
  assert.is(await encodesAsOnLoad(rootMlmRouter, out), 'sparse-static-embedding');
});

layouts('a Router with an MLM per route: both MLMs quantized', async () => {
  const out = join(tmp, 'router-two-mlms-int8');
  const { code, stderr } = splade(['quantize', twoMlms, '--dtype', 'int8', '--out', out]);
  assert.is(code, 0, stderr);
  for (const folder of ['document_0_MLMTransformer', 'query_0_MLMTransformer']) {
    const file = await readSafetensorsFile(join(out, folder, 'model.safetensors'));
    assert.ok(file.names().some((n) => file.info(n)!.dtype === 'I8'), `${folder} is int8`);
  }
  assert.is(await encodesAsOnLoad(twoMlms, out), 'model');
});

layouts('--out inside the source folder: the copy leaves itself out; a failure leaves no folder behind', async () => {
  const inside = join(opensearch, 'int8');
  const { code, stderr } = splade(['quantize', opensearch, '--dtype', 'f16', '--out', inside]);
  assert.is(code, 0, stderr);
  assert.not.ok(existsSync(join(inside, 'int8')), 'copied into itself');
  // A link to nowhere among the Router's files: the weights are written, then copying fails.
  const broken = join(tmp, 'router-broken');
  cpSync(router, broken, { recursive: true });
  symlinkSync(join(tmp, 'nowhere.json'), join(broken, 'query_0_SparseStaticEmbedding', 'vocab.json'));
  const failed = splade(['quantize', broken, '--dtype', 'int8', '--out', join(tmp, 'broken-int8')]);
  assert.is(failed.code, 1);
  assert.match(failed.stderr, /^splade: [^\n]*query_0_SparseStaticEmbedding\/vocab\.json[^\n]*\n$/);
  assert.equal(readdirSync(tmp).filter((f) => f.startsWith('broken-int8')), [], 'no output or partial folder');
});

layouts.run();
