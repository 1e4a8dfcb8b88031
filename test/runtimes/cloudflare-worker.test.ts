// examples/cloudflare-worker under workerd (Cloudflare's Workers runtime, from npm): bundled
// as wrangler does, with a generated tiny model as its data modules, served on 127.0.0.1 at a
// free port. Its answer must be the vector splade-ts computes under Node for the same text and
// model (same WebAssembly kernels, one thread: bit for bit), on the SIMD kernels it was given;
// bad requests get a 4xx with a reason. Skipped, with the reason printed, when workerd is not
// installed here (.ci/run installs it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { createBackend } from '../../src/node/backend.js';
import { BertTokenizer } from '../../src/tokenizer/index.js';
import { PRESETS, writeRandomBertFolder } from '../../tools/generate-model.js';
import { BINARIES, buildLibrary, ROOT, type BuiltLibrary } from './matrix.js';
import { bundleWorker, Workerd } from './workerd.js';

const EXAMPLE = join(ROOT, 'examples/cloudflare-worker');
const TEXT = 'The Manhattan Project and its atomic bomb helped bring an end to World War II.';

interface Answer {
  backend: string;
  terms: Array<[string, number]>;
  indices: number[];
  values: number[];
  error?: string;
}

const skip = existsSync(BINARIES.workerd) ? undefined : `workerd is not installed (${BINARIES.workerd}); install it with: npm ci --prefix tools/runtimes --ignore-scripts`;
const cache = join(ROOT, 'node_modules/.cache');
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, 'splade-worker-example-'));
let workerd: Workerd | undefined;
let lib: BuiltLibrary | undefined;
let expected: { indices: number[]; values: number[]; terms: Array<[string, number]>; ids: number[]; decoded: string };

test.before(async () => {
  if (skip) return;
  const model = join(dir, 'model');
  await writeRandomBertFolder(model, { ...PRESETS.tiny, seed: 7 });
  const encoder = await SpladeEncoder.fromPretrained(model, { backend: await createBackend({ threads: 1 }) });
  const [vector] = await encoder.encode([TEXT]);
  const tokenizer = encoder.tokenizer;
  if (!(tokenizer instanceof BertTokenizer)) throw new Error('the generated model has a WordPiece tokenizer');
  const { ids } = tokenizer.encode(TEXT);
  expected = { indices: [...vector.indices], values: [...vector.values], terms: encoder.decode(vector, { topK: 5 }), ids, decoded: tokenizer.decode(ids, { skipSpecialTokens: true }) };
  encoder.dispose();
  const out = join(dir, 'worker');
  mkdirSync(out);
  lib = await buildLibrary();
  const modules = await bundleWorker(join(EXAMPLE, 'src/worker.js'), out, lib.dist, { [join(EXAMPLE, 'model')]: model });
  workerd = await Workerd.start(BINARIES.workerd, out, modules);
});

test.after(async () => {
  await workerd?.stop();
  lib?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

if (skip) {
  console.log(`runtimes/cloudflare-worker: skipping: ${skip}`);
  test.skip('the example Worker under workerd');
} else {
  test('POST text: the vector splade-ts computes under Node, on the shipped SIMD kernels', async () => {
    const response = await fetch(`${workerd!.origin}/?top=5`, { method: 'POST', body: TEXT });
    assert.is(response.status, 200);
    const answer = (await response.json()) as Answer;
    assert.is(answer.backend, 'cpu-wasm-simd', 'the Worker passes kernels.wasm: no TypeScript fallback');
    assert.ok(expected.indices.length > 0);
    assert.equal(answer.indices, expected.indices);
    assert.equal(answer.values, expected.values);
    assert.equal(answer.terms, expected.terms);
    assert.not.match(workerd!.log, /TypeScript kernels/, 'no fallback notice');
  });

  test('GET ?text= gives the same answer; the encoder is loaded once and reused', async () => {
    const response = await fetch(`${workerd!.origin}/?top=5&text=${encodeURIComponent(TEXT)}`);
    assert.is(response.status, 200);
    const answer = (await response.json()) as Answer;
    assert.equal(answer.values, expected.values);
  });

  test('TEI\'s POST /embed_sparse (splade-ts/serve in the Worker): the same vector; /info, /health, TEI\'s errors', async () => {
    const response = await fetch(`${workerd!.origin}/embed_sparse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [TEXT] }) });
    assert.is(response.status, 200);
    const [row] = (await response.json()) as Array<Array<{ index: number; value: number }>>;
    assert.equal(row.map((x) => x.index), expected.indices);
    // The shortest text of each float32: equal once read back as float32.
    assert.equal(row.map((x) => Math.fround(x.value)), expected.values);
    const info = (await (await fetch(`${workerd!.origin}/info`)).json()) as { model_id: string; model_type: unknown };
    assert.equal([info.model_id, info.model_type], ['bundled model', { embedding: { pooling: 'splade' } }]);
    assert.is((await fetch(`${workerd!.origin}/health`)).status, 200);
    const empty = await fetch(`${workerd!.origin}/embed_sparse`, { method: 'POST', body: '{"inputs": []}' });
    assert.is(empty.status, 400);
    assert.equal(await empty.json(), { error: '`inputs` cannot be empty', error_type: 'Empty' });
  });

  test('TEI\'s POST /tokenize and POST /decode in the Worker: the tokenizer\'s ids and text under Node', async () => {
    const tokenized = await fetch(`${workerd!.origin}/tokenize`, { method: 'POST', body: JSON.stringify({ inputs: TEXT }) });
    assert.is(tokenized.status, 200);
    const [tokens] = (await tokenized.json()) as Array<Array<{ id: number }>>;
    assert.equal(tokens.map((t) => t.id), expected.ids);
    const decoded = await fetch(`${workerd!.origin}/decode`, { method: 'POST', body: JSON.stringify({ ids: expected.ids }) });
    assert.equal([decoded.status, await decoded.json()], [200, [expected.decoded]]);
  });

  test('bad requests: 400 or 405 with the reason', async () => {
    const cases: Array<[string, RequestInit, number, RegExp]> = [
      ['/', { method: 'GET' }, 400, /no text/],
      ['/?top=0&text=a', { method: 'GET' }, 400, /top must be a positive integer/],
      ['/', { method: 'PUT', body: 'a' }, 405, /use GET/],
    ];
    for (const [path, init, status, reason] of cases) {
      const response = await fetch(`${workerd!.origin}${path}`, init);
      assert.is(response.status, status, path);
      assert.match(((await response.json()) as Answer).error ?? '', reason);
    }
  });
}

test.run();
