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
  const tooLarge = (): HttpError => new HttpError(`the body is larger than the payload limit of ${limit} bytes`, 'Validation', 413);
  if (Number(request.headers.get('content-length') ?? 0) > limit) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let chunk = await nextChunk(reader); !chunk.done; chunk = await nextChunk(reader)) {
    size += chunk.value.length;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
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

/**
 * The body's next chunk. A body that breaks off (the client gone mid-upload: Node's
 * "aborted") is the client's failure, answered 400 as TEI answers a body it cannot read, not
 * the server's 424 that onError logs.
 */
async function nextChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch (error) {
    throw new HttpError(`the body broke off: ${error instanceof Error ? error.message : String(error)}`, 'Validation', 400);
  }
}
