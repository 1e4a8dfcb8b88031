// splade-ts/node's listen: a web-standard handler served by node:http, its body streamed to
// the handler, and a close that lets a request in flight finish.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listen } from '../../src/node/http-server.js';

test('a request in flight when close() is called gets its whole answer; then the server is closed', async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const inFlight = new Promise<void>((resolve) => (started = resolve));
  const server = await listen(async (request) => {
    started();
    const body = await request.text();
    await released;
    return new Response(`echo ${body}`, { status: 201, headers: { 'x-seen': request.method } });
  }, { host: '127.0.0.1', port: 0 });
  const answer = fetch(server.url, { method: 'POST', body: 'hello' });
  await inFlight;
  const closed = server.close();
  release();
  const response = await answer;
  assert.is(response.status, 201);
  assert.is(response.headers.get('x-seen'), 'POST');
  assert.is(await response.text(), 'echo hello');
  await closed;
  assert.is(server.server.listening, false);
});

test('connections still busy after the grace period are cut, and close() resolves', async () => {
  const server = await listen(() => new Promise<Response>(() => undefined), { host: '127.0.0.1', port: 0 });
  const answer = fetch(server.url).then(() => 'answered', () => 'cut');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = performance.now();
  await server.close(100);
  assert.ok(performance.now() - started < 5000, 'close() did not wait for the handler forever');
  assert.is(await answer, 'cut');
});

test('the port in use: a SpladeError naming the address', async () => {
  const first = await listen(async () => new Response('a'), { host: '127.0.0.1', port: 0 });
  try {
    const port = Number(new URL(first.url).port);
    let message = '';
    await listen(async () => new Response('b'), { host: '127.0.0.1', port }).catch((error: Error) => (message = `${error.name}: ${error.message}`));
    assert.is(message, `SpladeError: cannot listen on 127.0.0.1:${port}: the port is in use`);
  } finally {
    await first.close();
  }
});

test.run();
