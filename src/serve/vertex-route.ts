// POST /vertex, text-embeddings-inference's route for Google Vertex AI (router/src/http/server.rs
// `vertex_compatibility`): {"instances": [body, ...]}, each instance a body of /embed_sparse
// (for a SPLADE model), answered {"predictions": [answer, ...]} in order. Each instance is
// checked as /embed_sparse checks its body, and their inputs in all are held to
// max_concurrent_requests, as TEI's permits hold them. Their texts are encoded together (the
// batcher joins them).
import type { ServeContext } from './context.js';
import { parseEmbedRequest, type EmbedRequest } from './embed-request.js';
import { sparseJson } from './embed-route.js';
import { admitted, checkLengths, encodeInputs } from './encode-inputs.js';
import { HttpError } from './http-error.js';
import { readJson } from './request-body.js';

export function vertexRoute(context: ServeContext, request: Request): Promise<Response> {
  return admitted(context, async () => {
    const instances = vertexInstances(await readJson(request, context.limits.payloadLimit));
    const parsed = instances.map((instance, i) => naming(i, () => checkedInstance(context, instance)));
    // TEI takes a permit an input, so that its max_concurrent_requests bounds a request of many
    // instances too; here a request holds one, and its inputs in all are held to the limit.
    if (parsed.reduce((sum, instance) => sum + instance.inputs.length, 0) > context.gate.limit) throw new HttpError('Model is overloaded', 'Overloaded');
    const answers = await Promise.all(parsed.map(async (instance) => sparseJson(await encodeInputs(context, instance, role(instance), request.signal))));
    return new Response(`{"predictions":[${answers.join(',')}]}`, { headers: { 'content-type': 'application/json' } });
  });
}

/** `instances`, an array, or an HttpError saying it is missing or of another type. */
function vertexInstances(body: unknown): unknown[] {
  const instances = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).instances : undefined;
  if (!Array.isArray(instances)) throw new HttpError('`instances` must be an array of /embed_sparse bodies: {"instances": [{"inputs": ...}, ...]}', 'Validation');
  return instances;
}

/**
 * One instance as /embed_sparse checks its body. TEI tries a rerank body first ({query,
 * texts}), which a SPLADE model cannot answer: refused as the /rerank route is.
 */
function checkedInstance(context: ServeContext, instance: unknown): EmbedRequest {
  const fields = typeof instance === 'object' && instance !== null ? (instance as Record<string, unknown>) : {};
  if (typeof fields.query === 'string' && Array.isArray(fields.texts)) {
    throw new HttpError('rerank is not served: splade-ts serves sparse vectors ({"inputs": ...})', 'Backend');
  }
  const parsed = parseEmbedRequest(instance, context.limits);
  checkLengths(context.encoder, parsed, role(parsed));
  return parsed;
}

function role(request: EmbedRequest): 'query' | 'document' {
  return request.query ? 'query' : 'document';
}

/** `check()`, its HttpError's message prefixed with the instance it is about. */
function naming<T>(index: number, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    throw new HttpError(`\`instances\`[${index}]: ${error.message}`, error.errorType, error.status);
  }
}
