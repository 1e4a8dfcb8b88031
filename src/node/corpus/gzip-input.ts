// Inputs kept gzip-compressed, as corpora and runs are distributed (BEIR's corpus.jsonl.gz, MS
// MARCO's collection.tsv.gz, Anserini's *.jsonl.gz, run.trec.gz): told by their first two bytes,
// not by their name, so that a .gz name on plain text and gzip on stdin both read right, and
// decompressed as they stream, so that memory does not grow with the file.
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SpladeError } from '../../errors.js';

/** A gzip input cut short or damaged: reading on would give a shorter input than the user's. */
export class GzipInputError extends SpladeError {}

const LF = 0x0a;

/**
 * Whether bytes start as gzip does (RFC 1952: 1f 8b). No UTF-8 text starts so: 0x8b is a
 * continuation byte, which cannot follow the one-byte 0x1f.
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The bytes of an input, decompressed when it is gzip (concatenated members, as `cat a.gz b.gz`
 * and pigz write them, read whole), else as they are.
 * @param source names the input in errors
 * @throws GzipInputError when the gzip data ends early or is damaged (its CRC, its header),
 *   naming the last line it gave whole
 */
export async function* gunzipped(input: AsyncIterable<Uint8Array | string>, source: string): AsyncGenerator<Uint8Array> {
  const chunks = bytesOf(input);
  try {
    const head = await firstBytes(chunks, 2);
    const all = prepended(head, chunks);
    if (isGzip(Buffer.concat(head).subarray(0, 2))) yield* decompressed(all, source);
    else yield* all;
  } finally {
    // Not awaited: a read may be pending on a pipe that gives nothing more (a terminal); the
    // owner of the input (readLines, for a file) closes it, which ends that read.
    chunks.return(undefined).catch(() => undefined);
  }
}

/** A stream in string mode (Readable.from(['...'])) has decoded already: back to bytes. */
async function* bytesOf(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  for await (const piece of input) yield typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
}

/** The first chunks, until they hold `count` bytes or the input ends (a pipe may give one byte at a time). */
async function firstBytes(chunks: AsyncGenerator<Uint8Array>, count: number): Promise<Uint8Array[]> {
  const head: Uint8Array[] = [];
  for (let held = 0; held < count;) {
    const next = await chunks.next();
    if (next.done) break;
    head.push(next.value);
    held += next.value.length;
  }
  return head;
}

async function* prepended(head: Uint8Array[], rest: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* head;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

async function* decompressed(compressed: AsyncGenerator<Uint8Array>, source: string): AsyncGenerator<Uint8Array> {
  // The callback is pipeline's; its error reaches the gunzip stream, and so the loop below.
  const gunzip = pipeline(compressed, createGunzip(), () => undefined);
  let lines = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      lines += lineEnds(chunk);
      yield chunk;
    }
  } catch (error) {
    throw isZlibError(error) ? gzipError(source, lines, error) : error;
  } finally {
    gunzip.destroy();
  }
}

function lineEnds(chunk: Uint8Array): number {
  let count = 0;
  for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, at + 1)) count++;
  return count;
}

function isZlibError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('Z_');
}

function gzipError(source: string, lines: number, error: Error & { code: string }): GzipInputError {
  const where = lines > 0 ? `after line ${lines}` : 'within its first line';
  // Z_BUF_ERROR: the data stopped before its member did (zlib's 'unexpected end of file').
  const message = error.code === 'Z_BUF_ERROR'
    ? `${source}: the gzip data ends early, ${where} (${error.message}): the file is incomplete (an interrupted download or copy?); \`gzip -t\` checks it`
    : `${source}: the gzip data is damaged, ${where} (${error.message}); \`gzip -t\` checks it`;
  return new GzipInputError(message, { cause: error });
}
