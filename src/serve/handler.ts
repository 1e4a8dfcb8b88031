// An HTTP handler that serves SPLADE vectors with text-embeddings-inference's API (TEI,
// Hugging Face's embedding server: router/src/http/server.rs), so that clients, connectors and
// ingest pipelines written for TEI's `/embed_sparse` work against splade-ts unchanged. It is a
// function from a web-standard Request to a Response: Node (splade serve), Deno.serve,
// Bun.serve and a Worker's fetch all take it as it is.
import { InputError } from '../models/bert/input.js';
import { TokenizerError } from '../tokenizer/errors.js';
import type { SparseVector } from '../splade/sparse-vector.js';
import type { SpladeEncoder } from '../splade/encoder.js';
import { float32Text } from '../export/numbers.js';
import { errorResponse, HttpError } from './http-error.js';
import { parseEmbedRequest, type EmbedRequest } from './embed-request.js';
import { EncodeBatcher } from './encode-batcher.js';
import { RequestGate } from './request-gate.js';
import { modelInfo } from './model-info.js';

/** How the server behaves; the defaults are TEI's. */
export interface SpladeHandlerOptions {
  /** The model's name in GET /info (default `splade-ts`). */
  readonly modelId?: string;
  /** The weights' dtype in GET /info (default `float32`). */
  readonly modelDtype?: string;
  /** Most inputs in one request (default 32). */
  readonly maxClientBatchSize?: number;
  /** Requests let in at once, waiting or running; beyond, 429 (default 512). */
  readonly maxConcurrentRequests?: number;
  /** Whether a text too long for the model is cut (default true) or refused, when a request does not say. */
  readonly autoTruncate?: boolean;
  /** Most bytes of a request body; beyond, 413 (default 2,000,000). */
  readonly payloadLimit?: number;
  /** Sequences per forward pass (default: the encoder's). */
  readonly batchSize?: number;
  /** Most texts of waiting requests joined into one encode (default 64). */
  readonly maxBatchTexts?: number;
  /** Told of each failure that is not the client's (answered 424), e.g. to log it. */
  readonly onError?: (error: unknown) => void;
}

/** A web-standard request handler. */
export type SpladeHandler = (request: Request) => Promise<Response>;

/** Requests to these TEI routes get a clear 424: this server has no dense or pair model. */
const NOT_SERVED = ['/embed', '/embed_all', '/predict', '/rerank', '/similarity', '/embeddings', '/v1/embeddings', '/tokenize', '/decode'];
const HEALTH = ['/', '/health', '/ping'];

/**
 * The handler of a TEI-compatible server over `encoder`: POST /embed_sparse, GET /info, GET
 * /health (and / and /ping). One encode runs at a time, requests in arrival order; the texts
 * of requests waiting together share one (see EncodeBatcher).
 *
 * ```ts
 * const handler = createSpladeHandler(await SpladeEncoder.fromPretrained('model'));
 * Deno.serve(handler); // or Bun.serve({ fetch: handler }), or a Worker's fetch
 * ```
 */
export function createSpladeHandler(encoder: SpladeEncoder, options: SpladeHandlerOptions = {}): SpladeHandler {
  const settings = {
    maxClientBatchSize: options.maxClientBatchSize ?? 32,
    autoTruncate: options.autoTruncate ?? true,
    payloadLimit: options.payloadLimit ?? 2_000_000,
  };
  const gate = new RequestGate(options.maxConcurrentRequests ?? 512);
  const batcher = new EncodeBatcher(encoder, options.maxBatchTexts ?? 64, options.batchSize);
  const info = modelInfo(encoder, { ...options, ...settings, maxConcurrentRequests: gate.limit });
  return async (request) => {
    try {
      const path = new URL(request.url).pathname;
      if (HEALTH.includes(path)) return allow(request, 'GET') ?? new Response(null, { status: 200 });
      if (path === '/info') return allow(request, 'GET') ?? Response.json(info);
      if (path === '/embed_sparse') return allow(request, 'POST') ?? (await embedSparse(request));
      if (NOT_SERVED.includes(path)) throw new HttpError(`${path} is not served: splade-ts serves sparse vectors, POST /embed_sparse`, 'Backend');
      throw new HttpError(`no route ${path}`, 'Validation', 404);
    } catch (error) {
      if (error instanceof HttpError) return errorResponse(error);
      options.onError?.(error);
      return errorResponse(new HttpError(error instanceof Error ? error.message : String(error), 'Backend'));
    }
  };

  async function embedSparse(request: Request): Promise<Response> {
    const started = performance.now();
    const parsed = parseEmbedRequest(await readJson(request, settings.payloadLimit), settings);
    const leave = gate.enter();
    try {
      checkLengths(encoder, parsed);
      const vectors = await encodeInputs(batcher, encoder, parsed);
      // TEI's count: a text's UTF-16 length here (characters there), token ids one each.
      const characters = parsed.inputs.reduce((sum, input) => sum + input.length, 0);
      return new Response(sparseJson(vectors), {
        headers: {
          'content-type': 'application/json',
          'x-total-time': String(Math.round(performance.now() - started)),
          'x-compute-characters': String(characters),
        },
      });
    } catch (error) {
      if (error instanceof InputError || error instanceof TokenizerError) throw new HttpError(error.message, 'Validation');
      throw error;
    } finally {
      leave();
    }
  }
}

/** Nothing when the route takes the request's method (GET routes take HEAD too), else a 405 response. */
function allow(request: Request, method: 'GET' | 'POST'): Response | undefined {
  if (request.method === method || (method === 'GET' && request.method === 'HEAD')) return undefined;
  return errorResponse(new HttpError(`${request.method} is not allowed here: use ${method}`, 'Validation', 405));
}

/** The body as JSON, refused past `limit` bytes (413) or when it is not JSON (400). */
async function readJson(request: Request, limit: number): Promise<unknown> {
  const bytes = await readBody(request, limit);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new HttpError(`the body is not JSON: ${(error as Error).message}`, 'Validation', 400);
  }
}

/**
 * The body's bytes, read a chunk at a time so that a body past `limit` (its length unsaid, as
 * a chunked upload's is) is refused after `limit` bytes, not held whole.
 */
async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const tooLarge = new HttpError(`the body is larger than the payload limit of ${limit} bytes`, 'Validation', 413);
  if (Number(request.headers.get('content-length') ?? 0) > limit) throw tooLarge;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.length;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge;
    }
    chunks.push(chunk.value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** TEI's check when a request does not truncate: each text (and token ids always) within the model's limit. */
function checkLengths(encoder: SpladeEncoder, request: EmbedRequest): void {
  const role = request.query ? 'query' : 'document';
  const limit = encoder.defaultMaxLength(role);
  for (const input of request.inputs) {
    if (typeof input === 'string' && request.truncate) continue;
    const given = typeof input === 'string' ? encoder.tokenCount(input, role) : input.length;
    if (given > limit) throw new HttpError(`\`inputs\` must have less than ${limit} tokens. Given: ${given}`, 'Validation');
  }
}

/** The vectors of a request's inputs, in order: its texts joined with other requests', token ids run alone. */
async function encodeInputs(batcher: EncodeBatcher, encoder: SpladeEncoder, request: EmbedRequest): Promise<SparseVector[]> {
  const role = request.query ? 'query' : 'document';
  const texts = request.inputs.map((input, i) => ({ input, i })).filter((x): x is { input: string; i: number } => typeof x.input === 'string');
  const ids = request.inputs.map((input, i) => ({ input, i })).filter((x): x is { input: readonly number[]; i: number } => typeof x.input !== 'string');
  const out = new Array<SparseVector>(request.inputs.length);
  if (texts.length > 0) (await batcher.encode(texts.map((t) => t.input), role)).forEach((vector, k) => (out[texts[k].i] = vector));
  if (ids.length > 0) {
    // One row each: rows of one call must be of one length.
    const vectors = await batcher.alone(async () => {
      const rows: SparseVector[] = [];
      for (const { input } of ids) rows.push(...(await encoder.encodeInputIds({ input_ids: [input] }, { role })));
      return rows;
    });
    vectors.forEach((vector, k) => (out[ids[k].i] = vector));
  }
  return out;
}

/** TEI's response: per input, its non-zero weights as {index, value}, indices ascending. */
function sparseJson(vectors: readonly SparseVector[]): string {
  const rows = vectors.map((vector) => {
    const order = Array.from(vector.indices.keys()).sort((a, b) => vector.indices[a] - vector.indices[b]);
    const items = order.filter((k) => vector.values[k] !== 0).map((k) => `{"index":${vector.indices[k]},"value":${float32Text(vector.values[k])}}`);
    return `[${items.join(',')}]`;
  });
  return `[${rows.join(',')}]`;
}

