// The browser entry's SpladeEncoder reads a string location as a URL: served over HTTP from a
// local server, the fixture model gives the same vectors as from disk.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeEncoder as BrowserSpladeEncoder } from '../../src/index.js';
import { SpladeEncoder as NodeSpladeEncoder } from '../../src/index.node.js';

const fixtures = fileURLToPath(new URL('../parity/fixtures/', import.meta.url));
let server: Server;
let base = '';

test.before(async () => {
  server = createServer((request, response) => {
    const path = normalize(join(fixtures, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
    readFile(path).then(
      (bytes) => {
        response.writeHead(200, { 'content-length': bytes.length });
        response.end(request.method === 'HEAD' ? undefined : bytes);
      },
      () => {
        response.writeHead(404);
        response.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

test.after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('fromPretrained(url) in the browser entry equals fromPretrained(folder) in Node', async () => {
  const overHttp = await BrowserSpladeEncoder.fromPretrained(`${base}/token-types/`);
  const fromDisk = await NodeSpladeEncoder.fromPretrained(join(fixtures, 'token-types'));
  const rows = JSON.parse(await readFile(join(fixtures, 'token-types/inputs.json'), 'utf8'));
  const a = await overHttp.encodeInputIds(rows);
  const b = await fromDisk.encodeInputIds(rows);
  assert.equal(a.map((v) => Array.from(v.indices)), b.map((v) => Array.from(v.indices)));
  assert.equal(a.map((v) => Array.from(v.values)), b.map((v) => Array.from(v.values)));
  assert.ok(overHttp.tokenizer, 'vocab.txt fetched too');
});

test('a URL without a model is an error naming it', async () => {
  let message = '';
  await BrowserSpladeEncoder.fromPretrained(`${base}/no-such-model`).catch((e: Error) => (message = e.message));
  assert.match(message, /no-such-model/);
  assert.match(message, /config\.json/);
});

test.run();
