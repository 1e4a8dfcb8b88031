// The file side of the embedded index: sorted runs spilled to temporary files, the index
// written to a temporary name and renamed into place (never a half-written index under the
// real name), and an index file read into memory for SparseIndex.
import { mkdtemp, open, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SpladeError } from '../errors.js';
import { crc32 } from '../search/crc32.js';
import { IndexBuilder, type IndexBuilderOptions, type IndexStats } from '../search/index-builder.js';
import { HEADER_SIZE, decodeHeader } from '../search/index-format.js';
import { SparseIndex, type OpenIndexOptions } from '../search/sparse-index.js';
import type { IndexSink, RunReader, RunStorage } from '../search/storage.js';
import type { SparseVector } from '../splade/sparse-vector.js';
import { fileError, readFully, withFileHandle } from './files.js';
import { refuseOutputOverInput } from './same-file.js';
import { releaseTemp, tempPathFor } from './temp-files.js';
import { untilAborted } from './until-aborted.js';

// The runs of a build are all read at once while merging, so their read buffers share one
// budget: 4 MiB each for up to 8 runs, less for more (a large corpus spills hundreds).
const READ_BUDGET = 1 << 25;
const MAX_READ_BUFFER = 1 << 22;
const MIN_READ_BUFFER = 1 << 16;

/** Runs as files in a fresh folder under `parent` (removed by `dispose`). */
export function fileRunStorage(parent: string): RunStorage {
  let folder: Promise<string> | undefined;
  let count = 0;
  const handles = new Set<FileHandle>();
  const track = async (path: string, flags: string): Promise<FileHandle> => {
    const handle = await open(path, flags);
    handles.add(handle);
    return handle;
  };
  const release = async (handle: FileHandle): Promise<void> => {
    handles.delete(handle);
    await handle.close();
  };
  return {
    async create() {
      folder ??= mkdtemp(join(parent, '.splade-index-runs-'));
      const path = join(await folder, `run-${count++}`);
      const out = await track(path, 'wx');
      return {
        async write(bytes) {
          await out.write(bytes);
        },
        async finish() {
          await release(out);
          // Sized at the first read, when every run has been written and `count` is final.
          const bufferSize = (): number => Math.max(MIN_READ_BUFFER, Math.min(MAX_READ_BUFFER, Math.floor(READ_BUDGET / count)));
          return fileRunReader(await track(path, 'r'), release, bufferSize);
        },
      };
    },
    async dispose() {
      await Promise.all([...handles].map((h) => release(h).catch(() => undefined)));
      if (folder) await rm(await folder, { recursive: true, force: true });
    },
  };
}

function fileRunReader(handle: FileHandle, release: (h: FileHandle) => Promise<void>, bufferSize: () => number): RunReader {
  let buffer: Uint8Array | undefined;
  let start = 0;
  let end = 0;
  let position = 0;
  return {
    async read(length, into) {
      const out = into && into.length >= length ? into.subarray(0, length) : new Uint8Array(length);
      let done = 0;
      while (done < length) {
        buffer ??= new Uint8Array(bufferSize());
        if (start === end) {
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
          if (bytesRead === 0) throw new SpladeError(`index builder: a temporary run file ended ${length - done} bytes early`);
          position += bytesRead;
          start = 0;
          end = bytesRead;
        }
        const n = Math.min(length - done, end - start);
        out.set(buffer.subarray(start, start + n), done);
        start += n;
        done += n;
      }
      return out;
    },
    close: () => release(handle),
  };
}

/** Positional writes into an open file (each refused once `signal` is aborted). */
function fileSink(handle: FileHandle, signal: AbortSignal | undefined): IndexSink {
  return {
    async write(position, bytes) {
      signal?.throwIfAborted();
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
        done += bytesWritten;
      }
    },
  };
}

/** How buildIndexFile builds: the builder's options, and the documents' file if they come from one. */
export interface IndexFileOptions extends Omit<IndexBuilderOptions, 'runs'> {
  /**
   * The file the documents are read from (a vectors file): refused as `path` before anything
   * is read, since the finished index is renamed over `path` and would replace it.
   */
  readonly source?: string;
  /**
   * Stops the build (between documents, also while waiting for the next one, and between
   * writes of the file): the promise rejects with the signal's reason and nothing is left
   * behind. `splade index` aborts on SIGINT and SIGTERM.
   */
  readonly signal?: AbortSignal;
}

/**
 * Builds an index file from documents, in bounded memory: runs are spilled to a temporary
 * folder next to `path`, the index is written to a temporary name there and renamed to `path`
 * at the end; on any error both are removed and `path` is left as it was.
 * @throws OutputIsInputError when `path` is `options.source`
 */
export async function buildIndexFile(
  path: string,
  documents: AsyncIterable<{ readonly id: string; readonly vector: SparseVector }>,
  options: IndexFileOptions = {},
): Promise<IndexStats> {
  const { source, signal, ...builderOptions } = options;
  if (source !== undefined) await refuseOutputOverInput(path, [source], (input) => `the documents' source file ${input}`);
  const builder = new IndexBuilder({ ...builderOptions, runs: fileRunStorage(dirname(path)) });
  const temp = tempPathFor(path);
  let handle: FileHandle | undefined;
  try {
    for await (const { id, vector } of untilAborted(documents, signal)) await builder.add(id, vector);
    signal?.throwIfAborted();
    const stats = await builder.finish(async () => {
      try {
        handle = await open(temp, 'wx');
      } catch (error) {
        throw fileError(path, 'write', error);
      }
      return fileSink(handle, signal);
    });
    if (handle) {
      await handle.sync();
      await handle.close();
      handle = undefined;
    }
    signal?.throwIfAborted();
    await rename(temp, path);
    return stats;
  } catch (error) {
    await builder.abort().catch(() => undefined);
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    if (signal?.aborted || error instanceof SpladeError) throw error;
    throw fileError(path, 'write', error);
  } finally {
    releaseTemp(temp);
  }
}

/**
 * Reads an index file whole and opens it (checked as `options.verify` says). The header is
 * read and checked first (magic, checksum, a layout that matches the file's size), so that a
 * file that is not an index is refused before its size is allocated.
 */
export async function openIndexFile(path: string, options: OpenIndexOptions = {}): Promise<SparseIndex> {
  const bytes = await withFileHandle(path, async (handle) => {
    const { size } = await handle.stat();
    const head = new Uint8Array(Math.min(size, HEADER_SIZE));
    await readFully(handle, head, 0, path);
    naming(path, () => decodeHeader(head, size, crc32));
    const target = indexBuffer(size, path);
    await readFully(handle, target, 0, path);
    return target;
  });
  return naming(path, () => SparseIndex.open(bytes, options));
}

/** An index too large for this runtime to hold in one buffer. */
export class IndexTooLargeError extends SpladeError {}

/**
 * The buffer an index file of `size` bytes is read into. Past the most one typed array may hold
 * (4 GiB on Node 20; more from Node 22) the runtime throws a bare RangeError, which would reach
 * the user as an unexpected error: this names the file, its size and the way out.
 */
export function indexBuffer(size: number, path: string): Uint8Array {
  try {
    return new Uint8Array(size);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new IndexTooLargeError(`${path}: the index is ${size} bytes, more than this runtime can hold in one buffer (${error.message}); Node 22 and later hold indexes past 4 GiB`, { cause: error });
  }
}

/** Runs `open`, prefixing the message of a SpladeError with the file's path. */
function naming<T>(path: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    if (error instanceof SpladeError) throw new (error.constructor as typeof SpladeError)(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}
