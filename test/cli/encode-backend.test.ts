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
    [['--gpu-mode', 'webasm'], /^splade: --gpu-mode webasm needs --backend gpu or --backend auto( \(splade encode --help shows the options\))?\n$/, 2],
    [['--backend', 'gpu', '--kernels', 'typescript'], /^splade: --kernels typescript chooses CPU kernels: it does not go with --backend gpu( \(splade encode --help shows the options\))?\n$/, 2],
    [['--backend', 'gpu', '--threads', '2'], /^splade: --threads are CPU threads: they do not go with --backend gpu( \(splade encode --help shows the options\))?\n$/, 2],
    [['--kernels', 'reference', '--threads', '2'], /^splade: --kernels reference run on one thread, got --threads 2 \(threads need --kernels wasm-simd\)( \(splade encode --help shows the options\))?\n$/, 2],
    [['--kernels', 'fortran'], /^splade: --kernels must be one of wasm-simd, typescript, reference, got 'fortran'( \(splade encode --help shows the options\))?\n$/, 2],
  ];
  for (const [extra, message, exitCode] of cases) {
    const { code, stdout, stderr } = splade(['--model', f32, '--input-ids', join(f32, 'inputs.json'), ...extra]);
    assert.is(code, exitCode, extra.join(' '));
    assert.match(stderr, message);
    assert.is(stdout, '');
  }
});

test('--threads 0, 33 or two: a one-line usage error, exit 2', () => {
  for (const threads of ['0', '33', 'two', '1.5']) {
    const { code, stdout, stderr } = splade(['--model', f32, '--text', 'bomb', '--threads', threads]);
    assert.is(code, 2, threads);
    // One line: the message, then where the options are listed.
    assert.is(stderr, `splade: --threads must be a whole number from 1 to 32, got '${threads}' (splade encode --help shows the options)\n`);
    assert.is(stdout, '');
  }
});

test('--threads 1 and 2 and every --kernels give the same vector (within float32 rounding)', () => {
  const runs = [['--threads', '1'], ['--threads', '2'], ['--kernels', 'typescript'], ['--kernels', 'reference'], ['--kernels', 'wasm-simd', '--threads', '2']].map((extra) => {
    const { code, stdout, stderr } = splade(['--model', f32, '--text', 'the atomic bomb', ...extra]);
    assert.is(code, 0, `${extra.join(' ')}: ${stderr}`);
    return JSON.parse(stdout) as { indices: number[]; values: number[] };
  });
  for (const run of runs.slice(1)) {
    assert.equal(run.indices, runs[0].indices);
    run.values.forEach((value, k) => assert.ok(Math.abs(value - runs[0].values[k]) <= 1e-5, `term ${run.indices[k]}`));
  }
});

test('explain and inspect take the same flags', () => {
  const bad = (command: string, extra: string[]): void => {
    const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), command, '--model', f32, ...extra, '--threads', '0'], { encoding: 'utf8' });
    assert.is(result.status, 2, `${command}: ${result.stderr}`);
    assert.match(result.stderr, /--threads must be a whole number from 1 to 32, got '0'/);
  };
  bad('explain', ['--text', 'bomb', '--out', 'x.html']);
  bad('inspect', ['--text', 'bomb', '--logits', '--out', 'x.json']);
  const listed = spawnSync(process.execPath, [join(root, 'bin/splade.js'), 'inspect', '--model', f32, '--list', '--kernels', 'reference'], { encoding: 'utf8' });
  assert.is(listed.status, 0, listed.stderr);
});

test.run();
