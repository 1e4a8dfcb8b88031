import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../src/models/bert/config.js';
import { requireBertConfig } from '../../src/io/model-config.js';
import { memoryModelFiles } from '../../src/io/memory-model-files.js';
import { ModelFilesError } from '../../src/io/model-files-error.js';
import { loadModelFolder } from '../../src/io/model-folder.js';
import { UnsupportedWeightsError, unsupportedFormat, type WeightFormat } from '../../src/io/weight-formats.js';
import { CheckpointError } from '../../src/formats/pytorch/errors.js';
import { SafetensorsError } from '../../src/formats/safetensors.js';
import { writeSafetensors } from '../../src/formats/safetensors-writer.js';
import { ShardIndexError } from '../../src/formats/sharded.js';
import { loadModelFolderFromDisk } from '../../src/node/model-folder.js';
import { BertTokenizer, TokenizerError } from '../../src/tokenizer/index.js';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from './tmp.js';

const root = tempDir('folder');
const tinyDir = join(root, 'tiny');
const tiny = await writeRandomBertFolder(tinyDir, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 16, vocab: 200, seed: 7 });

/** The tiny folder's files in memory, with changes (undefined removes a file). */
function folderWith(changes: Record<string, string | Uint8Array | undefined> = {}): Record<string, string | Uint8Array> {
  const files: Record<string, string | Uint8Array> = {};
  for (const name of readdirSync(tinyDir)) files[name] = new Uint8Array(readFileSync(join(tinyDir, name)));
  for (const [name, content] of Object.entries(changes)) {
    if (content === undefined) delete files[name];
    else files[name] = content;
  }
  return files;
}

async function rejects(promise: Promise<unknown>, type: new (...args: never[]) => Error, pattern: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, type);
    assert.ok((error as Error).message.includes(pattern), `'${(error as Error).message}' should include '${pattern}'`);
    return;
  }
  assert.unreachable(`expected ${type.name} with '${pattern}'`);
}

test('loads a generated folder from disk: config, weights, tokenizer settings', async () => {
  const folder = await loadModelFolderFromDisk(tinyDir);
  assert.is(requireBertConfig(folder.config).hidden_size, 16);
  assert.is(folder.config.vocab_size, 200);
  assert.is(folder.weightFormat, 'safetensors');
  assert.equal(folder.weightFiles, ['model.safetensors']);
  assert.ok(folder.hasVocabTxt);
  assert.not.ok(folder.hasTokenizerJson);
  const [name, tensor] = tiny.tensors[0];
  assert.equal([...folder.weights.float32(name)], [...(tensor.data as Float32Array)]);
  assert.is(folder.weights.names().length, tiny.tensors.length);
});

test('loads the same folder from memory', async () => {
  const folder = await loadModelFolder(memoryModelFiles(folderWith(), 'upload'));
  assert.is(requireBertConfig(folder.config).num_hidden_layers, 1);
  assert.is(folder.weights.description, 'upload/model.safetensors');
});

test('loads sharded safetensors through the index', async () => {
  const shardA: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
  const shardB: typeof shardA = {};
  const weightMap: Record<string, string> = {};
  tiny.tensors.forEach(([name, tensor], i) => {
    const file = i % 2 === 0 ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors';
    (i % 2 === 0 ? shardA : shardB)[name] = { dtype: 'F32', shape: [...tensor.shape], data: tensor.data as Float32Array };
    weightMap[name] = file;
  });
  const files = folderWith({
    'model.safetensors': undefined,
    'model.safetensors.index.json': JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }),
    'model-00001-of-00002.safetensors': writeSafetensors(shardA),
    'model-00002-of-00002.safetensors': writeSafetensors(shardB),
  });
  const folder = await loadModelFolder(memoryModelFiles(files, 'sharded'));
  assert.is(folder.weightFormat, 'sharded safetensors');
  assert.equal(folder.weightFiles, ['model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
  for (const [name, tensor] of tiny.tensors) assert.equal(folder.weights.float32(name), tensor.data as Float32Array, name);

  delete files['model-00002-of-00002.safetensors'];
  await rejects(loadModelFolder(memoryModelFiles(files, 'sharded')), ModelFilesError, "sharded: no file 'model-00002-of-00002.safetensors'");
  files['model-00002-of-00002.safetensors'] = writeSafetensors({});
  await rejects(loadModelFolder(memoryModelFiles(files, 'sharded')), ShardIndexError, 'sharded/model.safetensors.index.json: tensor');
});

test('a folder with only pytorch_model.bin is read as a pickle checkpoint; safetensors wins when both are there', async () => {
  const files = folderWith({ 'model.safetensors': undefined, 'pytorch_model.bin': new Uint8Array(10) });
  // Ten zero bytes are no torch.save file: the pickle reader, not the safetensors one, must say so.
  await rejects(loadModelFolder(memoryModelFiles(files, 'pt')), CheckpointError, 'pt/pytorch_model.bin');
  // safetensors wins when both are present.
  const both = await loadModelFolder(memoryModelFiles(folderWith({ 'pytorch_model.bin': new Uint8Array(10) })));
  assert.is(both.weightFormat, 'safetensors');
});

test('the weight-format list is extendable: a plugged-in format is used in its place', async () => {
  const source = (await loadModelFolder(memoryModelFiles(folderWith()))).weights;
  const pickle: WeightFormat = { name: 'pytorch', file: 'pytorch_model.bin', load: async () => ({ source, files: ['pytorch_model.bin'] }) };
  const files = memoryModelFiles(folderWith({ 'model.safetensors': undefined, 'pytorch_model.bin': new Uint8Array(10) }));
  const folder = await loadModelFolder(files, { weightFormats: [pickle] });
  assert.is(folder.weightFormat, 'pytorch');
  const custom = [unsupportedFormat('onnx', 'model.onnx', 'ONNX is not supported')];
  await rejects(loadModelFolder(memoryModelFiles(folderWith({ 'model.onnx': 'x' }), 'o'), { weightFormats: custom }), UnsupportedWeightsError, 'o/model.onnx: ONNX');
});

test('missing files and bad configs name the folder and file', async () => {
  await rejects(loadModelFolder(memoryModelFiles(folderWith({ 'config.json': undefined }), 'm')), ModelFilesError, 'm: no config.json');
  await rejects(loadModelFolder(memoryModelFiles(folderWith({ 'model.safetensors': undefined }), 'm')), ModelFilesError,
    'm: no weights found (looked for model.safetensors, model.safetensors.index.json, pytorch_model.bin');
  const badConfig = JSON.stringify({ ...tiny.configJson, num_attention_heads: 3 });
  await rejects(loadModelFolder(memoryModelFiles(folderWith({ 'config.json': badConfig }), 'm')), ConfigError, "m/config.json: field 'hidden_size'");
  await rejects(loadModelFolder(memoryModelFiles(folderWith({ 'config.json': '{' }), 'm')), ConfigError, 'm/config.json: not valid JSON');
  // The tokenizer files are the tokenizer's to read (one parser of tokenizer_config.json).
  await rejects(BertTokenizer.fromModelFiles(memoryModelFiles(folderWith({ 'tokenizer_config.json': '{"do_lower_case":"yes"}' }), 'm')),
    TokenizerError, "m/tokenizer_config.json: field 'do_lower_case' must be true or false");
  await rejects(BertTokenizer.fromModelFiles(memoryModelFiles(folderWith({ 'tokenizer_config.json': '{"model_max_length":-3}' }), 'm')),
    TokenizerError, "m/tokenizer_config.json: field 'model_max_length' must be a positive number");
  await rejects(BertTokenizer.fromModelFiles(memoryModelFiles(folderWith({ 'special_tokens_map.json': '[1]' }), 'm')),
    TokenizerError, 'm/special_tokens_map.json is not a JSON object');
  await rejects(loadModelFolderFromDisk(join(root, 'nowhere')), ModelFilesError, 'nowhere: no config.json');
});

test('a corrupt model.safetensors in a folder names the file', async () => {
  const dir = join(root, 'corrupt');
  await writeRandomBertFolder(dir, { layers: 1, hidden: 8, heads: 2, intermediate: 8, maxPositions: 8, vocab: 200 });
  const path = join(dir, 'model.safetensors');
  writeFileSync(path, readFileSync(path).subarray(0, 100));
  await rejects(loadModelFolderFromDisk(dir), SafetensorsError, `${dir}/model.safetensors: `);
});

test.run();
