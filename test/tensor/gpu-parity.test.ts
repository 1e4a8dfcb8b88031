// The PyTorch parity fixtures through the gpu.js backend on webasm (the mode Node has), with
// the same checks and tolerances as the CPU path (test/parity/check-case.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GpuBackend } from '../../src/tensor/gpu/index.js';
import { checkCase } from '../parity/check-case.js';

const fixtures = fileURLToPath(new URL('../parity/fixtures', import.meta.url));

for (const name of readdirSync(fixtures).sort()) {
  test(`parity fixture ${name} on gpu.js webasm matches PyTorch`, async () => {
    const backend = await GpuBackend.create({ mode: 'webasm' });
    try {
      assert.equal(await checkCase(join(fixtures, name), backend), []);
    } finally {
      backend.dispose();
    }
  });
}

test.run();
