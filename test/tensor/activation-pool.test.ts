// The activation pool behind Backend.release (src/tensor/activation-pool.ts): released
// buffers come back zeroed for a later result of the same length; nothing the pool did not
// allocate is ever handed out, nor one buffer twice.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ActivationPool } from '../../src/tensor/activation-pool.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { Tensor } from '../../src/tensor/tensor.js';

test('a released buffer is reused, zeroed, for the next request of its length only', () => {
  const pool = new ActivationPool();
  const a = pool.take(16);
  a.fill(7);
  pool.give(a);
  assert.is(pool.heldBytes, 64);
  assert.ok(pool.take(8) !== a, 'another length gets a fresh buffer');
  const again = pool.take(16);
  assert.ok(again === a, 'same length: the released buffer');
  assert.equal([...again], new Array(16).fill(0));
  assert.is(pool.heldBytes, 0);
});

test('foreign arrays, views and second releases are ignored', () => {
  const pool = new ActivationPool();
  pool.give(new Float32Array(16));
  const mine = pool.take(16);
  pool.give(mine.subarray(0, 8));
  assert.is(pool.heldBytes, 0, 'neither a foreign array nor a view of an own one');
  pool.give(mine);
  pool.give(mine);
  assert.is(pool.heldBytes, 64, 'released twice, held once');
  const first = pool.take(16);
  const second = pool.take(16);
  assert.ok(first === mine && second !== mine, 'never handed out to two holders');
});

test('idle buffers stay within the byte budget; clear drops them', () => {
  const pool = new ActivationPool(100);
  const [a, b] = [pool.take(16), pool.take(16)];
  pool.give(a);
  pool.give(b);
  assert.is(pool.heldBytes, 64, 'the second would pass 100 bytes: left to the garbage collector');
  pool.clear();
  assert.is(pool.heldBytes, 0);
  assert.ok(pool.take(16) !== a);
});

test('scratch comes from the smallest idle buffer that is long enough, else a new one', () => {
  const pool = new ActivationPool();
  const [small, mid, big] = [pool.take(4), pool.take(16), pool.take(64)];
  for (const a of [small, mid, big]) a.fill(3);
  for (const a of [small, mid, big]) pool.give(a);
  const scratch = pool.takeScratch(10);
  assert.ok(scratch.owner === mid && scratch.view.length === 10 && scratch.view.buffer === mid.buffer);
  assert.equal([...scratch.owner], new Array(16).fill(0));
  pool.give(scratch.owner);
  const fresh = pool.takeScratch(100);
  assert.ok(fresh.owner !== big && fresh.view.length === 100);
});

test('ReferenceBackend.release: the next op of that size writes into the released buffer', () => {
  const backend = new ReferenceBackend();
  const x = new Tensor([2, 2], Float32Array.from([1, 2, 3, 4]));
  const first = backend.add(x, x);
  const data = first.data;
  backend.release(first);
  backend.release(x); // not the backend's: ignored
  const second = backend.add(x, x);
  assert.ok(second.data === data);
  assert.equal([...second.data], [2, 4, 6, 8]);
  assert.ok(backend.add(x, x).data !== x.data && backend.add(x, x).data !== data);
});

test.run();
