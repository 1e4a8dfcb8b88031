// A request's JSON body, read with a limit on its size (TEI's payload_limit, 413 beyond).
import { HttpError } from './http-error.js';

/** The body as JSON, refused past `limit` bytes (413) or when it is not JSON (400). */
export async function readJson(request: Request, limit: number): Promise<unknown> {
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
