// A Cloudflare Worker that turns text into a SPLADE vector:
//   curl -X POST --data 'The Manhattan Project' http://127.0.0.1:8787/
//   curl 'http://127.0.0.1:8787/?text=The+Manhattan+Project&top=5'
// answers { backend, terms: [[token, weight], ...], indices, values }; and speaks
// text-embeddings-inference's API (POST /embed_sparse, /tokenize, /decode, GET /info, GET /health) through
// splade-ts/serve, for clients written for TEI:
//   curl -X POST -H 'content-type: application/json' --data '{"inputs": ["The Manhattan Project"]}' http://127.0.0.1:8787/embed_sparse
//
// A Worker has no file system: the model's files are bundled with it as modules (see the
// rules in wrangler.toml), and the WebAssembly kernels too: Workers refuse to compile
// WebAssembly made at run time, so without `wasmModule` splade-ts would fall back to its
// slower TypeScript kernels (and say so once in the log).
import { SpladeEncoder, memoryModelFiles } from 'splade-ts';
import { createSpladeHandler } from 'splade-ts/serve';
import kernels from 'splade-ts/kernels.wasm';
import config from '../model/config.json';
import vocab from '../model/vocab.txt';
import weights from '../model/model.safetensors';

/** The encoder, loaded on the first request and kept for the next ones (per isolate). */
let loading;

function encoder() {
  loading ??= SpladeEncoder.fromPretrained(
    memoryModelFiles({ 'config.json': JSON.stringify(config), 'vocab.txt': vocab, 'model.safetensors': weights }, 'bundled model'),
    { wasmModule: kernels },
  ).catch((error) => {
    loading = undefined; // let a later request try again
    throw error;
  });
  return loading;
}

/** TEI's routes, answered by splade-ts/serve's handler over the same encoder. */
const TEI_ROUTES = new Set(['/embed_sparse', '/tokenize', '/decode', '/info', '/health']);
let tei;

/** The request's text: a POST body, or the `text` query parameter. */
async function requestText(request, url) {
  if (request.method === 'POST') return request.text();
  return url.searchParams.get('text') ?? '';
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (TEI_ROUTES.has(url.pathname)) {
      tei ??= createSpladeHandler(await encoder(), { modelId: 'bundled model' });
      return tei(request);
    }
    if (request.method !== 'GET' && request.method !== 'POST') {
      return Response.json({ error: 'use GET ?text=... or POST the text' }, { status: 405 });
    }
    const text = await requestText(request, url);
    if (text.trim() === '') return Response.json({ error: 'no text: POST it, or GET ?text=...' }, { status: 400 });
    const top = Number(url.searchParams.get('top') ?? 20);
    if (!Number.isInteger(top) || top < 1) return Response.json({ error: `top must be a positive integer, got ${url.searchParams.get('top')}` }, { status: 400 });
    const spladeEncoder = await encoder();
    const [vector] = await spladeEncoder.encode([text]);
    return Response.json({
      backend: spladeEncoder.backendInfo.name,
      terms: spladeEncoder.decode(vector, { topK: top }),
      indices: [...vector.indices],
      values: [...vector.values],
    });
  },
};
