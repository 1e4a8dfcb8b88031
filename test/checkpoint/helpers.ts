// Test helpers for the checkpoint tests: fixture paths, an independent safetensors parser for
// the twins Python wrote, and a small zip writer for crafting archives.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32, readZip } from '../../src/formats/pytorch/zip.js';

/**
 * The fixture folder: the committed one, or CHECKPOINT_FIXTURES (a folder that
 * make_fixtures.py --out DIR --seed N just wrote, for a live pass against fresh torch output).
 */
export const FIXTURES = process.env.CHECKPOINT_FIXTURES
  ? `${process.env.CHECKPOINT_FIXTURES.replace(/\/$/, '')}/`
  : fileURLToPath(new URL('./fixtures/', import.meta.url));
export const PWNED = '/tmp/splade-ts-pwned';

export interface TwinTensor {
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

/** Parses a safetensors file written by make_fixtures.py (deliberately not splade-ts's reader). */
export function readTwin(path: string): { tensors: Map<string, TwinTensor>; metadata: Record<string, string> } {
  const file = new Uint8Array(readFileSync(path));
  const headerLength = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  const base = 8 + headerLength;
  const tensors = new Map<string, TwinTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = value as Record<string, string>;
      continue;
    }
    const info = value as { dtype: string; shape: number[]; data_offsets: [number, number] };
    tensors.set(name, { dtype: info.dtype, shape: info.shape, bytes: file.subarray(base + info.data_offsets[0], base + info.data_offsets[1]) });
  }
  return { tensors, metadata };
}

export interface ZipInput {
  name: string;
  data: Uint8Array;
  /** Compression method to record (the data is stored as given); 0 = stored. */
  method?: number;
}

/**
 * A zip archive of stored entries. With `zip64`, every size and offset goes through ZIP64
 * records (0xFFFFFFFF in the classic fields), as writers do for files over 4 GiB.
 */
export function buildZip(entries: ZipInput[], options: { zip64?: boolean; comment?: string } = {}): Uint8Array {
  const zip64 = options.zip64 ?? false;
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const push = (chunk: Uint8Array): void => {
    chunks.push(chunk);
    offset += chunk.length;
  };
  for (const entry of entries) {
    const name = new TextEncoder().encode(entry.name);
    const crc = crc32(entry.data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(8, entry.method ?? 0, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, entry.data.length, true);
    local.setUint32(22, entry.data.length, true);
    local.setUint16(26, name.length, true);
    const localOffset = offset;
    push(new Uint8Array(local.buffer));
    push(name);
    push(entry.data);

    const extra = zip64 ? new DataView(new ArrayBuffer(28)) : undefined;
    if (extra) {
      extra.setUint16(0, 0x0001, true);
      extra.setUint16(2, 24, true);
      extra.setBigUint64(4, BigInt(entry.data.length), true);
      extra.setBigUint64(12, BigInt(entry.data.length), true);
      extra.setBigUint64(20, BigInt(localOffset), true);
    }
    const record = new DataView(new ArrayBuffer(46));
    record.setUint32(0, 0x02014b50, true);
    record.setUint16(10, entry.method ?? 0, true);
    record.setUint32(16, crc, true);
    record.setUint32(20, zip64 ? 0xffffffff : entry.data.length, true);
    record.setUint32(24, zip64 ? 0xffffffff : entry.data.length, true);
    record.setUint16(28, name.length, true);
    record.setUint16(30, extra ? extra.byteLength : 0, true);
    record.setUint32(42, zip64 ? 0xffffffff : localOffset, true);
    central.push(new Uint8Array(record.buffer), name);
    if (extra) central.push(new Uint8Array(extra.buffer));
  }
  const directoryOffset = offset;
  for (const chunk of central) push(chunk);
  const directorySize = offset - directoryOffset;
  if (zip64) {
    const record = new DataView(new ArrayBuffer(56));
    const recordOffset = offset;
    record.setUint32(0, 0x06064b50, true);
    record.setBigUint64(4, 44n, true);
    record.setBigUint64(24, BigInt(entries.length), true);
    record.setBigUint64(32, BigInt(entries.length), true);
    record.setBigUint64(40, BigInt(directorySize), true);
    record.setBigUint64(48, BigInt(directoryOffset), true);
    push(new Uint8Array(record.buffer));
    const locator = new DataView(new ArrayBuffer(20));
    locator.setUint32(0, 0x07064b50, true);
    locator.setBigUint64(8, BigInt(recordOffset), true);
    locator.setUint32(16, 1, true);
    push(new Uint8Array(locator.buffer));
  }
  const comment = new TextEncoder().encode(options.comment ?? '');
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, zip64 ? 0xffff : entries.length, true);
  end.setUint16(10, zip64 ? 0xffff : entries.length, true);
  end.setUint32(12, zip64 ? 0xffffffff : directorySize, true);
  end.setUint32(16, zip64 ? 0xffffffff : directoryOffset, true);
  end.setUint16(20, comment.length, true);
  push(new Uint8Array(end.buffer));
  push(comment);
  const out = new Uint8Array(offset);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** The entries of a zip archive as name + bytes, to rebuild it changed. */
export function zipEntries(file: Uint8Array): ZipInput[] {
  const archive = readZip(file, 'test');
  return archive.entries.map((entry) => ({ name: entry.name, data: archive.data(entry.name) }));
}
