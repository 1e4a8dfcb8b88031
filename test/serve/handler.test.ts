// The TEI-compatible handler, in process: each answer compared with the encoder's own vectors
// (the same numbers, as the shortest float32 text), TEI's validation errors with TEI's status
// codes and messages, forward passes kept one at a time under concurrent requests.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { createSpladeHandler, type SpladeHandlerOptions } from '../../src/serve/handler.js';
import type { SparseVector } from '../../src/splade/sparse-vector.js';
import { buildIndex, SparseIndex } from '../../src/search/index.js';
import { tempDir } from '../foundation/tmp.js';
import { heldEncoder } from './held-encoder.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const f32 = join(root, 'test/parity/fixtures/f32');
// max_position_embeddings 32: a text of 40 words is too long.
const encoder = await SpladeEncoder.fromPretrained(f32, { backend: 'cpu', threads: 2 });
const long = Array.from({ length: 40 }, (_, i) => ['the', 'atomic', 'bomb', 'project'][i % 4]).join(' ');
const texts = ['the atomic bomb', 'world war', 'a', 'the manhattan project and its legacy'];

type Item = { index: number; value: number };

/** A POST of `body`: bytes and strings as they are, anything else as JSON. */
function post(body: unknown, path = '/embed_sparse'): Request {
  const raw = typeof body === 'string' ? body : body instanceof Uint8Array ? new Blob([Uint8Array.from(body)]) : JSON.stringify(body);
  return new Request(`http://localhost${path}`, { method: 'POST', body: raw });
}

async function call(request: Request, options: SpladeHandlerOptions = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await createSpladeHandler(encoder, options)(request);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

/** TEI's items of a vector: non-zero weights, by index, as float32. */
function items(vector: SparseVector): Item[] {
  return Array.from(vector.indices, (index, k) => ({ index, value: vector.values[k] })).filter((x) => x.value !== 0).sort((a, b) => a.index - b.index);
}

function assertSameVectors(got: unknown, expected: SparseVector[]): void {
  const rows = got as Item[][];
  assert.is(rows.length, expected.length);
  rows.forEach((row, r) => {
    const want = items(expected[r]);
    assert.ok(want.length > 0, `row ${r} has terms`);
    assert.equal(row.map((x) => x.index), want.map((x) => x.index), `row ${r} indices`);
    // JSON holds the shortest text that reads back to the same float32: equal as float32.
    row.forEach((x, k) => assert.is(Math.fround(x.value), want[k].value, `row ${r} index ${x.index}`));
  });
}

test('POST /embed_sparse: one text, and a batch, give the encoder\'s vectors in order', async () => {
  const single = await call(post({ inputs: texts[0] }));
  assert.is(single.status, 200);
  assert.is(single.headers.get('content-type'), 'application/json');
  assertSameVectors(single.body, await encoder.encode([texts[0]]));
  const batch = await call(post({ inputs: texts }));
  assert.is(batch.status, 200);
  assertSameVectors(batch.body, await encoder.encode(texts));
});

test('TEI\'s x-compute-characters: a text\'s characters (code points, as Rust counts them), token ids one each', async () => {
  const got = await call(post({ inputs: ['café 😀', [2, 40, 3]] }));
  assert.is(got.status, 200);
  assert.is(got.headers.get('x-compute-characters'), '9', '6 characters and 3 ids');
  assert.match(got.headers.get('x-total-time') ?? '', /^\d+$/);
});

test('token ids are encoded as given, beside texts, in input order', async () => {
  const ids = [2, 40, 41, 42, 3];
  const got = await call(post({ inputs: [texts[0], ids] }));
  assert.is(got.status, 200, JSON.stringify(got.body));
  const fromIds = await encoder.encodeInputIds({ input_ids: [ids] });
  assertSameVectors(got.body, [(await encoder.encode([texts[0]]))[0], fromIds[0]]);
  const single = await call(post({ inputs: ids }));
  assertSameVectors(single.body, fromIds);
});

test('a text too long: cut by default (as encode cuts it), refused with TEI\'s message when truncate is false', async () => {
  const cut = await call(post({ inputs: long }));
  assert.is(cut.status, 200);
  assertSameVectors(cut.body, await encoder.encode([long]));
  const refused = await call(post({ inputs: [texts[0], long], truncate: false }));
  assert.is(refused.status, 422);
  assert.equal(refused.body, { error: `\`inputs\` must have less than 32 tokens. Given: ${encoder.tokenCount(long)}`, error_type: 'Validation' });
  // TEI refuses a text of more than 250 characters a token before tokenizing it.
  const huge = await call(post({ inputs: 'a'.repeat(32 * 250 + 1), truncate: false }));
  assert.equal(huge.body, { error: '`inputs` must have less than 8000 characters. Given: 8001', error_type: 'Validation' });
  const serverDefault = await call(post({ inputs: long }), { autoTruncate: false });
  assert.is(serverDefault.status, 422);
  const ids = await call(post({ inputs: Array.from({ length: 33 }, () => 5) }));
  assert.is(ids.status, 422, 'token ids are never cut');
});

test('truncation_direction "left" or "Left" keeps the end of a long text, as encode({ truncation: "left" }); requests of both sides joined each get their own', async () => {
  const ending = `${long} the manhattan project and its legacy`;
  const [leftVector] = await encoder.encode([ending], { truncation: 'left' });
  const [rightVector] = await encoder.encode([ending]);
  assert.not.equal(items(leftVector), items(rightVector), 'the two sides differ');
  for (const direction of ['left', 'Left']) assertSameVectors((await call(post({ inputs: ending, truncation_direction: direction }))).body, [leftVector]);
  for (const direction of ['right', 'Right', null]) assertSameVectors((await call(post({ inputs: ending, truncation_direction: direction }))).body, [rightVector]);
  const handler = createSpladeHandler(encoder, { maxConcurrentRequests: 64 });
  const directions = ['left', 'right', 'left', undefined, 'Left', 'right'];
  const answers = await Promise.all(directions.map((direction) => handler(post({ inputs: [texts[0], ending], truncation_direction: direction })).then((r) => r.json())));
  const [short] = await encoder.encode([texts[0]]);
  answers.forEach((answer, i) => assertSameVectors(answer, [short, directions[i]?.toLowerCase() === 'left' ? leftVector : rightVector]));
});

test('TEI\'s validation errors: empty batch or input 400, too many inputs 422, wrong types 422, bad JSON 400, body too large 413', async () => {
  const cases: Array<[Request, SpladeHandlerOptions, number, string, RegExp]> = [
    [post({ inputs: [] }), {}, 400, 'Empty', /^`inputs` cannot be empty$/],
    // TEI refuses each empty input as it refuses an empty batch (core/src/tokenization.rs).
    [post({ inputs: '' }), {}, 400, 'Empty', /^`inputs` cannot be empty$/],
    [post({ inputs: ['a', ''] }), {}, 400, 'Empty', /^`inputs` cannot be empty$/],
    [post({ inputs: ['a', []] }), {}, 400, 'Empty', /^`inputs` cannot be empty$/],
    [post({ inputs: ['a', 'b', 'c'] }), { maxClientBatchSize: 2 }, 422, 'Validation', /^batch size 3 > maximum allowed batch size 2$/],
    [post({ inputs: 7 }), {}, 422, 'Validation', /`inputs` must be a string/],
    [post({ inputs: ['a', { text: 'b' }] }), {}, 422, 'Validation', /`inputs`\[1\] must be a string or an array of token ids/],
    [post({ inputs: [1, -2] }), {}, 422, 'Validation', /^`inputs`\[1\] is -2: token ids are whole numbers from 0$/],
    [post({ inputs: ['a', [3, 1.5]] }), {}, 422, 'Validation', /^`inputs`\[1\]\[1\] is 1.5/],
    [post({ inputs: 'a', truncate: 'yes' }), {}, 422, 'Validation', /`truncate` must be true or false/],
    [post({ inputs: 'a', truncation_direction: 'up' }), {}, 422, 'Validation', /^truncation_direction must be "left" or "right" \(or "Left", "Right"\), got "up"$/],
    [post({ inputs: 'a', truncation_direction: 1 }), {}, 422, 'Validation', /^truncation_direction must be "left" or "right" \(or "Left", "Right"\), got 1$/],
    [post({ inputs: 'a', prompt_name: 'query' }), {}, 422, 'Validation', /prompt_name is not supported/],
    [post([1, 2]), {}, 422, 'Validation', /must be a JSON object/],
    [post('{"inputs": '), {}, 400, 'Validation', /^the body is not JSON/],
    [post(new Uint8Array([0x7b, 0xff, 0x7d])), {}, 400, 'Validation', /^the body is not JSON/],
    [post({ inputs: 'x'.repeat(200) }), { payloadLimit: 100 }, 413, 'Validation', /payload limit of 100 bytes/],
    [post({ inputs: [[2, 1000000, 3]] }), {}, 422, 'Validation', /1000000/],
  ];
  for (const [request, options, status, errorType, message] of cases) {
    const got = await call(request, options);
    const body = got.body as { error: string; error_type: string };
    assert.is(got.status, status, body.error);
    assert.is(body.error_type, errorType, body.error);
    assert.match(body.error, message);
  }
});

test('a body past the payload limit with no length given is refused after the limit, not read whole', async () => {
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new Uint8Array(1000).fill(0x20));
    },
  });
  const request = new Request('http://localhost/embed_sparse', { method: 'POST', body: endless, duplex: 'half' } as RequestInit);
  const got = await call(request, { payloadLimit: 10_000 });
  assert.is(got.status, 413);
  assert.ok(pulled <= 12, `read ${pulled} chunks of 1000 bytes for a limit of 10,000`);
});

test('a body that breaks off (the client gone mid-upload) is the client\'s 400, not a failure for onError', async () => {
  const broken = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"inputs": "the'));
      controller.error(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    },
  });
  const failures: unknown[] = [];
  const request = new Request('http://localhost/embed_sparse', { method: 'POST', body: broken, duplex: 'half' } as RequestInit);
  const got = await call(request, { onError: (error) => failures.push(error) });
  assert.is(got.status, 400);
  assert.equal(got.body, { error: 'the body broke off: aborted', error_type: 'Validation' });
  assert.equal(failures, []);
});

test('routes: /health, / and /ping 200; /info TEI\'s fields; wrong method 405; /embed 424; unknown 404', async () => {
  for (const path of ['/health', '/', '/ping']) assert.is((await call(new Request(`http://localhost${path}`))).status, 200, path);
  const info = await call(new Request('http://localhost/info'), { modelId: 'my/model', maxClientBatchSize: 8, autoTruncate: false });
  const fields = info.body as Record<string, unknown>;
  assert.is(fields.model_id, 'my/model');
  assert.is(fields.served_model_name, 'my/model');
  assert.equal(fields.model_type, { embedding: { pooling: 'splade' } });
  assert.is(fields.max_input_length, 32);
  assert.is(fields.max_client_batch_size, 8);
  assert.is(fields.auto_truncate, false);
  for (const key of ['model_sha', 'model_dtype', 'max_concurrent_requests', 'max_batch_tokens', 'max_batch_requests', 'tokenization_workers', 'version', 'sha', 'docker_label']) {
    assert.ok(key in fields, `/info has ${key}`);
  }
  const wrongMethod = await call(new Request('http://localhost/embed_sparse'));
  assert.is(wrongMethod.status, 405);
  assert.is(wrongMethod.headers.get('allow'), 'POST');
  assert.is((await call(new Request('http://localhost/health', { method: 'DELETE' }))).headers.get('allow'), 'GET, HEAD');
  for (const path of ['/', '/invocations']) {
    const embedded = await call(post({ inputs: texts[0] }, path));
    assert.is(embedded.status, 200, `POST ${path} is /embed_sparse, as TEI's for a SPLADE model`);
    assertSameVectors(embedded.body, await encoder.encode([texts[0]]));
  }
  assert.is((await call(post({}, '/info'))).status, 405);
  const dense = await call(post({ inputs: 'a' }, '/embed'));
  assert.is(dense.status, 424);
  assert.match((dense.body as { error: string }).error, /POST \/embed_sparse/);
  assert.is((await call(post({ inputs: 'a' }, '/nowhere'))).status, 404);
});

/** The encoder seen through a spy that counts encodes (all, and at once) and fails on the text 'boom'. */
function spyOn(inner: SpladeEncoder): { spy: SpladeEncoder; calls: () => number; most: () => number; sizes: number[] } {
  let running = 0;
  let most = 0;
  let calls = 0;
  const sizes: number[] = [];
  const spy = Object.create(inner) as SpladeEncoder;
  spy.encode = async (...args: Parameters<SpladeEncoder['encode']>) => {
    calls++;
    sizes.push(args[0].length);
    most = Math.max(most, ++running);
    try {
      if (args[0].includes('boom')) throw new Error('the text boom');
      return await inner.encode(...args);
    } finally {
      running--;
    }
  };
  return { spy, calls: () => calls, most: () => most, sizes };
}

test('CORS: only the origins given get Access-Control-Allow-Origin and a preflight answer (TEI\'s methods and header); none by default', async () => {
  const from = (origin: string, method = 'GET', path = '/info'): Request =>
    new Request(`http://localhost${path}`, { method, headers: { origin, ...(method === 'OPTIONS' ? { 'access-control-request-method': 'POST' } : {}) } });
  const closed = createSpladeHandler(encoder);
  assert.is((await closed(from('https://a.example'))).headers.get('access-control-allow-origin'), null);
  assert.is((await closed(from('https://a.example', 'OPTIONS', '/embed_sparse'))).status, 405);
  const some = createSpladeHandler(encoder, { corsAllowOrigin: ['https://a.example'] });
  const allowed = await some(from('https://a.example'));
  assert.equal([allowed.status, allowed.headers.get('access-control-allow-origin'), allowed.headers.get('vary')], [200, 'https://a.example', 'origin']);
  assert.is((await some(from('https://b.example'))).headers.get('access-control-allow-origin'), null);
  const preflight = await some(from('https://a.example', 'OPTIONS', '/embed_sparse'));
  assert.equal(
    [preflight.status, preflight.headers.get('access-control-allow-methods'), preflight.headers.get('access-control-allow-headers')],
    [200, 'GET,POST', 'content-type'],
  );
  assert.is((await some(from('https://b.example', 'OPTIONS', '/embed_sparse'))).status, 405);
  const refused = await some(new Request('http://localhost/embed_sparse', { method: 'POST', body: '{"inputs": []}', headers: { origin: 'https://a.example' } }));
  assert.equal([refused.status, refused.headers.get('access-control-allow-origin')], [400, 'https://a.example'], 'errors carry it too, so the page can read them');
  const any = createSpladeHandler(encoder, { corsAllowOrigin: ['*'] });
  assert.is((await any(from('https://c.example'))).headers.get('access-control-allow-origin'), '*');
});

test('concurrent requests: one encode at a time, waiting texts joined, each answer what it would be alone; past the limit, 429', async () => {
  const { spy, calls, most } = spyOn(encoder);
  const handler = createSpladeHandler(spy, { maxConcurrentRequests: 64 });
  const requests = Array.from({ length: 12 }, (_, i) => [texts[i % texts.length], long.slice(0, 20 + i)]);
  const answers = await Promise.all(requests.map((inputs) => handler(post({ inputs })).then((r) => r.json())));
  assert.is(most(), 1, 'encodes ran one at a time');
  assert.ok(calls() < requests.length, `${requests.length} requests in ${calls()} encodes`);
  for (const [i, inputs] of requests.entries()) assertSameVectors(answers[i], await encoder.encode(inputs));
  const one = createSpladeHandler(encoder, { maxConcurrentRequests: 1 });
  const statuses = await Promise.all([one(post({ inputs: texts })), one(post({ inputs: texts }))].map((p) => p.then((r) => r.status)));
  assert.equal(statuses.sort(), [200, 429]);
  assert.is((await one(post({ inputs: texts }))).status, 200, 'the permit is given back');
});

test('a request is let in before its body is read: uploads in progress count toward maxConcurrentRequests', async () => {
  let upload!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (controller) => void (upload = controller) });
  const handler = createSpladeHandler(encoder, { maxConcurrentRequests: 1 });
  const first = handler(new Request('http://localhost/embed_sparse', { method: 'POST', body, duplex: 'half' } as RequestInit));
  upload.enqueue(new TextEncoder().encode('{"inputs": '));
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.is((await handler(post({ inputs: 'world war' }))).status, 429, 'the upload in progress holds the one permit');
  upload.enqueue(new TextEncoder().encode('"the atomic bomb"}'));
  upload.close();
  const answer = await first;
  assert.is(answer.status, 200);
  assertSameVectors(await answer.json(), await encoder.encode(['the atomic bomb']));
  assert.is((await handler(post({ inputs: 'world war' }))).status, 200, 'the permit is given back');
});

test('idle() resolves once the encode in progress and those waiting are done, at once when none is', async () => {
  let started!: () => void;
  const encoding = new Promise<void>((resolve) => (started = resolve));
  let finished = 0;
  const spy = Object.create(encoder) as SpladeEncoder;
  spy.encode = async (...args: Parameters<SpladeEncoder['encode']>) => {
    started();
    try {
      return await encoder.encode(...args);
    } finally {
      finished++;
    }
  };
  const handler = createSpladeHandler(spy);
  await handler.idle();
  const answers = [handler(post({ inputs: texts })), handler(post({ inputs: [long] }))];
  await encoding;
  await handler.idle();
  assert.is(finished, 2, 'both encodes had ended when idle() resolved');
  assert.equal((await Promise.all(answers)).map((r) => r.status), [200, 200]);
});

test('a request whose client goes away while it waits: its texts never reach the encoder, its permit is let go at once, onError is not told', async () => {
  const { spy, seen, started, release } = heldEncoder(encoder);
  let check!: () => void;
  const checked = new Promise<void>((resolve) => (check = resolve));
  // With truncate false a text's tokens are counted just before it is queued, in the same
  // step: once this is called, the request is waiting in the batcher.
  spy.tokenCount = (...args: Parameters<SpladeEncoder['tokenCount']>) => {
    if (args[0] === 'abandoned') check();
    return encoder.tokenCount(...args);
  };
  const errors: unknown[] = [];
  const handler = createSpladeHandler(spy, { maxConcurrentRequests: 2, onError: (error) => errors.push(error) });
  const first = handler(post({ inputs: 'first' }));
  await started;
  const client = new AbortController();
  const body = JSON.stringify({ inputs: 'abandoned', truncate: false });
  const abandoned = handler(new Request('http://localhost/embed_sparse', { method: 'POST', body, signal: client.signal }));
  await checked;
  client.abort();
  // Answered in promise callbacks alone, before the next turn of the event loop.
  const early = await Promise.race([abandoned.then((r) => r.status), new Promise((resolve) => setImmediate(() => resolve('still waiting')))]);
  assert.is(early, 499, 'answered at once, while the first encode still runs');
  const third = handler(post({ inputs: 'third' }));
  assert.is(await Promise.race([third.then((r) => r.status), new Promise((resolve) => setImmediate(() => resolve('admitted')))]), 'admitted', 'its permit was let go: the third is not 429');
  release();
  assert.equal([(await first).status, (await third).status], [200, 200]);
  assert.equal(seen, [['first'], ['third']]);
  assert.equal(errors, []);
});

test('joined requests: at most maxBatchTexts texts an encode; one failing request fails alone', async () => {
  const { spy, sizes } = spyOn(encoder);
  const handler = createSpladeHandler(spy, { maxBatchTexts: 4 });
  const requests = [['a'], ['b', 'c'], ['boom'], ['d'], ['e', 'f', 'g']];
  const responses = await Promise.all(requests.map((inputs) => handler(post({ inputs }))));
  assert.equal(responses.map((r) => r.status), [200, 200, 424, 200, 200]);
  for (const [i, inputs] of requests.entries()) if (i !== 2) assertSameVectors(await responses[i].json(), await encoder.encode(inputs));
  // 'a' runs at once; then b c, boom and d join (4 texts) and fail, so each runs alone; e f g last.
  assert.equal(sizes, [1, 4, 2, 1, 1, 3]);
});

/** The fixture with an idf.json (OpenSearch's inference-free queries): queries and documents then differ. */
async function idfEncoder(): Promise<SpladeEncoder> {
  const folder = join(tempDir('serve-query'), 'model');
  cpSync(f32, folder, { recursive: true });
  writeFileSync(join(folder, 'idf.json'), JSON.stringify({ the: 0.5, atomic: 3.25, bomb: 2.5, world: 1.75, war: 1.25, history: 2 }));
  return SpladeEncoder.fromPretrained(folder, { backend: 'cpu', threads: 1 });
}

test('"query": true encodes with the folder\'s query route (idf.json), as encode({ role: "query" })', async () => {
  const withIdf = await idfEncoder();
  try {
    const handler = createSpladeHandler(withIdf);
    const query = await (await handler(post({ inputs: ['the atomic bomb', 'world war'], query: true }))).json();
    assertSameVectors(query, await withIdf.encode(['the atomic bomb', 'world war'], { role: 'query' }));
    const document = await (await handler(post({ inputs: ['the atomic bomb'] }))).json();
    assertSameVectors(document, await withIdf.encode(['the atomic bomb']));
  } finally {
    withIdf.dispose();
  }
});

test('POST /search with an index: each query\'s exact top k, as SparseIndex.search gives it for the query vector', async () => {
  const withIdf = await idfEncoder();
  const docs = ['the atomic bomb', 'world war two', 'the manhattan project', 'energy and history', 'a bomb in the war'];
  const vectors = await withIdf.encode(docs);
  const index = SparseIndex.open(await buildIndex(vectors.map((vector, i) => ({ id: `d${i}`, vector })), { vocabSize: 256 }));
  const handler = createSpladeHandler(withIdf, { index });
  const queries = ['atomic war', 'history'];
  const response = await handler(post({ inputs: queries, top_k: 3 }, '/search'));
  assert.is(response.status, 200);
  const got = (await response.json()) as Array<Array<{ id: string; score: number }>>;
  // Queries by the idf route: a query vector of a few terms, not the model's.
  const expected = (await withIdf.encode(queries, { role: 'query' })).map((q) => index.search(q, { topK: 3 }).map(({ id, score }) => ({ id, score })));
  assert.equal(got, expected);
  assert.is(got[0].length, 3);
  withIdf.dispose();
  const info = (await (await handler(new Request('http://localhost/info'))).json()) as { splade_ts: { index_documents: number } };
  assert.is(info.splade_ts.index_documents, 5);
  for (const top_k of [0, 1001, 2.5, '3']) {
    const bad = await handler(post({ inputs: 'atomic', top_k }, '/search'));
    assert.is(bad.status, 422, String(top_k));
    assert.match(((await bad.json()) as { error: string }).error, /`top_k` must be a whole number from 1 to 1000/);
  }
  assert.is((await createSpladeHandler(encoder)(post({ inputs: 'atomic' }, '/search'))).status, 404, 'no index, no route');
  const other = SparseIndex.open(await buildIndex([], { vocabSize: 300 }));
  assert.throws(() => createSpladeHandler(encoder, { index: other }), /the index has 300 terms, more than the model's vocabulary of 256/);
  createSpladeHandler(encoder, { index: SparseIndex.open(await buildIndex([], { vocabSize: 200 })) });
});

test('POST /search with documentTexts: each hit carries its text (null for a document without one); /info says so', async () => {
  const docs = ['the atomic bomb', 'world war two', 'a bomb in the war'];
  const ids = ['文書-0', '7', 'gone'];
  const index = SparseIndex.open(await buildIndex((await encoder.encode(docs)).map((vector, i) => ({ id: ids[i], vector })), { vocabSize: 256 }));
  const asked: string[][] = [];
  const documentTexts = {
    texts: (wanted: readonly string[]): Promise<Array<string | null>> => {
      asked.push([...wanted]);
      return Promise.resolve(wanted.map((id) => (id === 'gone' ? null : docs[ids.indexOf(id)])));
    },
  };
  const handler = createSpladeHandler(encoder, { index, documentTexts });
  const response = await handler(post({ inputs: ['atomic bomb', 'war'], top_k: 3 }, '/search'));
  assert.is(response.status, 200);
  const got = (await response.json()) as Array<Array<{ id: string; score: number; text: string | null }>>;
  const plain = (await (await createSpladeHandler(encoder, { index })(post({ inputs: ['atomic bomb', 'war'], top_k: 3 }, '/search'))).json()) as Array<Array<{ id: string; score: number }>>;
  assert.equal(got, plain.map((hits) => hits.map(({ id, score }) => ({ id, score, text: id === 'gone' ? null : docs[ids.indexOf(id)] }))));
  assert.ok(got.flat().some((hit) => hit.text === null) && got.flat().some((hit) => hit.text !== null), 'both kinds of hit');
  assert.equal(asked, [got.flat().map((hit) => hit.id)], 'one look-up for the request\'s hits');
  assert.ok(!('text' in plain[0][0]), 'without documentTexts, no "text"');
  const info = async (h: (r: Request) => Promise<Response>): Promise<boolean> => ((await (await h(new Request('http://localhost/info'))).json()) as { splade_ts: { search_texts: boolean } }).splade_ts.search_texts;
  assert.is(await info(handler), true);
  assert.is(await info(createSpladeHandler(encoder, { index })), false);
  assert.throws(() => createSpladeHandler(encoder, { documentTexts }), /documentTexts are the texts of an index's documents: give the index too/);
});

test('POST /search with "explain": each hit gains its terms [token, query weight, document weight, contribution], as SparseIndex.explain gives them', async () => {
  const docs = ['the atomic bomb', 'world war two', 'a bomb in the war'];
  const vectors = await encoder.encode(docs);
  const index = SparseIndex.open(await buildIndex(vectors.map((vector, i) => ({ id: `d${i}`, vector })), { vocabSize: 256 }));
  const documentTexts = { texts: (ids: readonly string[]): Promise<Array<string | null>> => Promise.resolve(ids.map((id) => docs[Number(id.slice(1))])) };
  const queries = ['atomic bomb', 'war'];
  const [query0, query1] = await encoder.encode(queries, { role: 'query' });
  const token = (term: number): string => encoder.tokenizer!.idToToken(term)!;
  type Hit = { id: string; score: number; text?: string; terms: Array<[string, number, number, number]> };
  const ask = async (body: object, withTexts = false): Promise<Hit[][]> => {
    const response = await createSpladeHandler(encoder, { index, ...(withTexts ? { documentTexts } : {}) })(post({ inputs: queries, top_k: 3, ...body }, '/search'));
    assert.is(response.status, 200);
    return (await response.json()) as Hit[][];
  };
  const all = await ask({ explain: true });
  const expected = [query0, query1].map((query) => index.search(query, { topK: 3 }).map(({ doc, id, score }) => ({
    id, score, terms: index.explain(query, doc).terms.map((m) => [token(m.term), m.query, m.document, m.contribution]),
  })));
  assert.equal(all, expected);
  assert.ok(all.flat().some((hit) => hit.terms.length > 1), 'a hit with several terms');
  // A number: the first so many terms; with documentTexts, text and terms together.
  const one = await ask({ explain: 1 }, true);
  assert.equal(one, expected.map((hits) => hits.map(({ id, score, terms }) => ({ id, score, text: docs[Number(id.slice(1))], terms: terms.slice(0, 1) }))));
  // false or null: the answer without terms.
  for (const explain of [false, null]) assert.ok(!('terms' in (await ask({ explain }))[0][0]), String(explain));
  for (const explain of [0, -1, 2.5, '3', 'yes', [1]]) {
    const bad = await createSpladeHandler(encoder, { index })(post({ inputs: 'atomic', explain }, '/search'));
    assert.is(bad.status, 422, JSON.stringify(explain));
    const answer = (await bad.json()) as { error: string; error_type: string };
    assert.is(answer.error, `\`explain\` must be true, false or a whole number of at least 1, got ${JSON.stringify(explain)}`);
    assert.is(answer.error_type, 'Validation');
  }
});

test.after(() => encoder.dispose());
test.run();
