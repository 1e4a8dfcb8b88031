// A checkpoint's tensors that the model does not use are told (SpladeEncoder.loadNotes,
// onLoadNote), as transformers warns "Some weights of the model checkpoint ... were not used",
// and the tensors transformers passes over silently are not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeEncoder } from '../../src/index.node.js';
import { writeSafetensors, type TensorToWrite } from '../../src/formats/safetensors-writer.js';
import { memoryModelFiles } from '../../src/io/memory-model-files.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { generateBertForMaskedLM } from '../../tools/generate-model.js';

const TINY = { layers: 2, hidden: 32, heads: 4, intermediate: 64, maxPositions: 64, vocab: 120, seed: 3 } as const;

/** The notes of loading a tiny BERT whose config.json says `layers` and whose file holds `tensors`. */
async function loadNotes(tensors: ReadonlyArray<readonly [string, TensorToWrite]>, layers: number = TINY.layers): Promise<{ told: string[]; kept: readonly string[] }> {
  const { configJson } = generateBertForMaskedLM(TINY);
  const files = memoryModelFiles({
    'config.json': JSON.stringify({ ...configJson, num_hidden_layers: layers }),
    'model.safetensors': writeSafetensors(tensors, { format: 'pt' }),
  }, 'models/x');
  const told: string[] = [];
  const encoder = await SpladeEncoder.fromPretrained(files, { backend: new ReferenceBackend(), onLoadNote: (note) => told.push(note) });
  return { told, kept: encoder.loadNotes };
}

const f32 = (...shape: number[]): TensorToWrite => ({ dtype: 'F32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });

test('layers past config.json\'s num_hidden_layers are told, the first few named and the rest counted', async () => {
  const { tensors } = generateBertForMaskedLM(TINY);
  const { told, kept } = await loadNotes(tensors, 1);
  const layer1 = tensors.filter(([name]) => name.startsWith('bert.encoder.layer.1.')).map(([name]) => name).sort(); // file order: the writer sorts by name
  assert.ok(layer1.length > 5);
  assert.equal(told, [`models/x/model.safetensors: ${layer1.length} tensors were not used by BertForMaskedLM (is config.json right for this checkpoint?): ${layer1.slice(0, 5).join(', ')} and ${layer1.length - 5} more`]);
  assert.equal(kept, told);
});

test('a tensor under an unexpected prefix is told; bert-base-uncased\'s pooler, NSP head, tied decoder and position_ids are not', async () => {
  const { tensors } = generateBertForMaskedLM(TINY);
  const pretraining: Array<readonly [string, TensorToWrite]> = [
    ...tensors,
    ['bert.embeddings.position_ids', { dtype: 'I64', shape: [1, 64], data: new BigInt64Array(64) }],
    ['bert.pooler.dense.weight', f32(32, 32)], ['bert.pooler.dense.bias', f32(32)],
    ['cls.seq_relationship.weight', f32(2, 32)], ['cls.seq_relationship.bias', f32(2)],
    ['cls.predictions.decoder.weight', f32(120, 32)],
  ];
  assert.equal((await loadNotes(pretraining)).told, []);
  const stray = await loadNotes([...pretraining, ['model.classifier.weight', f32(2, 32)]]);
  assert.equal(stray.told, ['models/x/model.safetensors: 1 tensor was not used by BertForMaskedLM (is config.json right for this checkpoint?): model.classifier.weight']);
});

test.run();
