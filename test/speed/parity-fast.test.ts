// The model helper's PyTorch parity cases, run on every fast backend path: WebAssembly SIMD on
// one thread, with worker threads, and the pure TypeScript fallback.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCase } from '../parity/check-case.js';
import { disposeBackend } from '../../src/tensor/backend.js';
import { createBackend } from '../../src/node/backend.js';
import type { Backend } from '../../src/tensor/backend.js';

const fixtures = fileURLToPath(new URL('../parity/fixtures', import.meta.url));
const cases = readdirSync(fixtures).sort();

const paths: Array<[string, () => Promise<Backend>]> = [
  ['wasm-simd, 1 thread', () => createBackend({ kernels: 'wasm-simd', threads: 1 })],
  ['wasm-simd, 2 threads', () => createBackend({ kernels: 'wasm-simd', threads: 2 })],
  ['typescript', () => createBackend({ kernels: 'typescript' })],
];

for (const [label, make] of paths) {
  const parity = suite(`parity on ${label}`);
  let backend: Backend;
  parity.before(async () => {
    backend = await make();
  });
  parity.after(() => disposeBackend(backend));
  for (const name of cases) {
    parity(`${name} matches PyTorch`, async () => {
      assert.equal(await checkCase(join(fixtures, name), backend), []);
    });
  }
  parity.run();
}
