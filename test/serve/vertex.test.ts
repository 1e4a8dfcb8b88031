// POST /vertex, TEI's route for Google Vertex AI: {"instances": [a /embed_sparse body, ...]}
// answered {"predictions": [that body's answer, ...]}, each instance checked as /embed_sparse
// checks its body.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { createSpladeHandler } from '../../src/serve/handler.js';
import type { SparseVector } from '../../src/splade/sparse-vector.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const encoder = await SpladeEncoder.fromPretrained(join(root, 'test/parity/fixtures/f32'), { backend: 'cpu', threads: 2 });
const handler = createSpladeHandler(encoder, { maxClientBatchSize: 2 });

async function vertex(body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await handler(new Request('http://localhost/vertex', { method: 'POST', body: JSON.stringify(body) }));
  return { status: response.status, body: await response.json() };
}

/** TEI's rows of vectors: non-zero weights as {index, value}, by index. */
function rows(vectors: SparseVector[]): Array<Array<{ index: number; value: number }>> {
  return vectors.map(({ indices, values }) => Array.from(indices, (index, k) => ({ index, value: values[k] })).filter((x) => x.value !== 0));
}

function asFloat32(got: unknown): unknown {
  return JSON.parse(JSON.stringify(got), (key, value: unknown) => (key === 'value' ? Math.fround(value as number) : value));
}

test('each instance is answered as /embed_sparse answers it, in order', async () => {
  const got = await vertex({ instances: [{ inputs: 'the atomic bomb' }, { inputs: ['world war', 'a'], truncate: true }, { inputs: 'bomb', query: true }] });
  assert.is(got.status, 200, JSON.stringify(got.body));
  const expected = [rows(await encoder.encode(['the atomic bomb'])), rows(await encoder.encode(['world war', 'a'])), rows(await encoder.encode(['bomb'], { role: 'query' }))];
  assert.equal(asFloat32(got.body), { predictions: expected });
  assert.equal(await vertex({ instances: [] }), { status: 200, body: { predictions: [] } });
});

test('what /embed_sparse refuses, in any instance, is refused naming the instance; a rerank instance is not served', async () => {
  const cases: Array<[unknown, number, string, RegExp]> = [
    [{ instances: 'the atomic bomb' }, 422, 'Validation', /^`instances` must be an array/],
    [{ inputs: 'the atomic bomb' }, 422, 'Validation', /^`instances` must be an array/],
    [{ instances: [{ inputs: 'a' }, { inputs: 7 }] }, 422, 'Validation', /^`instances`\[1\]: `inputs` must be a string/],
    [{ instances: [{ inputs: ['a', 'b', 'c'] }] }, 422, 'Validation', /^`instances`\[0\]: batch size 3 > maximum allowed batch size 2$/],
    [{ instances: [{ inputs: '' }] }, 400, 'Empty', /^`instances`\[0\]: `inputs` cannot be empty$/],
    [{ instances: [{ query: 'bomb', texts: ['a', 'b'] }] }, 424, 'Backend', /rerank is not served/],
  ];
  for (const [body, status, errorType, message] of cases) {
    const got = await vertex(body);
    const error = got.body as { error: string; error_type: string };
    assert.is(got.status, status, error.error);
    assert.is(error.error_type, errorType, error.error);
    assert.match(error.error, message);
  }
});

test('more inputs in all than --max-concurrent-requests is TEI\'s 429 (a permit an input there), so that many instances cannot run unbounded', async () => {
  const small = createSpladeHandler(encoder, { maxConcurrentRequests: 3 });
  const response = await small(new Request('http://localhost/vertex', { method: 'POST', body: JSON.stringify({ instances: [{ inputs: ['a', 'b'] }, { inputs: ['c', 'd'] }] }) }));
  assert.is(response.status, 429);
  assert.equal(await response.json(), { error: 'Model is overloaded', error_type: 'Overloaded' });
  const within = await small(new Request('http://localhost/vertex', { method: 'POST', body: JSON.stringify({ instances: [{ inputs: ['a', 'b'] }, { inputs: 'c' }] }) }));
  assert.is(within.status, 200);
});

test.run();
