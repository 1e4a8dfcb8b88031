// DistilBertForMaskedLM from generated folders in exact Hugging Face layout: the names
// transformers saves, loading through the same SpladeEncoder / inspect / explain paths as BERT,
// the checkpoint spellings it accepts and the errors it gives. Numerical parity with PyTorch is
// test/parity/distilbert.test.ts; with SPLADE_LIVE_PARITY=1 a generated folder is also run
// through distilbert_reference.py.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { command as inspect } from '../../src/cli/commands/inspect.js';
import { ConfigError } from '../../src/models/bert/config.js';
import { bertInputFromRows } from '../../src/models/bert/input.js';
import { DistilBertForMaskedLM } from '../../src/models/distilbert/distilbert-for-masked-lm.js';
import { parseModelConfig, type ModelConfig } from '../../src/io/model-config.js';
import type { DistilBertConfig } from '../../src/models/distilbert/config.js';
import { memoryModelFiles } from '../../src/io/memory-model-files.js';
import { loadModelFolder } from '../../src/io/model-folder.js';
import { loadModelFolderFromDisk } from '../../src/node/model-folder.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { explainText } from '../../src/splade/explain.js';
import { createBackend } from '../../src/tensor/create-backend.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { writeSafetensors } from '../../src/formats/safetensors-writer.js';
import { generateDistilBertForMaskedLM, writeRandomDistilBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';
import { rejects } from '../helpers/rejects.js';
import { liveTorchFailures } from '../parity/family-parity.js';

const tmp = tempDir('distilbert');
const small = { layers: 2, hidden: 16, heads: 2, intermediate: 32, maxPositions: 24, vocab: 300, seed: 5 } as const;
const dir = join(tmp, 'tiny');
const generated = await writeRandomDistilBertFolder(dir, small);

test('generated tensors are DistilBertForMaskedLM.save_pretrained names, in state_dict order, vocab_projector.weight tied and absent', () => {
  const names = generated.tensors.map(([name]) => name);
  const layer = (i: number): string[] => [
    ...['q_lin', 'k_lin', 'v_lin', 'out_lin'].flatMap((n) => [`attention.${n}.weight`, `attention.${n}.bias`]),
    'sa_layer_norm.weight', 'sa_layer_norm.bias', 'ffn.lin1.weight', 'ffn.lin1.bias', 'ffn.lin2.weight', 'ffn.lin2.bias',
    'output_layer_norm.weight', 'output_layer_norm.bias',
  ].map((suffix) => `distilbert.transformer.layer.${i}.${suffix}`);
  assert.equal(names, [
    'distilbert.embeddings.word_embeddings.weight', 'distilbert.embeddings.position_embeddings.weight',
    'distilbert.embeddings.LayerNorm.weight', 'distilbert.embeddings.LayerNorm.bias',
    ...layer(0), ...layer(1),
    'vocab_transform.weight', 'vocab_transform.bias', 'vocab_layer_norm.weight', 'vocab_layer_norm.bias', 'vocab_projector.bias',
  ]);
  assert.equal(generated.configJson.model_type, 'distilbert');
  assert.equal(Object.keys(generated.configJson), [...Object.keys(generated.configJson)].sort(), 'keys sorted as transformers writes them');
});

test('SpladeEncoder loads it by model_type and encodes text; backendInfo and the model say what runs', async () => {
  const encoder = await SpladeEncoder.fromPretrained(dir, { backend: new ReferenceBackend() });
  assert.is(encoder.model.modelType, 'distilbert');
  assert.is(encoder.model.architecture, 'DistilBertForMaskedLM');
  assert.ok(encoder.model instanceof DistilBertForMaskedLM);
  assert.ok((encoder.model as DistilBertForMaskedLM).tied, 'vocab_projector shares the word embeddings');
  const [a, b] = await encoder.encode(['the history of science', 'world war']);
  assert.ok(a.indices.length > 0 && b.indices.length > 0);
  const terms = encoder.decode(a, { topK: 3 });
  assert.is(terms.length, 3);
  encoder.dispose();
});

test('explainText works on DistilBERT: terms traced to tokens, one attention map per layer', async () => {
  const encoder = await SpladeEncoder.fromPretrained(dir, { backend: new ReferenceBackend() });
  const explained = await explainText(encoder, 'the history of science');
  assert.is(explained.attentions.length, 2);
  assert.equal(explained.attentions[0].shape, [2, explained.tokens.length, explained.tokens.length]);
  const [vector] = await encoder.encode(['the history of science']);
  assert.is(explained.terms.length, vector.indices.length);
  for (const term of explained.terms) assert.ok(term.fromToken >= 0 && term.fromToken < explained.tokens.length);
});

test('inspect --list shows the Hugging Face module names of DistilBertForMaskedLM', async () => {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  try {
    assert.is(await inspect.run(['--model', dir, '--list']), 0);
  } finally {
    process.stdout.write = write;
  }
  const names = out.trim().split('\n').map((line) => line.split(/\s+/)[0]);
  for (const name of ['distilbert.embeddings', 'distilbert.transformer.layer.1.attention.q_lin', 'distilbert.transformer.layer.0.sa_layer_norm',
    'distilbert.transformer.layer.1.ffn.lin1', 'distilbert.transformer.layer.0.output_layer_norm', 'vocab_transform', 'vocab_layer_norm', 'vocab_projector']) {
    assert.ok(names.includes(name), name);
  }
  assert.ok(out.includes('[batch, seq, 32]'), 'ffn.lin1 is [batch, seq, hidden_dim]');
});

test('captures: ffn.lin1 before the activation, ffn.activation after; the unfused path gives the same SPLADE', async () => {
  const folder = await loadModelFolder(memoryModelFiles(await folderFiles(), 'mem'));
  const model = await DistilBertForMaskedLM.load(distil(folder.config), folder.weights, new ReferenceBackend());
  const input = bertInputFromRows({ input_ids: [[2, 40, 77, 3], [2, 9, 3, 0]], attention_mask: [[1, 1, 1, 1], [1, 1, 1, 0]] }, model.sizes);
  const plain = await model.forward(input, { splade: true });
  const captured = await model.forward(input, {
    splade: true,
    capture: ['distilbert.transformer.layer.0.ffn.lin1', 'distilbert.transformer.layer.0.ffn.activation', 'vocab_transform', 'activation'],
  });
  const pre = captured.captured.get('distilbert.transformer.layer.0.ffn.lin1')!;
  const post = captured.captured.get('distilbert.transformer.layer.0.ffn.activation')!;
  assert.equal(pre.shape, [2, 4, 32]);
  const gelu = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));
  for (let i = 0; i < pre.data.length; i++) assert.ok(Math.abs(gelu(pre.data[i]) - post.data[i]) < 1e-5, `element ${i}`);
  assert.ok(pre.data.some((x) => x < 0), 'lin1 is captured before the activation');
  assert.equal(Array.from(captured.splade!.data), Array.from(plain.splade!.data));
});

test('on the default CPU backend (fused WebAssembly kernels) capturing before an activation leaves the SPLADE vector bit for bit', async () => {
  const folder = await loadModelFolder(memoryModelFiles(await folderFiles(), 'mem'));
  const model = await DistilBertForMaskedLM.load(distil(folder.config), folder.weights, await createBackend({ threads: 1 }));
  const input = bertInputFromRows({ input_ids: [[2, 40, 77, 3], [2, 9, 3, 0]], attention_mask: [[1, 1, 1, 1], [1, 1, 1, 0]] }, model.sizes);
  const plain = await model.forward(input, { splade: true });
  const captured = await model.forward(input, { splade: true, capture: ['distilbert.transformer.layer.*.ffn.lin1', 'vocab_transform'] });
  assert.equal(Array.from(captured.splade!.data), Array.from(plain.splade!.data));
});

test('token_type_ids other than 0 are refused: DistilBERT has no token type embeddings', async () => {
  const encoder = await SpladeEncoder.fromPretrained(dir, { backend: new ReferenceBackend() });
  await rejects(encoder.encodeInputIds({ input_ids: [[2, 40, 3]], token_type_ids: [[0, 1, 1]] }), (e: unknown) =>
    e instanceof Error && /token_type_ids\[0\]\[1\] = 1 is not a token type \(0 to 0\)/.test(e.message));
});

test('a checkpoint without the distilbert. prefix (bare DistilBertModel keys) and with an untied vocab_projector loads', async () => {
  const model = generateDistilBertForMaskedLM({ ...small, seed: 9 });
  const tensors = model.tensors.map(([name, t]) => [name.replace(/^distilbert\./, ''), t] as const);
  const vocab = model.config.vocab_size;
  const projector = new Float32Array(vocab * model.config.dim).map((_, i) => Math.sin(i) * 0.05);
  const files = await folderFiles([...tensors, ['vocab_projector.weight', { dtype: 'F32', shape: [vocab, model.config.dim], data: projector }]],
    { ...model.configJson, tie_word_embeddings: false });
  const folder = await loadModelFolder(memoryModelFiles(files, 'bare'));
  const loaded = await DistilBertForMaskedLM.load(distil(folder.config), folder.weights, new ReferenceBackend());
  assert.not.ok(loaded.tied);
  const out = await loaded.forward(bertInputFromRows({ input_ids: [[2, 50, 3]] }, loaded.sizes), { splade: true });
  assert.ok(out.splade!.data.some((v) => v > 0));
  // tie_word_embeddings false without vocab_projector.weight: a clear error.
  const missing = await loadModelFolder(memoryModelFiles(await folderFiles(model.tensors, { ...model.configJson, tie_word_embeddings: false }), 'untied'));
  await rejects(DistilBertForMaskedLM.load(distil(missing.config), missing.weights, new ReferenceBackend()), (e: unknown) =>
    e instanceof Error && /missing tensor 'vocab_projector\.weight'/.test(e.message));
});

test('config.json: model_type dispatch, DistilBertConfig defaults, clear errors', () => {
  const config = parseModelConfig({ model_type: 'distilbert' }, 'c.json');
  assert.is(config.model_type, 'distilbert');
  if (config.model_type !== 'distilbert') return;
  assert.equal([config.dim, config.hidden_dim, config.n_layers, config.n_heads, config.activation, config.sinusoidal_pos_embds],
    [768, 3072, 6, 12, 'gelu', false]);
  assert.is(parseModelConfig({ architectures: ['DistilBertForMaskedLM'], dim: 8, n_heads: 2 }, 'c.json').model_type, 'distilbert');
  assert.is(parseModelConfig({ hidden_size: 8, num_attention_heads: 2 }, 'c.json').model_type, 'bert');
  assert.throws(() => parseModelConfig({ model_type: 'modernbert' }, 'x/config.json'),
    (e: unknown) => e instanceof ConfigError && /x\/config\.json: field 'model_type' is "modernbert"; supported: 'bert', 'distilbert', 'roberta', 'xlm-roberta'/.test(e.message));
  assert.throws(() => parseModelConfig({ model_type: 'distilbert', dim: 10, n_heads: 3 }, 'c.json'),
    (e: unknown) => e instanceof ConfigError && /'dim' \(10\) must be divisible by n_heads \(3\)/.test(e.message));
  assert.throws(() => parseModelConfig({ model_type: 'distilbert', activation: 'tanh' }, 'c.json'),
    (e: unknown) => e instanceof ConfigError && /'activation' is "tanh"/.test(e.message));
});

if (process.env.SPLADE_LIVE_PARITY === '1') {
  test('live: a generated folder matches distilbert_reference.py (plain torch) on hidden states, attentions and SPLADE', async () => {
    const script = fileURLToPath(new URL('../parity/distilbert_reference.py', import.meta.url));
    const rows = { input_ids: [[2, 40, 77, 120, 3], [2, 9, 3, 0, 0]], attention_mask: [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]] };
    assert.equal(await liveTorchFailures(script, dir, tmp, rows, new ReferenceBackend()), []);
  });
}

function distil(config: ModelConfig): DistilBertConfig {
  if (config.model_type !== 'distilbert') throw new Error(`expected a DistilBERT config, got ${config.model_type}`);
  return config;
}

async function folderFiles(
  tensors = generated.tensors,
  configJson: Record<string, unknown> = generated.configJson,
): Promise<Record<string, Uint8Array | string>> {
  return {
    'config.json': JSON.stringify(configJson),
    'model.safetensors': writeSafetensors(tensors, { format: 'pt' }),
    'vocab.txt': generated.vocab.join('\n'),
  };
}

/** erf within 1.2e-7 (the Chebyshev fit of Numerical Recipes' erfc), enough for a 1e-5 check. */
function erf(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y = 1 - t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? y : -y;
}

test('int8 with readable outlier features: the weights that read a LayerNorm keep its outlier dimensions in float32', async () => {
  const sizes = { layers: 2, hidden: 128, heads: 4, intermediate: 256, maxPositions: 24, vocab: 300, seed: 8, outliers: 4, readableOutliers: true } as const;
  const outlierDir = join(tmp, 'outliers');
  await writeRandomDistilBertFolder(outlierDir, sizes);
  const count = 3;
  const vectorsOf = async (options: Parameters<typeof DistilBertForMaskedLM.load>[3]): Promise<Float32Array> => {
    const folder = await loadModelFolderFromDisk(outlierDir);
    const model = await DistilBertForMaskedLM.load(folder.config as DistilBertConfig, folder.weights, new ReferenceBackend(), options);
    // Three different rows of 12 token ids, [CLS] and [SEP] of the small vocabulary at the ends.
    const rows = Array.from({ length: count }, (_, t) => Array.from({ length: 12 }, (_, i) => (i === 0 ? 2 : i === 11 ? 3 : 10 + ((i * 37 + t * 101) % 280))));
    const out = await model.forward(bertInputFromRows({ input_ids: rows }, model.sizes), { splade: true });
    return out.splade!.data;
  };
  const f32 = await vectorsOf({});
  const withFloat = await vectorsOf({ dtype: 'int8' });
  const without = await vectorsOf({ dtype: 'int8', int8FloatColumns: false });
  const cosine = (a: Float32Array, b: Float32Array, row: number): number => {
    let ab = 0, aa = 0, bb = 0;
    for (let j = row * 300; j < (row + 1) * 300; j++) { ab += a[j] * b[j]; aa += a[j] * a[j]; bb += b[j] * b[j]; }
    return ab / Math.sqrt(aa * bb);
  };
  for (let row = 0; row < count; row++) {
    const [a, b] = [1 - cosine(withFloat, f32, row), 1 - cosine(without, f32, row)];
    // The int8 target, and the float columns doing the work (as in the BERT dtype test).
    assert.ok(1 - a >= 0.995, `text ${row}: cosine ${1 - a} with float columns`);
    assert.ok(a < b / 2, `text ${row}: 1 - cosine ${a} with float columns, ${b} without`);
  }
});

test.run();
