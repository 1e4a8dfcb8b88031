// splade-ts/node's listen: a web-standard handler served by node:http, its body streamed to
// the handler, and a close that lets a request in flight finish.
import { request } from 'node:http';
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

test('a handler that fails, or whose body fails, is a 500 with TEI\'s error JSON, not a 200; a method fetch forbids, 400', async () => {
  const failing = new ReadableStream<Uint8Array>({ pull: (controller) => controller.error(new Error('stream broke')) });
  const server = await listen(async (request) => {
    if (request.url.endsWith('/throws')) throw new Error('handler broke');
    return new Response(failing, { status: 200, headers: { 'content-type': 'text/plain' } });
  }, { host: '127.0.0.1', port: 0 });
  try {
    for (const [path, error] of [['/body', 'stream broke'], ['/throws', 'handler broke']]) {
      const response = await fetch(server.url + path);
      assert.is(response.status, 500, path);
      assert.equal(await response.json(), { error, error_type: 'Backend' });
    }
    // fetch will not send TRACE; node:http will, and a Request cannot be made of it.
    const trace = await new Promise<number | undefined>((resolve, reject) => {
      request(server.url, { method: 'TRACE' }, (response) => resolve(response.resume().statusCode)).on('error', reject).end();
    });
    assert.is(trace, 400);
  } finally {
    await server.close();
  }
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
