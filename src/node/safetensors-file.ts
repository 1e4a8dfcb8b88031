// Reading and writing safetensors files on disk (Node). Reading holds one copy of the data:
// the header is read and validated first (a corrupt file fails before any large allocation),
// then the whole file goes into a single buffer that F32 tensors are views of.
import { open, type FileHandle } from 'node:fs/promises';
import { parseSafetensorsHeader, readHeaderSize, type SafetensorsHeader } from '../tensor/safetensors-header.js';
import { SafetensorsFile } from '../tensor/safetensors.js';
import { layoutSafetensors, type TensorToWrite } from '../tensor/safetensors-writer.js';
import { FileAccessError, fileError, readFully, writeFileAtomic } from './files.js';

/**
 * Reads and validates a safetensors file.
 * @throws SafetensorsError for a malformed file, FileAccessError when it cannot be read
 */
export async function readSafetensorsFile(path: string): Promise<SafetensorsFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(path, 'open', error);
  }
  try {
    const { size } = await handle.stat();
    const prefix = new Uint8Array(Math.min(8, size));
    await readFully(handle, prefix, 0, path);
    const headerSize = readHeaderSize(prefix, size, path);
    const headerBytes = new Uint8Array(headerSize);
    await readFully(handle, headerBytes, 8, path);
    const header = parseSafetensorsHeader(headerBytes, size, path);
    // The whole file again from offset 0 (the header is a few KB): reads from page-aligned
    // offsets into a page-aligned buffer are measurably faster than from dataStart.
    const bytes = new Uint8Array(size);
    await readFully(handle, bytes, 0, path);
    if (!sameBytes(bytes.subarray(8, header.dataStart), headerBytes)) {
      throw new FileAccessError(`${path}: the file changed while being read`);
    }
    return new SafetensorsFile(bytes, header, path);
  } catch (error) {
    if (error instanceof Error && 'code' in error) throw fileError(path, 'read', error);
    throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Reads and validates only the header of a safetensors file (names, dtypes, shapes, offsets,
 * metadata), without reading the data: fast even for multi-gigabyte files.
 * @returns the header and the file size
 */
export async function readSafetensorsHeaderFile(path: string): Promise<{ header: SafetensorsHeader; fileSize: number }> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(path, 'open', error);
  }
  try {
    const { size } = await handle.stat();
    const prefix = new Uint8Array(Math.min(8, size));
    await readFully(handle, prefix, 0, path);
    const headerBytes = new Uint8Array(readHeaderSize(prefix, size, path));
    await readFully(handle, headerBytes, 8, path);
    return { header: parseSafetensorsHeader(headerBytes, size, path), fileSize: size };
  } catch (error) {
    if (error instanceof Error && 'code' in error) throw fileError(path, 'read', error);
    throw error;
  } finally {
    await handle.close();
  }
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
