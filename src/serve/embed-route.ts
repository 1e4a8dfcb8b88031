// POST /embed_sparse, as text-embeddings-inference answers it: per input, the non-zero weights
// of its SPLADE vector as {"index", "value"}, by index.
import { InputError } from '../models/bert/input.js';
import { TokenizerError } from '../tokenizer/errors.js';
import type { SparseVector } from '../splade/sparse-vector.js';
import type { SpladeEncoder } from '../splade/encoder.js';
import { float32Text } from '../export/numbers.js';
import type { ServeContext } from './context.js';
import { HttpError } from './http-error.js';
import { parseEmbedRequest, type EmbedRequest } from './embed-request.js';
import { readJson } from './request-body.js';

export function embedSparse(context: ServeContext, request: Request): Promise<Response> {
  const started = performance.now();
  return admitted(context, async () => {
    const parsed = parseEmbedRequest(await readJson(request, context.limits.payloadLimit), context.limits);
    const role = parsed.query ? 'query' : 'document';
    checkLengths(context.encoder, parsed, role);
    const vectors = await encodeInputs(context, parsed, role);
    // TEI's count: a text's UTF-16 length here (characters there), token ids one each.
    const characters = parsed.inputs.reduce((sum, input) => sum + input.length, 0);
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
 * `work` as an admitted request (429 past the gate's limit); the model's input errors as 422.
 * A request is let in before its body is read, so that the gate's limit bounds the bodies
 * held as well as the encodes waiting.
 */
export async function admitted<T>({ gate }: ServeContext, work: () => Promise<T>): Promise<T> {
  const leave = gate.enter();
  try {
    return await work();
  } catch (error) {
    if (error instanceof InputError || error instanceof TokenizerError) throw new HttpError(error.message, 'Validation');
    throw error;
  } finally {
    leave();
  }
}

/** TEI's check when a request does not truncate: each text (and token ids always) within the model's limit. */
export function checkLengths(encoder: SpladeEncoder, request: EmbedRequest, role: 'query' | 'document'): void {
  const limit = encoder.defaultMaxLength(role);
  for (const input of request.inputs) {
    if (typeof input === 'string' && request.truncate) continue;
    const given = typeof input === 'string' ? encoder.tokenCount(input, role) : input.length;
    if (given > limit) throw new HttpError(`\`inputs\` must have less than ${limit} tokens. Given: ${given}`, 'Validation');
  }
}

/** The vectors of a request's inputs, in order: its texts joined with other requests', token ids run alone. */
export async function encodeInputs({ batcher, encoder }: ServeContext, request: EmbedRequest, role: 'query' | 'document'): Promise<SparseVector[]> {
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

