// splade-ts/node's listen: a web-standard handler served by node:http, its body streamed to
// the handler, and a close that lets a request in flight finish.
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { listen, type Listening } from '../../src/node/http-server.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { createSpladeHandler } from '../../src/serve/handler.js';
import { heldEncoder } from './held-encoder.js';

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

/**
 * A POST of `body` to `path` by a client that goes away (destroys its socket) once `arrived` resolves,
 * or that reads its answer whole when `arrived` is undefined; resolves once the server has seen
 * the connection close and the callbacks that closing sets off have run (a turn of the loop).
 */
function requestThen(server: Listening, path: string, arrived?: Promise<void>, body = 'x'): Promise<void> {
  return new Promise((resolve) => {
    server.server.once('connection', (socket: Socket) => socket.once('close', () => setImmediate(resolve)));
    const sent = request(server.url + path, { method: 'POST', agent: false }, (response) => response.resume());
    sent.on('error', () => undefined);
    sent.end(body);
    void arrived?.then(() => sent.destroy());
  });
}

test('a client gone before its answer is written aborts the Request\'s signal; an answered one\'s stays unaborted', async () => {
  const signals = new Map<string, AbortSignal>();
  let arrive!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = await listen(async (request) => {
    const path = new URL(request.url).pathname;
    signals.set(path, request.signal);
    await request.text();
    if (path === '/gone') {
      arrive();
      await released;
    }
    return new Response('ok');
  }, { host: '127.0.0.1', port: 0 });
  try {
    await requestThen(server, '/gone', arrived);
    assert.is(signals.get('/gone')?.aborted, true, 'the client went away while the handler worked');
    await requestThen(server, '/answered');
    assert.is(signals.get('/answered')?.aborted, false, 'the answer was written before the connection closed');
  } finally {
    release();
    await server.close(100);
  }
});

test('splade serve\'s handler: a client gone while its request waits for the encoder has its texts never encoded, and the next request is let in', async () => {
  const encoder = await SpladeEncoder.fromPretrained(fileURLToPath(new URL('../parity/fixtures/f32', import.meta.url)), { backend: 'cpu', threads: 1 });
  const { spy, seen, started, release } = heldEncoder(encoder);
  const queued = new Map<string, () => void>();
  const queuedNow = (text: string): Promise<void> => new Promise((resolve) => queued.set(text, resolve));
  // With truncate false a text's tokens are counted just before it is queued, in the same step.
  spy.tokenCount = (...args: Parameters<SpladeEncoder['tokenCount']>) => {
    queued.get(args[0])?.();
    return encoder.tokenCount(...args);
  };
  const server = await listen(createSpladeHandler(spy, { maxConcurrentRequests: 2 }), { host: '127.0.0.1', port: 0 });
  const body = (inputs: string): string => JSON.stringify({ inputs, truncate: false });
  const post = (inputs: string): Promise<Response> => fetch(`${server.url}/embed_sparse`, { method: 'POST', body: body(inputs) });
  try {
    const first = post('first');
    await started;
    await requestThen(server, '/embed_sparse', queuedNow('gone'), body('gone'));
    // While the first still holds the encoder: the third is queued (let in), or refused.
    const thirdQueued = queuedNow('third');
    const third = post('third');
    const before = await Promise.race([thirdQueued.then(() => 'queued'), third.then((r) => `answered ${r.status}`)]);
    assert.is(before, 'queued', 'the third was let in: the permit of the one gone was given back');
    release();
    assert.equal([(await first).status, (await third).status], [200, 200]);
    assert.equal(seen, [['first'], ['third']]);
  } finally {
    release();
    await server.close(100);
    encoder.dispose();
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

test('close() with a keep-alive client still sending: its answers say connection: close, so it drains at once, none cut at the grace period', async () => {
  let thirdStarted!: () => void;
  const third = new Promise<void>((resolve) => (thirdStarted = resolve));
  let requests = 0;
  const server = await listen(async (request) => {
    if (++requests === 3) thirdStarted();
    await request.text();
    await new Promise((resolve) => setTimeout(resolve, 20));
    return new Response('ok');
  }, { host: '127.0.0.1', port: 0 });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const outcomes: string[] = [];
  let sending = true;
  const one = (): Promise<void> => new Promise((resolve) => {
    const sent = request(server.url, { method: 'POST', agent }, (response) => {
      outcomes.push(`${response.statusCode} ${response.headers.connection}`);
      response.resume().on('end', resolve);
    });
    sent.on('error', (error) => {
      outcomes.push(`cut: ${error.message}`);
      sending = false;
      resolve();
    });
    sent.end('x');
  });
  const client = (async () => {
    while (sending) await one();
  })();
  try {
    // close() while a request is in flight, not in the gap between two (where closing the idle
    // connection races the client's next request, as any server's would).
    await third;
    const started = performance.now();
    await server.close(2000);
    assert.ok(performance.now() - started < 1000, `close() took ${Math.round(performance.now() - started)} ms: the client kept its connection to the grace period`);
    sending = false;
    await client;
    assert.is(outcomes.filter((outcome) => outcome.startsWith('cut')).length, 0, outcomes.at(-1));
    assert.is(outcomes.at(-1), '200 close', 'the last answer told the client to let the connection go');
  } finally {
    sending = false;
    agent.destroy();
  }
});

/**
 * Sends a POST of `size` bytes whole before it reads (as Python's http.client and curl do) and
 * resolves with the response's first line, or what went wrong.
 */
function postWholeThenRead(url: string, size: number, headers: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let received = '';
    let written = 0;
    const socket = connect(Number(port), hostname);
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => (received += text));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`${error.code} after ${written} bytes written; received ${JSON.stringify(received.split('\r\n')[0])}`));
    socket.on('end', () => resolve(received.split('\r\n')[0]));
    socket.write(`POST /embed_sparse HTTP/1.1\r\nhost: ${hostname}\r\n${headers}\r\n`);
    const spaces = Buffer.alloc(64 * 1024, 0x20);
    const chunk = headers.includes('chunked') ? Buffer.concat([Buffer.from(`${spaces.length.toString(16)}\r\n`), spaces, Buffer.from('\r\n')]) : spaces;
    const pump = (): void => {
      while (written < size) {
        written += spaces.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    pump();
  });
}

test('a body refused part way or unread (413, 429) still gets its answer to a client that writes its whole body before it reads, not a reset', async () => {
  const server = await listen(async (request) => {
    if (request.headers.get('content-length') !== null) return new Response('refused unread', { status: 429 });
    const reader = request.body!.getReader();
    await reader.read();
    await reader.cancel();
    return new Response('refused part way', { status: 413 });
  }, { host: '127.0.0.1', port: 0 });
  try {
    const size = 32 * 1024 * 1024;
    assert.is(await postWholeThenRead(server.url, size, 'transfer-encoding: chunked\r\n'), 'HTTP/1.1 413 Payload Too Large');
    assert.is(await postWholeThenRead(server.url, size, `content-length: ${size}\r\n`), 'HTTP/1.1 429 Too Many Requests');
  } finally {
    await server.close(100);
  }
});

test.run();
