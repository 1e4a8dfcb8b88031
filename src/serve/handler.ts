// An HTTP handler that serves SPLADE vectors with text-embeddings-inference's API (TEI,
// Hugging Face's embedding server: router/src/http/server.rs), so that clients, connectors and
// ingest pipelines written for TEI's `/embed_sparse` work against splade-ts unchanged. It is a
// function from a web-standard Request to a Response: Node (splade serve), Deno.serve,
// Bun.serve and a Worker's fetch all take it as it is.
import { SpladeError } from '../errors.js';
import type { SparseIndex } from '../search/sparse-index.js';
import type { SpladeEncoder } from '../splade/encoder.js';
import type { ServeContext } from './context.js';
import { embedSparse } from './embed-route.js';
import { errorResponse, HttpError } from './http-error.js';
import { EncodeBatcher } from './encode-batcher.js';
import { corsHeaders, preflight } from './cors.js';
import { RequestGate } from './request-gate.js';
import { searchRoute, type DocumentTexts, type SearchSource } from './search-route.js';
import { tokenizeRoute } from './tokenize-route.js';
import { decodeRoute } from './decode-route.js';
import { vertexRoute } from './vertex-route.js';
import { modelInfo, type ModelInfo } from './model-info.js';

/** How the server behaves; the defaults are TEI's. */
export interface SpladeHandlerOptions {
  /** The model's name in GET /info (default `splade-ts`). */
  readonly modelId?: string;
  /** The weights' dtype in GET /info (default `float32`). */
  readonly modelDtype?: string;
  /** Most inputs in one request (default 32). */
  readonly maxClientBatchSize?: number;
  /** Requests let in at once, reading their body, waiting or running; beyond, 429 (default 512). */
  readonly maxConcurrentRequests?: number;
  /** Whether a text too long for the model is cut (default true) or refused, when a request does not say. */
  readonly autoTruncate?: boolean;
  /** Most bytes of a request body; beyond, 413 (default 2,000,000). */
  readonly payloadLimit?: number;
  /** Sequences per forward pass (default: the encoder's). */
  readonly batchSize?: number;
  /** Most texts of waiting requests joined into one encode (default 64). */
  readonly maxBatchTexts?: number;
  /**
   * An index of document vectors (`splade index`) to serve POST /search over: queries
   * encoded, then its exact top k. Its terms must be of the model's vocabulary.
   */
  readonly index?: SparseIndex;
  /**
   * The texts of the index's documents (`CorpusTexts` of splade-ts/node reads them from the
   * corpus file): POST /search then answers `{"id", "score", "text"}` per hit, text null for a
   * document they do not have.
   */
  readonly documentTexts?: DocumentTexts;
  /**
   * Origins whose web pages may call the server (`*`: any), as TEI's `--cors-allow-origin`;
   * default none (TEI's default is any).
   */
  readonly corsAllowOrigin?: readonly string[];
  /** Told of each failure that is not the client's (answered 424), e.g. to log it. */
  readonly onError?: (error: unknown) => void;
}

/** A web-standard request handler. */
export interface SpladeHandler {
  (request: Request): Promise<Response>;
  /** Resolves once no encode runs or waits: a shutdown awaits it before disposing the encoder. */
  idle(): Promise<void>;
}

/** Requests to these TEI routes get a clear 424: this server has no dense or pair model. */
const NOT_SERVED = ['/embed', '/embed_all', '/predict', '/rerank', '/similarity', '/embeddings', '/v1/embeddings'];
const HEALTH = ['/', '/health', '/ping'];
/** TEI serves a SPLADE model's /embed_sparse at POST / and /invocations (SageMaker's) too. */
const EMBED_SPARSE = ['/embed_sparse', '/invocations'];

/**
 * The handler of a TEI-compatible server over `encoder`: POST /embed_sparse (and / and
 * /invocations, as TEI), POST /vertex (Vertex AI's instances of /embed_sparse bodies),
 * POST /tokenize and POST /decode (the document model's tokenizer), GET /info, GET /health
 * (and / and /ping); with `index`, POST /search. One encode runs at a time, requests in arrival order; the texts of requests
 * waiting together share one (see EncodeBatcher). A request whose signal aborts (its client
 * gone: splade-ts/node's listen aborts it) is dropped from the queue and lets its permit go.
 * @throws SpladeError when `index` has more terms than the model's vocabulary, or
 *   `documentTexts` come without an index
 *
 * ```ts
 * const handler = createSpladeHandler(await SpladeEncoder.fromPretrained('model'));
 * Deno.serve(handler); // or Bun.serve({ fetch: handler }), or a Worker's fetch
 * ```
 */
export function createSpladeHandler(encoder: SpladeEncoder, options: SpladeHandlerOptions = {}): SpladeHandler {
  const { index, documentTexts } = options;
  if (documentTexts && !index) throw new SpladeError("documentTexts are the texts of an index's documents: give the index too");
  const vocab = encoder.model.sizes.vocab_size;
  // An index of fewer terms is usual (`splade index` stops at the largest term id seen); one of
  // more holds terms this model never gives: vectors of another model.
  if (index && index.vocabSize > vocab) {
    throw new SpladeError(`the index has ${index.vocabSize} terms, more than the model's vocabulary of ${vocab}: build it from vectors of this model`);
  }
  const settings = {
    maxClientBatchSize: options.maxClientBatchSize ?? 32,
    autoTruncate: options.autoTruncate ?? true,
    payloadLimit: options.payloadLimit ?? 2_000_000,
  };
  const gate = new RequestGate(options.maxConcurrentRequests ?? 512);
  const context: ServeContext = { encoder, gate, batcher: new EncodeBatcher(encoder, options.maxBatchTexts ?? 64, options.batchSize), limits: settings };
  const info = modelInfo(encoder, { ...options, ...settings, maxConcurrentRequests: gate.limit, searchTexts: documentTexts !== undefined });
  const search = index && { index, texts: documentTexts };
  const routes: Routes = { context, info, search, onError: options.onError };
  const origins = options.corsAllowOrigin ?? [];
  const handler = async (request: Request): Promise<Response> => {
    const response = preflight(request, origins) ?? (await route(routes, request));
    for (const [name, value] of Object.entries(corsHeaders(request, origins) ?? {})) response.headers.set(name, value);
    return response;
  };
  return Object.assign(handler, { idle: () => context.batcher.idle() });
}

/** What the routes answer from. */
interface Routes {
  readonly context: ServeContext;
  readonly info: ModelInfo;
  readonly search: SearchSource | undefined;
  readonly onError: ((error: unknown) => void) | undefined;
}

/** The answer of the route the request names; every failure as TEI's error JSON. */
async function route({ context, info, search, onError }: Routes, request: Request): Promise<Response> {
  try {
    const path = new URL(request.url).pathname;
    if (EMBED_SPARSE.includes(path) || (path === '/' && request.method === 'POST')) return allow(request, 'POST') ?? (await embedSparse(context, request));
    if (HEALTH.includes(path)) return allow(request, 'GET') ?? new Response(null, { status: 200 });
    if (path === '/info') return allow(request, 'GET') ?? Response.json(info);
    if (path === '/tokenize') return allow(request, 'POST') ?? (await tokenizeRoute(context, request));
    if (path === '/decode') return allow(request, 'POST') ?? (await decodeRoute(context, request));
    if (path === '/vertex') return allow(request, 'POST') ?? (await vertexRoute(context, request));
    if (path === '/search' && search) return allow(request, 'POST') ?? (await searchRoute(context, search, request));
    if (NOT_SERVED.includes(path)) throw new HttpError(`${path} is not served: splade-ts serves sparse vectors, POST /embed_sparse`, 'Backend');
    throw new HttpError(`no route ${path}`, 'Validation', 404);
  } catch (error) {
    if (error instanceof HttpError) return errorResponse(error);
    // The client has gone (the request's signal aborted; see EncodeBatcher): nobody reads this
    // answer, and it is no failure of the server's to report. 499 is nginx's 'client closed request'.
    if (request.signal?.aborted) return new Response(null, { status: 499 });
    onError?.(error);
    return errorResponse(new HttpError(error instanceof Error ? error.message : String(error), 'Backend'));
  }
}

/**
 * Nothing when the route takes the request's method (GET routes take HEAD too), else a 405
 * response with the `Allow` header that HTTP requires of one (RFC 9110 15.5.6), as TEI's has.
 */
function allow(request: Request, method: 'GET' | 'POST'): Response | undefined {
  if (request.method === method || (method === 'GET' && request.method === 'HEAD')) return undefined;
  const response = errorResponse(new HttpError(`${request.method} is not allowed here: use ${method}`, 'Validation', 405));
  response.headers.set('allow', method === 'GET' ? 'GET, HEAD' : 'POST');
  return response;
}
