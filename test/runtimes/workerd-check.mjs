// The runtime matrix's check as a Cloudflare Worker (run under workerd by matrix.test.ts):
// the fixture's files are bundled as modules, as a Worker must have them (no file system).
// GET /?kernels=shipped passes the shipped kernels.wasm as wasmModule; otherwise default
// options. Answers parityCheck's result as JSON. (Clocks stand still inside a Worker while it
// computes, so the times are measured by the test, around the request.)
import * as splade from 'splade-ts';
import kernels from 'splade-ts/kernels.wasm';
import config from '../parity/fixtures/f32/config.json';
import model from '../parity/fixtures/f32/model.safetensors';
import vocab from '../parity/fixtures/f32/vocab.txt';
import inputs from '../parity/fixtures/f32/inputs.json';
import expected from '../parity/fixtures/f32/expected.safetensors';
import { parityCheck } from './parity-check.mjs';

const text = (value) => new TextEncoder().encode(value);
const files = {
  'config.json': text(JSON.stringify(config)),
  'model.safetensors': new Uint8Array(model),
  'vocab.txt': text(vocab),
  'inputs.json': text(JSON.stringify(inputs)),
  'expected.safetensors': new Uint8Array(expected),
};

export default {
  async fetch(request) {
    if (request.method === 'HEAD') return new Response(null);
    const shipped = new URL(request.url).searchParams.get('kernels') === 'shipped';
    try {
      return Response.json(await parityCheck(splade, files, shipped ? { wasmModule: kernels } : {}));
    } catch (error) {
      return Response.json({ error: String(error && error.stack || error) }, { status: 500 });
    }
  },
};
