// Issue 6: loading a model on the WebAssembly backend holds the weights once. The backend
// copies every linear layer into its own memory, so the loader must not keep the checkpoint's
// bytes too. Measured in a child process (the peak of the rest of the suite would blur it):
// loading as the library does rises about one model size; keeping the whole file, as the
// loader once did, rises about two, and the test shows that it would fail then.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from './tmp.js';

const child = fileURLToPath(new URL('./model-memory-child.ts', import.meta.url));
const MB = 1 << 20;

function rise(mode: Mode, dir: string): number {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, mode, dir], { encoding: 'utf8' });
  return (JSON.parse(out.trim().split('\n').pop() ?? '{}') as { riseBytes: number }).riseBytes;
}

type Mode = 'lazy' | 'whole' | 'int8' | 'int8-whole-tensors';

/**
 * Loads the model at `dir` the library's way (`mode`) and the old way (`control`) in child
 * processes: the first must rise between `low` and `limit` x the file size (so the weights did
 * load, and were not piled up), the control above `limit` (so the test could tell).
 */
function assertRise(dir: string, mode: Mode, control: Mode, low: number, limit: number, what: string): void {
  const size = statSync(join(dir, 'model.safetensors')).size;
  const mb = (bytes: number): string => (bytes / MB).toFixed(1);
  const rose = rise(mode, dir);
  assert.ok(rose > low * size, `rise ${mb(rose)} MB for a ${mb(size)} MB model: weights not loaded?`);
  assert.ok(rose < limit * size, `rise ${mb(rose)} MB for a ${mb(size)} MB model: ${what}`);
  const old = rise(control, dir);
  assert.ok(old > limit * size, `${control} rose only ${mb(old)} MB: this test could not tell`);
}

test('BertForMaskedLM on wasm-simd from a folder on disk: peak rise about one model size, not two', async () => {
  const dir = join(tempDir('model-memory'), 'model');
  // 8 layers of hidden 384 with a tiny vocabulary: about 58 MB, nearly all in linear layers.
  await writeRandomBertFolder(dir, { layers: 8, hidden: 384, heads: 6, intermediate: 1536, maxPositions: 128, vocab: 200 });
  assertRise(dir, 'lazy', 'whole', 0.9, 1.5, 'the weights are held twice');
});

test('quantizing a float32 file to int8 on load: the float32 weights never pile up in memory', async () => {
  const dir = join(tempDir('model-memory'), 'int8-on-load');
  // A large vocabulary, as real models have: the word embeddings (30 MB of float32 here) are
  // the largest tensor. About 57 MB of float32 in all, 14 MB as int8.
  await writeRandomBertFolder(dir, { layers: 4, hidden: 384, heads: 6, intermediate: 1536, maxPositions: 128, vocab: 20000 });
  // The int8 weights are a quarter of the float32 bytes: held once in the kernels' memory, and
  // once more at most as the int8 arrays read before packing (garbage V8 frees late); the
  // float32 is read 1 MiB at a time. Measured: 0.54 of the size. Reading each tensor whole,
  // as the loader did before, left the float32 tensors as garbage too: measured 1.24-1.39.
  assertRise(dir, 'int8', 'int8-whole-tensors', 0.2, 0.75, 'the float32 piled up');
});

test.run();
