// Reading and writing safetensors files on disk (Node). The header is always read and
// validated first (a corrupt file fails before any large allocation). Then either the whole
// file goes into a single buffer that F32 tensors are views of (readSafetensorsFile), or
// nothing more is read until a tensor is asked for, and each tensor is read from the file into
// its own array (openSafetensorsFile): the model loader uses that, so a backend that copies the
// weights into its own memory (the WebAssembly one) never holds them twice.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { parseSafetensorsHeader, readHeaderSize, type SafetensorsHeader } from '../formats/safetensors-header.js';
import { SafetensorsFile, type SafetensorsBytes } from '../formats/safetensors.js';
import { layoutSafetensors, type TensorToWrite } from '../formats/safetensors-writer.js';
import { FileAccessError, fileError, readFully, withFileHandle, writeFileAtomic } from './files.js';

/**
 * Reads and validates a safetensors file.
 * @throws SafetensorsError for a malformed file, FileAccessError when it cannot be read
 */
export async function readSafetensorsFile(path: string): Promise<SafetensorsFile> {
  return withFileHandle(path, async (handle) => {
    const { size } = await handle.stat();
    const { header, headerBytes } = await readHeader(handle, size, path);
    // The whole file again from offset 0 (the header is a few KB): reads from page-aligned
    // offsets into a page-aligned buffer are measurably faster than from dataStart.
    const bytes = new Uint8Array(size);
    await readFully(handle, bytes, 0, path);
    if (!sameBytes(bytes.subarray(8, header.dataStart), headerBytes)) {
      throw new FileAccessError(`${path}: the file changed while being read`);
    }
    return new SafetensorsFile(bytes, header, path);
  });
}

/** Reads and validates the header of an open file of `size` bytes. */
async function readHeader(handle: FileHandle, size: number, path: string): Promise<{ header: SafetensorsHeader; headerBytes: Uint8Array }> {
  const prefix = new Uint8Array(Math.min(8, size));
  await readFully(handle, prefix, 0, path);
  const headerBytes = new Uint8Array(readHeaderSize(prefix, size, path));
  await readFully(handle, headerBytes, 8, path);
  return { header: parseSafetensorsHeader(headerBytes, size, path), headerBytes };
}

/**
 * Opens and validates a safetensors file (its header, exactly as {@link readSafetensorsFile}
 * does) without reading its data: each tensor is read from the file when asked for, into an
 * array of its own. Nothing keeps the whole file in memory and no file descriptor stays open.
 * Reading a tensor after the file changed size or modification time is a FileAccessError.
 * @throws SafetensorsError for a malformed header, FileAccessError when it cannot be read
 */
export async function openSafetensorsFile(path: string): Promise<SafetensorsFile> {
  return withFileHandle(path, async (handle) => {
    const stats = await handle.stat();
    const { header } = await readHeader(handle, stats.size, path);
    return new SafetensorsFile(new FileRanges(path, stats.size, stats.mtimeMs), header, path);
  });
}

/**
 * A file's bytes, read on demand with synchronous positioned reads (TensorSource.float32 is
 * synchronous). Each read opens the file, checks that it is still the file whose header was
 * validated (same size and modification time), reads the range and closes it again.
 */
class FileRanges implements SafetensorsBytes {
  constructor(
    private readonly path: string,
    readonly length: number,
    private readonly mtimeMs: number,
  ) {}

  range(begin: number, end: number): Uint8Array {
    const target = new Uint8Array(end - begin);
    this.readInto(begin, target);
    return target;
  }

  readInto(begin: number, target: Uint8Array): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (error) {
      throw fileError(this.path, 'open', error);
    }
    try {
      const { size, mtimeMs } = fstatSync(fd);
      if (size !== this.length || mtimeMs !== this.mtimeMs) {
        const what = size !== this.length ? `size (${this.length} -> ${size} bytes)` : 'modification time';
        throw new FileAccessError(`${this.path}: the file changed its ${what} since its header was read; load it again`);
      }
      let done = 0;
      while (done < target.length) {
        const bytesRead = readSync(fd, target, done, Math.min(READ_CHUNK, target.length - done), begin + done);
        if (bytesRead === 0) throw new FileAccessError(`${this.path}: file ended early (it changed while being read?)`);
        done += bytesRead;
      }
    } catch (error) {
      if (error instanceof Error && 'code' in error) throw fileError(this.path, 'read', error);
      throw error;
    } finally {
      closeSync(fd);
    }
  }
}

const READ_CHUNK = 64 * 1024 * 1024;

/**
 * Reads and validates only the header of a safetensors file (names, dtypes, shapes, offsets,
 * metadata), without reading the data: fast even for multi-gigabyte files.
 * @returns the header and the file size
 */
export async function readSafetensorsHeaderFile(path: string): Promise<{ header: SafetensorsHeader; fileSize: number }> {
  return withFileHandle(path, async (handle) => {
    const { size } = await handle.stat();
    return { header: (await readHeader(handle, size, path)).header, fileSize: size };
  });
}

/**
 * Writes tensors to a safetensors file atomically, streaming each tensor's bytes (no joined
 * copy of the whole file in memory).
 */
export async function writeSafetensorsFile(
  path: string,
  tensors: Readonly<Record<string, TensorToWrite>> | Iterable<readonly [string, TensorToWrite]>,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  const layout = layoutSafetensors(tensors, metadata);
  await writeFileAtomic(path, [layout.head, ...layout.chunks]);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
