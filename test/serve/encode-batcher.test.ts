// EncodeBatcher's abandoned requests: a request whose signal aborts while it waits leaves the
// queue unencoded, and one aborted while its encode runs is not waited for.
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { EncodeBatcher } from '../../src/serve/encode-batcher.js';
import { heldEncoder } from './held-encoder.js';

const f32 = fileURLToPath(new URL('../parity/fixtures/f32', import.meta.url));
const encoder = await SpladeEncoder.fromPretrained(f32, { backend: 'cpu', threads: 1 });

/**
 * How `promise` has ended ('resolved', or the name of what it rejected with) once the promise
 * callbacks already due have run, or 'pending': an abort settles a request in callbacks alone,
 * which all run before the next turn of the event loop (setImmediate).
 */
function outcome(promise: Promise<unknown>): Promise<string> {
  const ended = promise.then(() => 'resolved', (error: Error) => error.name);
  return Promise.race([ended, new Promise<string>((resolve) => setImmediate(() => resolve('pending')))]);
}

test('a request aborted while it waits leaves the queue: its texts are never encoded, the next one is', async () => {
  const { spy, seen, started, release } = heldEncoder(encoder);
  const batcher = new EncodeBatcher(spy, 64);
  const first = batcher.encode(['first'], 'document');
  await started;
  const client = new AbortController();
  const abandoned = outcome(batcher.encode(['abandoned'], 'document', { signal: client.signal }));
  client.abort();
  assert.is(await abandoned, 'AbortError', 'rejected at once, while the first encode still runs');
  const third = batcher.encode(['third'], 'document');
  release();
  assert.equal(await third, await encoder.encode(['third']));
  await first;
  assert.equal(seen, [['first'], ['third']]);
});

test('a request already aborted is not queued; a request of token ids (alone) is dropped as texts are', async () => {
  const { spy, seen, started, release } = heldEncoder(encoder);
  const batcher = new EncodeBatcher(spy, 64);
  const first = batcher.encode(['first'], 'document');
  await started;
  let ran = false;
  const client = new AbortController();
  const work = async (): Promise<[]> => {
    ran = true;
    return [];
  };
  const alone = outcome(batcher.alone(work, client.signal));
  client.abort();
  assert.is(await alone, 'AbortError');
  assert.is(await outcome(batcher.encode(['late'], 'document', { signal: client.signal })), 'AbortError');
  release();
  await first;
  await batcher.idle();
  assert.is(ran, false, 'the work run alone never ran');
  assert.equal(seen, [['first']]);
});

test('a request aborted while its encode runs is not waited for; the encode runs on, and the next request\'s after it', async () => {
  const { spy, seen, started, release } = heldEncoder(encoder);
  const batcher = new EncodeBatcher(spy, 64);
  const client = new AbortController();
  const abandoned = outcome(batcher.encode(['abandoned'], 'document', { signal: client.signal }));
  await started;
  client.abort();
  assert.is(await abandoned, 'AbortError', 'rejected while the encode is still held');
  const next = batcher.encode(['next'], 'document');
  release();
  assert.equal(await next, await encoder.encode(['next']));
  assert.equal(seen, [['abandoned'], ['next']]);
});

test('a joined encode that fails runs its requests again one by one, but not one aborted meanwhile', async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let start!: () => void;
  const joinedStarted = new Promise<void>((resolve) => (start = resolve));
  const seen: string[][] = [];
  const spy = Object.create(encoder) as SpladeEncoder;
  spy.encode = async (...args: Parameters<SpladeEncoder['encode']>) => {
    seen.push([...args[0]]);
    if (args[0].includes('abandoned')) {
      start();
      await released;
    }
    if (args[0].includes('boom')) throw new Error('the text boom');
    return encoder.encode(...args);
  };
  const batcher = new EncodeBatcher(spy, 64);
  const first = batcher.encode(['first'], 'document');
  // Queued while the first runs: joined into the next encode.
  const client = new AbortController();
  const abandoned = outcome(batcher.encode(['abandoned'], 'document', { signal: client.signal }));
  const boom = batcher.encode(['boom'], 'document').then(() => 'resolved', (error: Error) => error.message);
  await joinedStarted;
  client.abort();
  assert.is(await abandoned, 'AbortError');
  release();
  assert.is(await boom, 'the text boom');
  await first;
  assert.equal(seen, [['first'], ['abandoned', 'boom'], ['boom']]);
});

test.run();
