// `splade encode --backend/--gpu-mode`: gpu.js webasm gives PyTorch's vectors; a mode that is
// not available here, or a wrong combination, is one clear error and a non-zero exit.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const f32 = join(root, 'test/parity/fixtures/f32');

function splade(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), 'encode', ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('--backend gpu --gpu-mode webasm matches PyTorch', async () => {
  const { code, stdout, stderr } = splade(['--model', f32, '--input-ids', join(f32, 'inputs.json'), '--backend', 'gpu', '--gpu-mode', 'webasm']);
  assert.is(code, 0, stderr);
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { row: number; indices: number[]; values: number[] });
  const expected = (await readSafetensorsFile(join(f32, 'expected.safetensors'))).float32('splade');
  assert.is(lines.length, 3);
  for (const line of lines) {
    const row = expected.subarray(line.row * 256, (line.row + 1) * 256);
    line.indices.forEach((id, k) => assert.ok(Math.abs(line.values[k] - row[id]) <= 1e-4, `row ${line.row} term ${id}`));
    for (let id = 0; id < 256; id++) if (row[id] > 1e-3) assert.ok(line.indices.includes(id), `row ${line.row} misses term ${id}`);
  }
});

test('an unavailable mode, a bad name or --gpu-mode with the CPU: one message, non-zero exit, no output', () => {
  const cases: Array<[string[], RegExp, number]> = [
    [['--backend', 'gpu', '--gpu-mode', 'webgl2'], /^splade: gpu\.js mode 'webgl2' is not available here \(available: webasm\)\n$/, 1],
    [['--backend', 'tpu'], /--backend must be one of auto, cpu, gpu, got 'tpu'/, 2],
    [['--backend', 'gpu', '--gpu-mode', 'cuda'], /--gpu-mode must be one of webgpu, webgl2, webasm, got 'cuda'/, 2],
    [['--gpu-mode', 'webasm'], /--gpu-mode needs --backend gpu or --backend auto/, 2],
  ];
  for (const [extra, message, exitCode] of cases) {
    const { code, stdout, stderr } = splade(['--model', f32, '--input-ids', join(f32, 'inputs.json'), ...extra]);
    assert.is(code, exitCode, extra.join(' '));
    assert.match(stderr, message);
    assert.is(stdout, '');
  }
});

test.run();
