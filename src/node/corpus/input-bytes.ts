// The bytes of an input named on the command line: a file, or `-` for standard input,
// decompressed when it is gzip (see gzip-input.ts).
import { createReadStream } from 'node:fs';
import { SpladeError } from '../../errors.js';
import { fileError } from '../files.js';
import { gunzipped } from './gzip-input.js';

/** The name of an input in messages: its path, or `stdin` for `-`. */
export const inputName = (path: string): string => (path === '-' ? 'stdin' : path);

/**
 * The bytes of a file (or stdin for `-`), decompressed when they are gzip, streaming.
 * @throws FileAccessError naming the file when it cannot be read; GzipInputError when its
 *   gzip data ends early or is damaged
 */
export async function* inputBytes(path: string): AsyncGenerator<Uint8Array> {
  const stream = path === '-' ? process.stdin : createReadStream(path);
  const opened = new Promise<void>((resolve, reject) => {
    if (path === '-') resolve();
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw fileError(path, 'read', error);
  }
  try {
    yield* gunzipped(stream as AsyncIterable<Uint8Array>, inputName(path));
  } catch (error) {
    if (error instanceof SpladeError) throw error;
    throw fileError(path, 'read', error);
  } finally {
    if (path !== '-') stream.destroy();
  }
}
