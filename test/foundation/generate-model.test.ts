import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBertConfig } from '../../src/models/bert/config.js';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';
import { DTYPE_SIZE } from '../../src/tensor/dtype.js';
import { bertBaseUncasedVocab } from '../../tools/bert-vocab.js';
import { requireBertConfig } from '../../src/io/model-config.js';
import { BertForMaskedLM } from '../../src/models/bert/bert-for-masked-lm.js';
import { loadModelFolderFromDisk } from '../../src/node/model-folder.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { PRESETS, bertForMaskedLMSpecs, generateBertForMaskedLM, outlierDims, smallVocab, writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from './tmp.js';

const small = { layers: 2, hidden: 8, heads: 2, intermediate: 16, maxPositions: 8, vocab: 150 } as const;

// The names transformers' BertForMaskedLM.save_pretrained writes for a 1-layer model.
const LAYER_SUFFIXES = [
  'attention.self.query.weight', 'attention.self.query.bias', 'attention.self.key.weight', 'attention.self.key.bias',
  'attention.self.value.weight', 'attention.self.value.bias', 'attention.output.dense.weight', 'attention.output.dense.bias',
  'attention.output.LayerNorm.weight', 'attention.output.LayerNorm.bias', 'intermediate.dense.weight', 'intermediate.dense.bias',
  'output.dense.weight', 'output.dense.bias', 'output.LayerNorm.weight', 'output.LayerNorm.bias',
];

test('tensor names and shapes are those of a transformers BertForMaskedLM, decoder tied and absent', () => {
  const model = generateBertForMaskedLM({ ...small, layers: 1 });
  const expected = [
    'bert.embeddings.word_embeddings.weight', 'bert.embeddings.position_embeddings.weight',
    'bert.embeddings.token_type_embeddings.weight', 'bert.embeddings.LayerNorm.weight', 'bert.embeddings.LayerNorm.bias',
    ...LAYER_SUFFIXES.map((suffix) => `bert.encoder.layer.0.${suffix}`),
    'cls.predictions.bias', 'cls.predictions.transform.dense.weight', 'cls.predictions.transform.dense.bias',
    'cls.predictions.transform.LayerNorm.weight', 'cls.predictions.transform.LayerNorm.bias',
  ];
  assert.equal(model.tensors.map(([name]) => name), expected);
  const shape = (name: string): readonly number[] | undefined => model.tensors.find(([n]) => n === name)?.[1].shape;
  assert.equal(shape('bert.embeddings.word_embeddings.weight'), [150, 8]);
  assert.equal(shape('bert.encoder.layer.0.intermediate.dense.weight'), [16, 8]);
  assert.equal(shape('bert.encoder.layer.0.output.dense.weight'), [8, 16]);
  assert.equal(shape('cls.predictions.bias'), [150]);
  assert.not.ok(model.tensors.some(([name]) => name.includes('decoder') || name.includes('pooler')));
});

test('the base preset is bert-base-uncased: 109,514,298 parameters, 438,057,192 bytes of F32', () => {
  const o = PRESETS.base;
  const config = parseBertConfig({ hidden_size: o.hidden, num_hidden_layers: o.layers, num_attention_heads: o.heads,
    intermediate_size: o.intermediate, max_position_embeddings: o.maxPositions, vocab_size: bertBaseUncasedVocab().length }, 'base');
  const parameters = bertForMaskedLMSpecs(config).reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1), 0);
  assert.is(parameters, 109_514_298);
  assert.is(parameters * DTYPE_SIZE.F32, 438_057_192);
});

test('same seed, same bytes; another seed, other weights', () => {
  const a = generateBertForMaskedLM({ ...small, seed: 1 });
  const b = generateBertForMaskedLM({ ...small, seed: 1 });
  const c = generateBertForMaskedLM({ ...small, seed: 2 });
  const first = (m: typeof a): Float32Array => m.tensors[0][1].data as Float32Array;
  assert.equal(first(a), first(b));
  assert.not.equal(first(a), first(c));
});

test('weights look like transformers init: N(0, 0.02), padding row zero; hf init has zero biases and unit LayerNorm', () => {
  const model = generateBertForMaskedLM({ ...small, hidden: 64, heads: 4, seed: 3, init: 'hf' });
  const get = (name: string): Float32Array => model.tensors.find(([n]) => n === name)?.[1].data as Float32Array;
  const words = get('bert.embeddings.word_embeddings.weight');
  assert.ok(words.subarray(0, 64).every((v) => v === 0), 'the [PAD] row is zero');
  const rest = words.subarray(64);
  const mean = rest.reduce((s, v) => s + v, 0) / rest.length;
  const std = Math.sqrt(rest.reduce((s, v) => s + (v - mean) ** 2, 0) / rest.length);
  assert.ok(Math.abs(mean) < 0.001, `mean ${mean}`);
  assert.ok(Math.abs(std - 0.02) < 0.001, `std ${std}`);
  assert.ok(get('bert.encoder.layer.0.attention.self.query.bias').every((v) => v === 0));
  assert.ok(get('bert.encoder.layer.0.output.LayerNorm.weight').every((v) => v === 1));
  const perturbed = generateBertForMaskedLM({ ...small, seed: 3 });
  const bias = perturbed.tensors.find(([n]) => n === 'bert.encoder.layer.0.attention.self.query.bias')?.[1].data as Float32Array;
  assert.ok(bias.some((v) => v !== 0), 'perturbed init gives non-zero biases');
});

test('small vocab keeps bert-base-uncased tokens with the specials first', () => {
  const vocab = smallVocab(300);
  assert.is(vocab.length, 300);
  assert.equal(vocab.slice(0, 5), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  const real = new Set(bertBaseUncasedVocab());
  assert.ok(vocab.every((token) => real.has(token)));
  assert.ok(vocab.includes('the') && vocab.includes('##s') && vocab.includes('a'));
  assert.throws(() => smallVocab(20), /at least/);
});

test('writes a Hugging Face folder; F16 and BF16 round F32 weights to nearest', async () => {
  const dir = tempDir('generate');
  const f32 = await writeRandomBertFolder(join(dir, 'f32'), { ...small, seed: 5, positionIds: true });
  const config = JSON.parse(readFileSync(join(dir, 'f32', 'config.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(config.architectures, ['BertForMaskedLM']);
  assert.is(config.torch_dtype, 'float32');
  assert.is(readFileSync(join(dir, 'f32', 'vocab.txt'), 'utf8'), f32.vocab.join('\n') + '\n');
  const file = await readSafetensorsFile(join(dir, 'f32', 'model.safetensors'));
  assert.equal(file.metadata, { format: 'pt' });
  assert.equal(file.info('bert.embeddings.position_ids'), { name: 'bert.embeddings.position_ids', dtype: 'I64', shape: [1, 8] });
  for (const dtype of ['F16', 'BF16'] as const) {
    await writeRandomBertFolder(join(dir, dtype), { ...small, seed: 5, dtype });
    const half = await readSafetensorsFile(join(dir, dtype, 'model.safetensors'));
    const name = 'bert.encoder.layer.1.output.dense.weight';
    assert.is(half.info(name)?.dtype, dtype);
    const exact = file.float32(name);
    const rounded = half.float32(name);
    const tolerance = dtype === 'F16' ? 2 ** -11 : 2 ** -8; // half an ulp, relative
    exact.forEach((v, i) => assert.ok(Math.abs(rounded[i] - v) <= Math.abs(v) * tolerance + 1e-7, `${dtype} ${i}: ${v} vs ${rounded[i]}`));
  }
});

test.run();

test('outliers: LayerNorm outputs of 50-200 at the planted dimensions; readable ones keep texts apart, the first ones do not', async () => {
  const sizes = { layers: 2, hidden: 64, heads: 4, intermediate: 128, maxPositions: 16, vocab: 400, seed: 4, outliers: 3 } as const;
  const seq = 8;
  // Two different texts (the same [CLS] and [SEP] ids at the ends).
  const ids = Int32Array.from({ length: 2 * seq }, (_, i) => (i % seq === 0 ? 101 : i % seq === seq - 1 ? 102 : 150 + ((i * 37) % 240)));
  const run = async (readableOutliers: boolean): Promise<{ cosine: number; smallestOutlier: number; largestOrdinary: number }> => {
    const dir = join(tempDir('generate-outliers'), readableOutliers ? 'readable' : 'first');
    await writeRandomBertFolder(dir, { ...sizes, readableOutliers });
    const folder = await loadModelFolderFromDisk(dir);
    const config = requireBertConfig(folder.config);
    const model = await BertForMaskedLM.load(config, folder.weights, new ReferenceBackend());
    const out = await model.forward(
      { batch: 2, seq, inputIds: ids, attentionMask: new Uint8Array(2 * seq).fill(1), tokenTypeIds: new Int32Array(2 * seq) },
      { splade: true, outputHiddenStates: true },
    );
    const dims = new Set(outlierDims(64, 3, 4 + 7919));
    let smallestOutlier = Infinity;
    let largestOrdinary = 0;
    for (const state of out.hiddenStates!) {
      state.data.forEach((x, i) => {
        if (dims.has(i % 64)) smallestOutlier = Math.min(smallestOutlier, Math.abs(x));
        else largestOrdinary = Math.max(largestOrdinary, Math.abs(x));
      });
    }
    const v = out.splade!.data;
    const [a, b] = [v.subarray(0, config.vocab_size), v.subarray(config.vocab_size)];
    let ab = 0, aa = 0, bb = 0;
    for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
    return { cosine: ab / Math.sqrt(aa * bb), smallestOutlier, largestOrdinary };
  };
  const first = await run(false);
  const readable = await run(true);
  for (const [label, r] of [['first', first], ['readable', readable]] as const) {
    // Every hidden state (the embeddings' and each layer's LayerNorm output) has the outliers.
    assert.ok(r.smallestOutlier >= 40 && r.largestOrdinary < 10, `${label}: outliers >= ${r.smallestOutlier}, ordinary <= ${r.largestOrdinary}`);
  }
  assert.ok(first.cosine > 0.9999, `first outliers: two texts' vectors have cosine ${first.cosine}, expected the same vector`);
  assert.ok(readable.cosine < 0.99, `readable outliers: two texts' vectors have cosine ${readable.cosine}`);
});
