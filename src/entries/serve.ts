// splade-ts/serve: SPLADE vectors over HTTP with text-embeddings-inference's API, as a
// web-standard request handler (Deno.serve, Bun.serve, a Worker's fetch; in Node, `listen` of
// splade-ts/node or `splade serve`).
export { createSpladeHandler, type SpladeHandler, type SpladeHandlerOptions } from '../serve/handler.js';
export { HttpError, type ErrorType } from '../serve/http-error.js';
export type { EmbedInput, EmbedRequest } from '../serve/embed-request.js';
export type { ModelInfo } from '../serve/model-info.js';
export type { DecodeRequest, TokenizeRequest } from '../serve/tokenize-request.js';
export type { SimpleToken } from '../serve/tokenize-route.js';
export type { DocumentTexts } from '../serve/search-route.js';
