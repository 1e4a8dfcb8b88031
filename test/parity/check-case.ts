// Compares splade-ts with the PyTorch reference on one case folder written by reference.py.
// The tolerances are those the project promises (see docs/readme/model.md):
// - SPLADE weights within 1e-4 absolute,
// - the same set of active terms among weights above 1e-3,
// - last hidden state (and the other dense activations) within 1e-4 relative:
//   max |ours - torch| / max |torch|.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadMaskedLM } from '../../src/io/masked-lm.js';
import { bertInputFromRows } from '../../src/models/bert/input.js';
import { loadModelFolderFromDisk } from '../../src/node/model-folder.js';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';
import type { Backend } from '../../src/tensor/backend.js';
import { createBackend } from '../../src/tensor/create-backend.js';
import type { Tensor } from '../../src/tensor/tensor.js';

export const SPLADE_ABS_TOLERANCE = 1e-4;
export const ACTIVE_THRESHOLD = 1e-3;
export const RELATIVE_TOLERANCE = 1e-4;

/** max |actual - expected| / max |expected| */
export function relativeDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
  return Number.isNaN(diff) ? Infinity : diff;
}

function activeSet(values: ArrayLike<number>): string {
  const active: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] > ACTIVE_THRESHOLD) active.push(i);
  return active.join(',');
}

function sameShape(what: string, actual: Tensor, expected: readonly number[]): string[] {
  const same = actual.shape.length === expected.length && actual.shape.every((d, i) => d === expected[i]);
  return same ? [] : [`${what}: shape [${actual.shape.join(', ')}] vs torch [${expected.join(', ')}]`];
}

/** The outputs of expected.safetensors that are not module captures. */
const OUTPUTS = new Set(['last_hidden_state', 'logits', 'splade']);

/** Runs one case; returns the list of failures (empty when it matches PyTorch). */
export async function checkCase(dir: string, backend?: Backend): Promise<string[]> {
  const folder = await loadModelFolderFromDisk(dir);
  // Default: WebAssembly SIMD on the calling thread.
  const model = await loadMaskedLM(folder.config, folder.weights, backend ?? await createBackend({ threads: 1 }));
  const inputs: unknown = JSON.parse(await readFile(join(dir, 'inputs.json'), 'utf8'));
  const input = bertInputFromRows(inputs, model.sizes, join(dir, 'inputs.json'));
  const expected = await readSafetensorsFile(join(dir, 'expected.safetensors'));
  // Every other tensor of expected.safetensors is a module's output, by its Hugging Face name.
  const captures = expected.names().filter((name) => !OUTPUTS.has(name));
  const output = await model.forward(input, { splade: true, capture: [...captures, model.logitsName] });
  const ours: Record<string, Tensor | undefined> = {
    last_hidden_state: output.lastHiddenState,
    logits: output.captured.get(model.logitsName),
    ...Object.fromEntries(captures.map((name) => [name, output.captured.get(name)])),
  };
  const failures: string[] = [];
  for (const name of ['last_hidden_state', 'logits', ...captures]) {
    const mine = ours[name];
    const info = expected.info(name)!;
    if (!mine) {
      failures.push(`${name}: not produced`);
      continue;
    }
    failures.push(...sameShape(name, mine, info.shape));
    const rel = relativeDiff(mine.data, expected.float32(name));
    if (process.env.PARITY_VERBOSE) console.log(dir, name, rel);
    if (!(rel <= RELATIVE_TOLERANCE)) failures.push(`${name}: relative difference ${rel.toExponential(2)} > ${RELATIVE_TOLERANCE}`);
  }
  const splade = output.splade!;
  const torchSplade = expected.float32('splade');
  failures.push(...sameShape('splade', splade, expected.info('splade')!.shape));
  const abs = maxAbsDiff(splade.data, torchSplade);
  if (!(abs <= SPLADE_ABS_TOLERANCE)) failures.push(`splade: max abs difference ${abs.toExponential(2)} > ${SPLADE_ABS_TOLERANCE}`);
  const vocab = model.sizes.vocab_size;
  for (let b = 0; b < input.batch; b++) {
    const row = (values: Float32Array): Float32Array => values.subarray(b * vocab, (b + 1) * vocab);
    if (activeSet(row(splade.data)) !== activeSet(row(torchSplade))) {
      failures.push(`splade row ${b}: the terms above ${ACTIVE_THRESHOLD} differ from torch's`);
    }
  }
  return failures;
}
