// Child of model-memory.test.ts: loads a model folder into BertForMaskedLM on the WebAssembly
// backend (which copies every linear layer into its own memory) and reports how far resident
// memory rose (peak, VmHWM on Linux). `lazy` loads as the library does; `whole` first reads the
// whole safetensors file and keeps it, as the loader used to, to show the test can tell.
// `int8` quantizes the float32 file on load, as `--dtype int8` does (tensor by tensor, each
// read a block of rows at a time); `int8-whole-tensors` the same from a source that can only
// read whole tensors (no readFloat32), as the loader did before.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BertForMaskedLM } from '../../src/models/bert/bert-for-masked-lm.js';
import { requireBertConfig } from '../../src/io/model-config.js';
import { loadModelFolderFromDisk } from '../../src/node/model-folder.js';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';
import { createBackend } from '../../src/tensor/create-backend.js';
import type { TensorSource } from '../../src/tensor/tensor-source.js';

function residentKb(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) : process.memoryUsage().rss / 1024;
}

const [mode, dir] = process.argv.slice(2);
const backend = await createBackend({ kernels: 'wasm-simd', threads: 1 });
// Collect start-up garbage first (the parent passes --expose-gc), as load-memory-child does: a
// collection during loading could otherwise hand start-up pages back and hide part of the rise.
(globalThis as { gc?: () => void }).gc?.();
const before = residentKb('VmRSS');
const folder = await loadModelFolderFromDisk(dir);
const lazy = folder.weights;
const wholeTensors: TensorSource = { description: lazy.description, names: () => lazy.names(), info: (n) => lazy.info(n), float32: (n) => lazy.float32(n) };
const weights = mode === 'whole' ? await readSafetensorsFile(join(dir, 'model.safetensors')) : mode === 'int8-whole-tensors' ? wholeTensors : lazy;
const dtype = mode.startsWith('int8') ? 'int8' : undefined;
const model = await BertForMaskedLM.load(requireBertConfig(folder.config), weights, backend, dtype ? { dtype } : {});
const peak = residentKb('VmHWM');
console.log(JSON.stringify({ riseBytes: (peak - before) * 1024, layers: model.config.num_hidden_layers, kept: weights.names().length }));
