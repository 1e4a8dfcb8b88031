// Kernel workers never keep a process alive: a child that starts them, uses them and simply
// ends (no dispose) must exit by itself.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const backendModule = fileURLToPath(new URL('../../src/node/backend.ts', import.meta.url));
const tensorModule = fileURLToPath(new URL('../../src/tensor/tensor.ts', import.meta.url));

test('a process using worker threads exits without dispose', () => {
  const script = `
    const { createBackend } = await import(${JSON.stringify(backendModule)});
    const { Tensor } = await import(${JSON.stringify(tensorModule)});
    const backend = await createBackend({ threads: 2 });
    const layer = backend.prepareLinear('l', new Tensor([256, 256], new Float32Array(65536).fill(0.5)));
    const y = backend.linear(new Tensor([64, 256], new Float32Array(64 * 256).fill(1)), layer);
    console.log(backend.name, y.data[0]);
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.is(out.trim(), 'cpu-wasm-simd x2 128');
});

test.run();
