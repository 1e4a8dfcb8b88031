// --resume: what an interrupted run left in its partial file. Lines are written whole and in
// input order, so the complete lines are a prefix of the run's output; a kill (even kill -9)
// can only leave a half-written last line, which is dropped, and the run carries on after
// the complete ones.
import { open, type FileHandle } from 'node:fs/promises';
import { fileError } from '../files.js';

/** The part of a partial file to keep. */
export interface PartialPrefix {
  /** Bytes of complete, well-formed lines (the file is cut to this length). */
  readonly bytes: number;
  /** How many lines those are. */
  readonly lines: number;
  /** Bytes after them (a half-written line, or anything unreadable) that are dropped. */
  readonly droppedBytes: number;
}

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/** A line that a run writes: a JSON object with a string or number "id". */
export function lineId(line: string): string | number | undefined {
  try {
    const value = JSON.parse(line) as { id?: unknown } | null;
    const id = value?.id;
    return typeof id === 'string' || typeof id === 'number' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Scans a partial file for its longest prefix of complete lines that each parse as a vector
 * line. Anything after (a line cut by a kill, or bytes a crash left behind) is not kept.
 */
export async function scanPartial(handle: FileHandle): Promise<PartialPrefix> {
  const { size } = await handle.stat();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const buffer = new Uint8Array(CHUNK);
  let pending: Uint8Array = new Uint8Array(0);
  let kept = 0;
  let lines = 0;
  for (let position = 0; position < size;) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    let chunk: Uint8Array = buffer.subarray(0, bytesRead);
    if (pending.length > 0) chunk = concat(pending, chunk);
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      let text: string;
      try {
        text = decoder.decode(chunk.subarray(start, end));
      } catch {
        return { bytes: kept, lines, droppedBytes: size - kept };
      }
      if (lineId(text) === undefined) return { bytes: kept, lines, droppedBytes: size - kept };
      kept += end + 1 - start;
      lines++;
      start = end + 1;
    }
    pending = chunk.slice(start);
  }
  return { bytes: kept, lines, droppedBytes: size - kept };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Cuts a partial file after its complete lines (the run then appends to it). */
export async function truncatePartial(path: string): Promise<PartialPrefix> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r+');
  } catch (error) {
    throw fileError(path, 'open', error);
  }
  try {
    const prefix = await scanPartial(handle);
    await handle.truncate(prefix.bytes);
    await handle.sync();
    return prefix;
  } catch (error) {
    throw fileError(path, 'recover', error);
  } finally {
    await handle.close();
  }
}
