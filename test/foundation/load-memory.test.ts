// Loading holds one copy of the weights: the peak memory rise while loading a 64 MB F32 file
// (as a file and as a model folder) stays near 64 MB, not 128. Measured in a child process so
// that the rest of the suite does not blur the peak.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSafetensorsFile } from '../../src/node/safetensors-file.js';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from './tmp.js';

const child = fileURLToPath(new URL('./load-memory-child.ts', import.meta.url));
const dir = tempDir('memory');
const MB = 1 << 20;

function rise(mode: string, path: string): number {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, mode, path], { encoding: 'utf8' });
  return (JSON.parse(out.trim().split('\n').pop() ?? '{}') as { riseBytes: number }).riseBytes;
}

test('readSafetensorsFile: peak rise about one file size', async () => {
  const path = join(dir, 'big.safetensors');
  const tensors = Array.from({ length: 16 }, (_, i) =>
    [`w${i}`, { dtype: 'F32' as const, shape: [1024, 1024], data: new Float32Array(1024 * 1024).fill(i + 1) }] as const);
  await writeSafetensorsFile(path, tensors); // 64 MB of data
  const bytes = rise('file', path);
  assert.ok(bytes > 60 * MB, `rise ${(bytes / MB).toFixed(1)} MB: the file was not read?`);
  assert.ok(bytes < 1.2 * 64 * MB + 16 * MB, `rise ${(bytes / MB).toFixed(1)} MB for a 64 MB file: a second copy?`);
});

test('loadModelFolderFromDisk: peak rise about one file size', async () => {
  const model = join(dir, 'model');
  // 8 layers of hidden 384 with a 1,000-token vocab: about 59 MB of F32, large enough that a few
  // megabytes of start-up memory handed back during loading stay within the 10 % margin.
  await writeRandomBertFolder(model, { layers: 8, hidden: 384, heads: 4, intermediate: 1536, maxPositions: 128, vocab: 1000 });
  const size = (await import('node:fs')).statSync(join(model, 'model.safetensors')).size;
  const bytes = rise('folder', model);
  assert.ok(bytes > 0.9 * size, `rise ${(bytes / MB).toFixed(1)} MB for a ${(size / MB).toFixed(1)} MB file`);
  assert.ok(bytes < 1.2 * size + 16 * MB, `rise ${(bytes / MB).toFixed(1)} MB for a ${(size / MB).toFixed(1)} MB file: a second copy?`);
});

test.run();
