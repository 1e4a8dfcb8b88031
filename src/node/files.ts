// Small file helpers for the Node-only modules: reading into one preallocated buffer and
// writing atomically (a temp file in the same folder, then rename).
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { SpladeError } from '../errors.js';
import { releaseTemp, tempPathFor } from './temp-files.js';

/** A file that could not be read or written; the message names it and the system's reason. */
export class FileAccessError extends SpladeError {}

/** Turns a Node system error into a FileAccessError naming the path. */
export function fileError(path: string, action: string, error: unknown): FileAccessError {
  const code = (error as { code?: string }).code;
  const reason = code === 'ENOENT' ? 'no such file or directory'
    : code === 'EISDIR' ? 'is a directory'
    : code === 'EACCES' ? 'permission denied'
    : error instanceof Error ? error.message : String(error);
  return new FileAccessError(`${path}: cannot ${action}: ${reason}`, { cause: error });
}

const CHUNK = 64 * 1024 * 1024;

/** Reads `length` bytes at `position` into `target` (which it fills), in chunks. */
export async function readFully(handle: FileHandle, target: Uint8Array, position: number, path: string): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const want = Math.min(CHUNK, target.length - done);
    const { bytesRead } = await handle.read(target, done, want, position + done);
    if (bytesRead === 0) throw new FileAccessError(`${path}: file ended early (it changed while being read?)`);
    done += bytesRead;
  }
}

/**
 * Runs `read` on the file opened for reading, and closes it whatever happens. Errors of the
 * file system become FileAccessErrors naming the path; others (a malformed file) pass as they are.
 */
export async function withFileHandle<T>(path: string, read: (handle: FileHandle) => Promise<T>): Promise<T> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(path, 'open', error);
  }
  try {
    return await read(handle);
  } catch (error) {
    if (error instanceof Error && 'code' in error) throw fileError(path, 'read', error);
    throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Writes the pieces to `path` atomically: readers see the old file or the whole new one, never
 * a partial file. The temp file lives next to the target (same file system, so rename is atomic)
 * and is removed on failure.
 */
export async function writeFileAtomic(path: string, pieces: Uint8Array | string | readonly (Uint8Array | string)[]): Promise<void> {
  const list = typeof pieces === 'string' || pieces instanceof Uint8Array ? [pieces] : pieces;
  const temp = tempPathFor(path);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx');
    for (const piece of list) {
      const bytes = typeof piece === 'string' ? new TextEncoder().encode(piece) : piece;
      for (let done = 0; done < bytes.length; done += CHUNK) {
        await handle.write(bytes.subarray(done, Math.min(bytes.length, done + CHUNK)));
      }
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error instanceof SpladeError ? error : fileError(path, 'write', error);
  } finally {
    releaseTemp(temp);
  }
}
