// POST /embed_sparse, as text-embeddings-inference answers it: per input, the non-zero weights
// of its SPLADE vector as {"index", "value"}, by index.
import type { SparseVector } from '../splade/sparse-vector.js';
import { shortestFloat32 } from '../splade/float32-text.js';
import type { ServeContext } from './context.js';
import { parseEmbedRequest } from './embed-request.js';
import { admitted, checkLengths, codePoints, encodeInputs } from './encode-inputs.js';
import { readJson } from './request-body.js';

export function embedSparse(context: ServeContext, request: Request): Promise<Response> {
  const started = performance.now();
  return admitted(context, async () => {
    const parsed = parseEmbedRequest(await readJson(request, context.limits.payloadLimit), context.limits);
    const role = parsed.query ? 'query' : 'document';
    checkLengths(context.encoder, parsed, role);
    const vectors = await encodeInputs(context, parsed, role, request.signal);
    // TEI's count: a text's characters (code points), token ids one each.
    const characters = parsed.inputs.reduce((sum, input) => sum + (typeof input === 'string' ? codePoints(input) : input.length), 0);
    return new Response(sparseJson(vectors), {
      headers: {
        'content-type': 'application/json',
        'x-total-time': String(Math.round(performance.now() - started)),
        'x-compute-characters': String(characters),
      },
    });
  });
}

/**
 * TEI's response: per input, its non-zero weights as {index, value}, indices ascending, which
 * is what a SparseVector holds (sparse-vector.ts: ascending ids, no zero weight).
 */
export function sparseJson(vectors: readonly SparseVector[]): string {
  const rows = vectors.map(({ indices, values }) => {
    const items = Array.from(indices, (index, k) => `{"index":${index},"value":${shortestFloat32(values[k])}}`);
    return `[${items.join(',')}]`;
  });
  return `[${rows.join(',')}]`;
}
