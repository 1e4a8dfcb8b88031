// The document ids of a corpus, each kept once, to find a repeated one. A corpus reaches
// millions of documents (MS MARCO: 8.8 M passages), where a Set of id strings costs 60-100
// bytes an id; here the ids' UTF-8 bytes lie back to back in one growing byte buffer, and an
// open-addressing hash table (linear probing) in typed arrays finds them: the ids' bytes (up to
// twice that, as the buffer doubles) and 13-27 bytes an id (4-8 for its start, 4-8 for its
// hash, 5-11 of table at most 3/4 full). Measured: 34 MB for 1,000,000 ids of 8-12 bytes, where
// a Set of the strings held 51 MB of JS heap. Equality is exact: a hash match is confirmed by
// comparing the bytes.
import { SpladeError } from '../errors.js';
import { hashUtf8 } from './id-hash.js';

/** The ids no longer fit: more than 4 GiB of them, or more memory than the runtime would give. */
export class IdTableFullError extends SpladeError {}

/** Starts are 32-bit, and so is the byte buffer's largest length on Node 20. */
const MAX_BYTES = 0xffffffff;
const FIRST_IDS = 1 << 10;

/**
 * Distinct ids in the order added, as UTF-8 (a lone surrogate, which UTF-8 cannot hold, is
 * written as the 3 bytes of its code unit, so it never meets the U+FFFD of another id). Two ids
 * are equal when their code points are: no Unicode normalization, as search engines compare ids.
 */
export class IdTable {
  private bytes = new Uint8Array(FIRST_IDS * 16);
  /** starts[k]..starts[k + 1] are id k's bytes; starts[size] is where the next id goes. */
  private starts = new Uint32Array(FIRST_IDS + 1);
  private hashes = new Uint32Array(FIRST_IDS);
  /** Open addressing: id number + 1, or 0 for an empty slot; a power of two long. */
  private slots = new Uint32Array(FIRST_IDS * 2);
  private count = 0;

  /** Ids held. */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the table's arrays now (what it costs, growth slack included). */
  get memoryBytes(): number {
    return this.bytes.byteLength + this.starts.byteLength + this.hashes.byteLength + this.slots.byteLength;
  }

  /**
   * Adds `id` unless an equal id is already there. Returns the number of that earlier id (its
   * position in the order added, from 0), or -1 when `id` was new and is now id `size - 1`.
   * @throws IdTableFullError past 4 GiB of ids, or when the memory to grow is refused
   */
  addOrFind(id: string): number {
    const { end, hash, found } = this.lookUp(id);
    if (found >= 0) return found;
    // Everything that may fail to allocate comes first, so a refusal leaves the table as it was.
    this.reserveIds(this.count + 1);
    // At most 3/4 full, so probes stay short.
    if (4 * (this.count + 1) > 3 * this.slots.length) this.rehash(2 * this.slots.length);
    const slot = this.freeSlot(hash);
    this.hashes[this.count] = hash;
    this.starts[this.count + 1] = end;
    this.count++;
    this.slots[slot] = this.count;
    return -1;
  }

  /**
   * The number of the id equal to `id` (its position in the order added, from 0), or -1 when
   * there is none; adds nothing.
   * @throws IdTableFullError when `id`'s bytes do not fit beside the ids held
   */
  find(id: string): number {
    return this.lookUp(id).found;
  }

  /**
   * Writes `id`'s bytes where the next id would go (past the ids held, so nothing is added
   * yet) and probes the table: the equal id's number, or -1 and where the bytes end.
   */
  private lookUp(id: string): { end: number; hash: number; found: number } {
    const start = this.starts[this.count];
    this.reserveBytes(start + 3 * id.length);
    const end = start + writeUtf8(id, this.bytes, start);
    const hash = hashUtf8(this.bytes, start, end);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask, entry = this.slots[slot]; entry !== 0; slot = (slot + 1) & mask, entry = this.slots[slot]) {
      if (this.hashes[entry - 1] === hash && this.sameBytes(entry - 1, start, end)) return { end, hash, found: entry - 1 };
    }
    return { end, hash, found: -1 };
  }

  /** The UTF-8 bytes of every id, back to back in the order added. */
  idBytes(): Uint8Array {
    return this.bytes.subarray(0, this.starts[this.count]);
  }

  /** Where each id's bytes start in idBytes(), then where the last ends (size + 1 numbers). */
  idStarts(): Uint32Array {
    return this.starts.subarray(0, this.count + 1);
  }

  private sameBytes(entry: number, start: number, end: number): boolean {
    const from = this.starts[entry];
    if (this.starts[entry + 1] - from !== end - start) return false;
    for (let k = 0; k < end - start; k++) if (this.bytes[from + k] !== this.bytes[start + k]) return false;
    return true;
  }

  private reserveBytes(size: number): void {
    if (size <= this.bytes.length) return;
    if (size > MAX_BYTES) throw new IdTableFullError(`the document ids take more than ${MAX_BYTES} bytes`);
    this.bytes = grown(this.bytes, Math.min(MAX_BYTES, Math.max(size, 2 * this.bytes.length)), (n) => new Uint8Array(n));
  }

  private reserveIds(count: number): void {
    if (count <= this.hashes.length) return;
    const length = Math.max(count, 2 * this.hashes.length);
    this.hashes = grown(this.hashes, length, (n) => new Uint32Array(n));
    this.starts = grown(this.starts, length + 1, (n) => new Uint32Array(n));
  }

  private rehash(length: number): void {
    this.slots = allocate(length, (n) => new Uint32Array(n));
    for (let k = 0; k < this.count; k++) this.slots[this.freeSlot(this.hashes[k])] = k + 1;
  }

  /** The first empty slot from `hash`'s own (linear probing). */
  private freeSlot(hash: number): number {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    return slot;
  }
}

/** A copy of `array` in a new array of `length` elements. */
function grown<T extends Uint8Array | Uint32Array>(array: T, length: number, make: (n: number) => T): T {
  const out = allocate(length, make);
  out.set(array);
  return out;
}

/** A new array of `length` elements; the runtime's refusal is an IdTableFullError. */
function allocate<T extends Uint8Array | Uint32Array>(length: number, make: (n: number) => T): T {
  try {
    return make(length);
  } catch (error) {
    // An ArrayBuffer the runtime will not allocate is a RangeError, which would otherwise reach
    // the user as an unexpected error.
    if (!(error instanceof RangeError)) throw error;
    throw new IdTableFullError(`no memory for an array of ${length} elements for the document ids (${error.message})`, { cause: error });
  }
}

/**
 * Writes `text` as UTF-8 at `at` (room for 3 bytes a UTF-16 unit is the caller's); returns the
 * bytes written. A lone surrogate becomes its own 3 bytes (as WTF-8 writes it), so distinct
 * strings give distinct bytes, and a well-formed string exactly its UTF-8.
 */
function writeUtf8(text: string, out: Uint8Array, at: number): number {
  let k = at;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[k++] = c;
      continue;
    }
    if (c < 0x800) {
      out[k++] = 0xc0 | (c >> 6);
      out[k++] = 0x80 | (c & 0x3f);
      continue;
    }
    const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
    if (c >= 0xd800 && c < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
      c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
      i++;
      out[k++] = 0xf0 | (c >> 18);
      out[k++] = 0x80 | ((c >> 12) & 0x3f);
    } else {
      out[k++] = 0xe0 | (c >> 12);
    }
    out[k++] = 0x80 | ((c >> 6) & 0x3f);
    out[k++] = 0x80 | (c & 0x3f);
  }
  return k - at;
}

/** The hash the table files `id` under (exported for tests, which need two ids that share one). */
export function idHash(id: string): number {
  const bytes = new Uint8Array(3 * id.length);
  return hashUtf8(bytes, 0, writeUtf8(id, bytes, 0));
}
