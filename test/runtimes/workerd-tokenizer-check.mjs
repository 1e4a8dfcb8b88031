// The Worker of workerd-check.mjs (the parity check, GET /?kernels=shipped as there) with the
// tokenizer check added (tokenizer-check.mjs): the tokenizer.json files and cases.json are
// Data modules of the Worker (matrix.ts bundles ./tokenizer-cases/ from the cases folder that
// tokenizer-cases.ts wrote), and splade-ts/tokenizer is the shipped browser/tokenizer.js.
// Answers parityCheck's result with `tokenizers` added.
import * as splade from 'splade-ts';
import * as tokenizer from 'splade-ts/tokenizer';
import wordpiece from './tokenizer-cases/wordpiece/tokenizer.json';
import bpe from './tokenizer-cases/bpe/tokenizer.json';
import unigram from './tokenizer-cases/unigram/tokenizer.json';
import cases from './tokenizer-cases/cases.json';
import parityWorker from './workerd-check.mjs';
import { tokenizerCheck } from './tokenizer-check.mjs';

const files = {
  'wordpiece/tokenizer.json': new Uint8Array(wordpiece),
  'bpe/tokenizer.json': new Uint8Array(bpe),
  'unigram/tokenizer.json': new Uint8Array(unigram),
  'cases.json': new Uint8Array(cases),
};

export default {
  async fetch(request) {
    const response = await parityWorker.fetch(request);
    if (request.method === 'HEAD' || !response.ok) return response;
    try {
      return Response.json({ ...(await response.json()), tokenizers: await tokenizerCheck(splade, tokenizer, files) });
    } catch (error) {
      return Response.json({ error: String(error && error.stack || error) }, { status: 500 });
    }
  },
};
