// What /embed_sparse and /search share: a request's admission through the gate, TEI's length
// check of its inputs, and their encode (texts joined with other requests', token ids alone).
import { InputError } from '../models/bert/input.js';
import { TokenizerError } from '../tokenizer/errors.js';
import type { SparseVector } from '../splade/sparse-vector.js';
import type { SpladeEncoder } from '../splade/encoder.js';
import type { ServeContext } from './context.js';
import { HttpError } from './http-error.js';
import type { EmbedRequest } from './embed-request.js';

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

/** TEI's bound on a text's characters per token of the limit. */
const MAX_CHARS_PER_TOKEN = 250;

/** TEI's check when a request does not truncate: each text (and token ids always) within the model's limit. */
export function checkLengths(encoder: SpladeEncoder, request: EmbedRequest, role: 'query' | 'document'): void {
  const limit = encoder.defaultMaxLength(role);
  const tooLong = (given: number): HttpError => new HttpError(`\`inputs\` must have less than ${limit} tokens. Given: ${given}`, 'Validation');
  for (const input of request.inputs) {
    if (typeof input !== 'string') {
      if (input.length > limit) throw tooLong(input.length);
      continue;
    }
    if (request.truncate) continue;
    checkCharacters(input, limit);
    const given = encoder.tokenCount(input, role);
    if (given > limit) throw tooLong(given);
  }
}

/**
 * TEI's first check of a text it does not cut (core/src/tokenization.rs, MAX_CHAR_MULTIPLIER):
 * a text of more characters than 250 a token of `limit` is refused before it is tokenized,
 * which would take long.
 */
export function checkCharacters(text: string, limit: number): void {
  const bound = limit * MAX_CHARS_PER_TOKEN;
  const chars = text.length > bound ? codePoints(text) : text.length;
  if (chars > bound) throw new HttpError(`\`inputs\` must have less than ${bound} characters. Given: ${chars}`, 'Validation');
}

/** Characters as TEI counts them (Rust's chars: code points), without an array of them. */
export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * The vectors of a request's inputs, in order: its texts joined with other requests', token ids
 * run alone.
 * @param signal the web request's: once aborted (its client gone), what still waits is dropped
 */
export async function encodeInputs(
  { batcher, encoder }: ServeContext,
  request: EmbedRequest,
  role: 'query' | 'document',
  signal: AbortSignal | undefined,
): Promise<SparseVector[]> {
  const texts = request.inputs.map((input, i) => ({ input, i })).filter((x): x is { input: string; i: number } => typeof x.input === 'string');
  const ids = request.inputs.map((input, i) => ({ input, i })).filter((x): x is { input: readonly number[]; i: number } => typeof x.input !== 'string');
  const out = new Array<SparseVector>(request.inputs.length);
  if (texts.length > 0) (await batcher.encode(texts.map((t) => t.input), role, { truncation: request.truncation, signal })).forEach((vector, k) => (out[texts[k].i] = vector));
  if (ids.length > 0) {
    // One row each: rows of one call must be of one length.
    const vectors = await batcher.alone(async () => {
      const rows: SparseVector[] = [];
      for (const { input } of ids) rows.push(...(await encoder.encodeInputIds({ input_ids: [input] }, { role })));
      return rows;
    }, signal);
    vectors.forEach((vector, k) => (out[ids[k].i] = vector));
  }
  return out;
}
