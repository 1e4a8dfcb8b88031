// A reader for the zip container that `torch.save` writes since PyTorch 1.6. It only needs
// "stored" (uncompressed) entries, which torch always writes, and hands out zero-copy views of
// the one buffer that holds the whole file, so a 440 MB checkpoint is never in memory twice.
import { CheckpointError } from './errors.js';

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const ZIP64_EXTRA_ID = 0x0001;

/** One stored entry of a zip archive. */
export interface ZipEntry {
  readonly name: string;
  /** Offset of the entry's data in the archive buffer. */
  readonly offset: number;
  readonly size: number;
  readonly crc32: number;
}

/** The entries of a zip archive held in one buffer; `data()` returns views, never copies. */
export class ZipArchive {
  private readonly byName: Map<string, ZipEntry>;

  constructor(
    readonly bytes: Uint8Array,
    readonly entries: readonly ZipEntry[],
    private readonly description: string,
  ) {
    this.byName = new Map(entries.map((entry) => [entry.name, entry]));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  entry(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /** The entry's bytes: a view into the archive buffer. */
  data(name: string): Uint8Array {
    const entry = this.byName.get(name);
    if (!entry) throw new CheckpointError(`${this.description}: the archive has no entry '${name}'`);
    return this.bytes.subarray(entry.offset, entry.offset + entry.size);
  }

  /** The entry's bytes, after checking them against the CRC-32 the archive records. */
  checkedData(name: string): Uint8Array {
    const data = this.data(name);
    const entry = this.byName.get(name)!;
    if (crc32(data) !== entry.crc32) {
      throw new CheckpointError(`${this.description}: entry '${name}' fails its CRC-32 check (the file is corrupt)`);
    }
    return data;
  }
}

/** Whether the bytes start like a zip archive (a local file header). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Reads the central directory of a zip archive; every entry must be stored, not compressed. */
export function readZip(bytes: Uint8Array, description: string): ZipArchive {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (what: string): never => {
    throw new CheckpointError(`${description}: not a valid zip archive: ${what}`);
  };
  const eocd = findEndOfCentralDirectory(view) ?? fail('no end-of-central-directory record');
  let count = view.getUint16(eocd + 10, true);
  let directorySize = view.getUint32(eocd + 12, true);
  let directoryOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const zip64 = readZip64End(view, eocd, fail);
    count = zip64.count;
    directorySize = zip64.directorySize;
    directoryOffset = zip64.directoryOffset;
  }
  if (directoryOffset + directorySize > bytes.length) fail('the central directory lies past the end of the file');
  // Each central directory record takes at least 46 bytes: a crafted count cannot make us loop long.
  if (count * 46 > directorySize) fail(`${count} entries cannot fit in a ${directorySize}-byte central directory`);

  const entries: ZipEntry[] = [];
  let pos = directoryOffset;
  const end = directoryOffset + directorySize;
  for (let i = 0; i < count; i++) {
    if (pos + 46 > end || view.getUint32(pos, true) !== CENTRAL_SIGNATURE) fail(`central directory record ${i} is damaged`);
    const record = readCentralRecord(bytes, view, pos, end, fail);
    entries.push(locateData(bytes, view, record, description, fail));
    pos = record.next;
  }
  return new ZipArchive(bytes, entries, description);
}

function findEndOfCentralDirectory(view: DataView): number | undefined {
  const lowest = Math.max(0, view.byteLength - EOCD_SIZE - MAX_COMMENT);
  for (let pos = view.byteLength - EOCD_SIZE; pos >= lowest; pos--) {
    if (view.getUint32(pos, true) === EOCD_SIGNATURE) return pos;
  }
  return undefined;
}

function readZip64End(view: DataView, eocd: number, fail: (what: string) => never) {
  const locator = eocd - 20;
  if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR_SIGNATURE) fail('ZIP64 locator missing');
  const record = safeNumber(view.getBigUint64(locator + 8, true), 'ZIP64 record offset', fail);
  if (record + 56 > view.byteLength || view.getUint32(record, true) !== ZIP64_EOCD_SIGNATURE) fail('ZIP64 end record missing');
  return {
    count: safeNumber(view.getBigUint64(record + 32, true), 'ZIP64 entry count', fail),
    directorySize: safeNumber(view.getBigUint64(record + 40, true), 'ZIP64 directory size', fail),
    directoryOffset: safeNumber(view.getBigUint64(record + 48, true), 'ZIP64 directory offset', fail),
  };
}

function safeNumber(value: bigint, what: string, fail: (what: string) => never): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${what} ${value} is out of range`);
  return Number(value);
}

interface CentralRecord {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  size: number;
  compressedSize: number;
  localOffset: number;
  next: number;
}

function readCentralRecord(bytes: Uint8Array, view: DataView, pos: number, end: number, fail: (what: string) => never): CentralRecord {
  const nameLength = view.getUint16(pos + 28, true);
  const extraLength = view.getUint16(pos + 30, true);
  const commentLength = view.getUint16(pos + 32, true);
  const next = pos + 46 + nameLength + extraLength + commentLength;
  if (next > end) fail('a central directory record runs past the directory');
  const name = decodeName(bytes.subarray(pos + 46, pos + 46 + nameLength), fail);
  const record: CentralRecord = {
    name,
    flags: view.getUint16(pos + 8, true),
    method: view.getUint16(pos + 10, true),
    crc32: view.getUint32(pos + 16, true),
    compressedSize: view.getUint32(pos + 20, true),
    size: view.getUint32(pos + 24, true),
    localOffset: view.getUint32(pos + 42, true),
    next,
  };
  applyZip64Extra(view, pos + 46 + nameLength, extraLength, record, fail);
  return record;
}

// ZIP64 puts the 64-bit values of the fields that overflowed (saved as 0xFFFFFFFF) into an
// extra field, in a fixed order: size, compressed size, local header offset.
function applyZip64Extra(view: DataView, start: number, length: number, record: CentralRecord, fail: (what: string) => never): void {
  let pos = start;
  const end = start + length;
  while (pos + 4 <= end) {
    const id = view.getUint16(pos, true);
    const size = view.getUint16(pos + 2, true);
    if (pos + 4 + size > end) fail(`the extra field of '${record.name}' is damaged`);
    if (id === ZIP64_EXTRA_ID) {
      let field = pos + 4;
      const take = (): number => {
        if (field + 8 > pos + 4 + size) fail(`the ZIP64 field of '${record.name}' is too short`);
        const value = safeNumber(view.getBigUint64(field, true), `ZIP64 value of '${record.name}'`, fail);
        field += 8;
        return value;
      };
      if (record.size === 0xffffffff) record.size = take();
      if (record.compressedSize === 0xffffffff) record.compressedSize = take();
      if (record.localOffset === 0xffffffff) record.localOffset = take();
    }
    pos += 4 + size;
  }
}

function locateData(bytes: Uint8Array, view: DataView, record: CentralRecord, description: string, fail: (what: string) => never): ZipEntry {
  if (record.method !== 0) {
    throw new CheckpointError(
      `${description}: zip entry '${record.name}' is compressed (method ${record.method}); ` +
        'splade-ts reads only stored entries, as torch.save writes them: load and re-save it with torch.save',
    );
  }
  if (record.flags & 1) fail(`entry '${record.name}' is encrypted`);
  if (record.compressedSize !== record.size) fail(`stored entry '${record.name}' has two different sizes`);
  const local = record.localOffset;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_SIGNATURE) fail(`the local header of '${record.name}' is missing`);
  const offset = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  if (offset + record.size > bytes.length) fail(`entry '${record.name}' runs past the end of the file (truncated?)`);
  return { name: record.name, offset, size: record.size, crc32: record.crc32 };
}

function decodeName(raw: Uint8Array, fail: (what: string) => never): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return fail('an entry name is not UTF-8');
  }
}

let crcTable: Uint32Array | undefined;

/** The CRC-32 (IEEE) of the bytes, as zip records it. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
