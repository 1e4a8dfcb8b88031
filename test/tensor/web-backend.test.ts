// createWebBackend outside a cross-origin isolated browser context (here: Node, which has
// no `crossOriginIsolated`): always one thread, never a worker, and bad thread counts refused
// as createBackend refuses them. The threaded path runs in test/browser/threads.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeError } from '../../src/errors.js';
import { disposeBackend } from '../../src/tensor/backend.js';
import { createWebBackend, defaultWebThreadCount, WEB_DEFAULT_MAX_THREADS } from '../../src/tensor/cpu/web-backend.js';
import { webWorkersUsable } from '../../src/tensor/wasm/web-workers.js';

test('Node is not a cross-origin isolated browser context: no Web Workers', () => {
  assert.is(webWorkersUsable(), false);
});

test('asking for threads where Web Workers cannot run gives the single-thread backend', async () => {
  for (const threads of [undefined, 1, 4]) {
    const backend = await createWebBackend(threads === undefined ? {} : { threads });
    assert.is(backend.name, 'cpu-wasm-simd', `threads ${threads}`);
    disposeBackend(backend);
  }
});

test('the default thread count is the core count, from 1 to WEB_DEFAULT_MAX_THREADS', () => {
  const threads = defaultWebThreadCount();
  assert.ok(Number.isInteger(threads) && threads >= 1 && threads <= WEB_DEFAULT_MAX_THREADS, String(threads));
  // Node 20 has no `navigator` (Node 21 added one): then one thread.
  const cores = typeof navigator === 'undefined' ? 1 : navigator.hardwareConcurrency;
  assert.is(threads, Math.min(cores, WEB_DEFAULT_MAX_THREADS));
});

test('a thread count that is not an integer from 1 to 32 is an error naming it', async () => {
  for (const threads of [0, -1, 2.5, 33, Number.NaN]) {
    try {
      await createWebBackend({ threads });
      assert.unreachable(`threads ${threads} accepted`);
    } catch (error) {
      assert.instance(error, SpladeError);
      assert.match((error as Error).message, /threads must be an integer from 1 to 32/);
    }
  }
});

test.run();
