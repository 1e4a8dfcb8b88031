// One runtime's side of the serve test (Node, Bun and Deno run this file as it is):
//   <runtime> serve-check.mjs <entry folder> <fixture folder> <text>
// imports splade.js / index.js and serve.js from the entry folder, loads the fixture from
// bytes, serves createSpladeHandler with the runtime's own server (Deno.serve, Bun.serve, or
// splade-ts/node's listen under Node) on 127.0.0.1 at a free port, posts the text to
// /embed_sparse through the network, and prints one line: RESULT <json> (the server's name and
// the response's status and body).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [folder, fixture, text] = process.argv.slice(2);
const load = (name) => import(pathToFileURL(join(resolve(folder), name)).href);
const splade = await load(existsSync(join(folder, 'splade.js')) ? 'splade.js' : 'index.js');
const { createSpladeHandler } = await load('serve.js');
const files = Object.fromEntries(['config.json', 'model.safetensors', 'vocab.txt'].map((name) => [name, new Uint8Array(readFileSync(join(fixture, name)))]));
const encoder = await splade.SpladeEncoder.fromPretrained(splade.memoryModelFiles(files, 'fixture f32'), { threads: 1 });
const handler = createSpladeHandler(encoder);

/** Starts the runtime's own server; resolves to { server name, url, stop }. */
async function start() {
  if (globalThis.Deno) {
    const listening = Promise.withResolvers();
    const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: (addr) => listening.resolve(addr) }, handler);
    const { port } = await listening.promise;
    return { name: 'Deno.serve', url: `http://127.0.0.1:${port}`, stop: () => server.shutdown() };
  }
  if (globalThis.Bun) {
    const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handler });
    return { name: 'Bun.serve', url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
  }
  const { listen } = await load('node.js');
  const listening = await listen(handler, { host: '127.0.0.1', port: 0 });
  return { name: 'node:http (listen)', url: listening.url, stop: () => listening.close() };
}

const server = await start();
try {
  const response = await fetch(`${server.url}/embed_sparse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [text] }) });
  const body = await response.json();
  const refused = await fetch(`${server.url}/embed_sparse`, { method: 'POST', body: JSON.stringify({ inputs: [] }) });
  console.log(`RESULT ${JSON.stringify({ server: server.name, status: response.status, body, refused: { status: refused.status, body: await refused.json() } })}`);
} finally {
  await server.stop();
  encoder.dispose();
}
