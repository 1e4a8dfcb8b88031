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

function rise(mode: 'lazy' | 'whole' | 'int8' | 'int8-whole-tensors', dir: string): number {
  const out = execFileSync(process.execPath, ['--import', 'tsx', child, mode, dir], { encoding: 'utf8' });
  return (JSON.parse(out.trim().split('\n').pop() ?? '{}') as { riseBytes: number }).riseBytes;
}

test('BertForMaskedLM on wasm-simd from a folder on disk: peak rise about one model size, not two', async () => {
  const dir = join(tempDir('model-memory'), 'model');
  // 8 layers of hidden 384 with a tiny vocabulary: about 58 MB, nearly all in linear layers.
  await writeRandomBertFolder(dir, { layers: 8, hidden: 384, heads: 6, intermediate: 1536, maxPositions: 128, vocab: 200 });
  const size = statSync(join(dir, 'model.safetensors')).size;
  const limit = 1.5 * size;
  const once = rise('lazy', dir);
  assert.ok(once > 0.9 * size, `rise ${(once / MB).toFixed(1)} MB for a ${(size / MB).toFixed(1)} MB model: weights not loaded?`);
  assert.ok(once < limit, `rise ${(once / MB).toFixed(1)} MB for a ${(size / MB).toFixed(1)} MB model: the weights are held twice`);
  const twice = rise('whole', dir);
  assert.ok(twice > limit, `keeping the file rose only ${(twice / MB).toFixed(1)} MB: this test could not tell`);
});

test('quantizing a float32 file to int8 on load: the float32 weights never pile up in memory', async () => {
  const dir = join(tempDir('model-memory'), 'int8-on-load');
  // A large vocabulary, as real models have: the word embeddings (30 MB of float32 here) are
  // the largest tensor. About 57 MB of float32 in all, 14 MB as int8.
  await writeRandomBertFolder(dir, { layers: 4, hidden: 384, heads: 6, intermediate: 1536, maxPositions: 128, vocab: 20000 });
  const size = statSync(join(dir, 'model.safetensors')).size;
  // The int8 weights are a quarter of the float32 bytes: held once in the kernels' memory, and
  // once more at most as the int8 arrays read before packing (garbage V8 frees late); the
  // float32 is read 1 MiB at a time. Measured: 0.54 of the size. Reading each tensor whole,
  // as the loader did before, left the float32 tensors as garbage too: measured 1.24-1.39.
  const limit = 0.75 * size;
  const blocks = rise('int8', dir);
  assert.ok(blocks > 0.2 * size, `rise ${(blocks / MB).toFixed(1)} MB for a ${(size / MB).toFixed(1)} MB model: weights not loaded?`);
  assert.ok(blocks < limit, `rise ${(blocks / MB).toFixed(1)} MB quantizing a ${(size / MB).toFixed(1)} MB model: the float32 piled up`);
  const whole = rise('int8-whole-tensors', dir);
  assert.ok(whole > limit, `reading whole tensors rose only ${(whole / MB).toFixed(1)} MB: this test could not tell`);
});

test.run();
