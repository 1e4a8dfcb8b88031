// The .spladeidx file: one inverted index of SPLADE document vectors in a single file that
// a reader maps as typed arrays (Node and browsers alike), little-endian throughout.
//
//   header (256 bytes)
//     0  magic "SPLADEIX"           8 bytes
//     8  version                    u32 (1)
//    12  impact type                u32 (0 float32, 1 u8)
//    16  vocabulary size            u32 (term ids are below it)
//    20  document count             u32
//    24  posting count              u32 (all posting lists together)
//    28  block size                 u32 (postings per block-max block)
//    32  block count                u32
//    36  scale                      f32 (u8: impact = code * scale; float32: 1)
//    40  document id bytes          u32 (UTF-8 bytes of all ids together)
//    44  section count              u32 (8)
//    48  file length                u64
//    56  section table: 8 entries of {offset u64, length u64, crc32 u32, reserved u32}
//   248  crc32 of bytes 0..248      u32
//   252  reserved                   u32 (0)
//   sections, each starting on a 4-byte boundary, in this order:
//     termStarts   u32[vocab + 1]   the postings of term t are [termStarts[t], termStarts[t+1])
//     termMax      f32[vocab]       each term's largest impact (in stored units)
//     docs         u32[postings]    document numbers, ascending within a term
//     impacts      f32|u8[postings] the document's weight for the term (stored units)
//     blockLast    u32[blocks]      last document of each block of `block size` postings
//     blockMax     f32[blocks]      largest impact of each block (stored units)
//     docIdStarts  u32[docs + 1]    byte ranges of the document ids in docIdBytes
//     docIdBytes   u8[id bytes]     the ids, UTF-8
// A term's blocks follow each other; term t's first block is the sum of ceil(count/size)
// over the terms before it (the reader recomputes it).
import { SpladeError } from '../errors.js';

/** A file that is not a readable index: the message names the file part at fault. */
export class IndexFormatError extends SpladeError {}

export const MAGIC = 'SPLADEIX';
export const FORMAT_VERSION = 1;
export const HEADER_SIZE = 256;
const SECTION_TABLE = 56;
const SECTION_ENTRY = 24;
const HEADER_CRC = 248;

/** How impacts are stored: float32 as given, or one byte each with a scale. */
export type ImpactType = 'float32' | 'u8';
const IMPACT_CODES: Record<ImpactType, number> = { float32: 0, u8: 1 };

export const SECTION_NAMES = ['termStarts', 'termMax', 'docs', 'impacts', 'blockLast', 'blockMax', 'docIdStarts', 'docIdBytes'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

/** Where a section lies in the file, and its checksum. */
export interface Section {
  readonly offset: number;
  readonly length: number;
  readonly crc: number;
}

/** Everything the header says. */
export interface IndexHeader {
  readonly impactType: ImpactType;
  readonly vocabSize: number;
  readonly docCount: number;
  readonly postingCount: number;
  readonly blockSize: number;
  readonly blockCount: number;
  /** Stored impact × scale = weight (1 for float32). */
  readonly scale: number;
  readonly docIdBytes: number;
  readonly fileLength: number;
  readonly sections: Readonly<Record<SectionName, Section>>;
}

/** The counts that fix the layout of a file. */
export type LayoutCounts = Pick<IndexHeader, 'impactType' | 'vocabSize' | 'docCount' | 'postingCount' | 'blockCount' | 'docIdBytes'>;

const align4 = (n: number): number => Math.ceil(n / 4) * 4;

/** The byte length of each section's data (before padding) for these counts. */
export function sectionLengths(c: LayoutCounts): Record<SectionName, number> {
  return {
    termStarts: 4 * (c.vocabSize + 1),
    termMax: 4 * c.vocabSize,
    docs: 4 * c.postingCount,
    impacts: (c.impactType === 'u8' ? 1 : 4) * c.postingCount,
    blockLast: 4 * c.blockCount,
    blockMax: 4 * c.blockCount,
    docIdStarts: 4 * (c.docCount + 1),
    docIdBytes: c.docIdBytes,
  };
}

/** The offsets of the sections (4-byte aligned, in order after the header) and the file length. */
export function layout(c: LayoutCounts): { offsets: Record<SectionName, number>; fileLength: number } {
  const lengths = sectionLengths(c);
  const offsets = {} as Record<SectionName, number>;
  let at = HEADER_SIZE;
  for (const name of SECTION_NAMES) {
    offsets[name] = at;
    at = align4(at + lengths[name]);
  }
  return { offsets, fileLength: at };
}

/** The number of blocks of a posting list of `count` postings. */
export const blocksOf = (count: number, blockSize: number): number => Math.ceil(count / blockSize);

/** The 256 header bytes, checksummed. */
export function encodeHeader(h: IndexHeader, crc: (bytes: Uint8Array) => number): Uint8Array {
  const bytes = new Uint8Array(HEADER_SIZE);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  const u32 = (at: number, value: number): void => view.setUint32(at, value, true);
  u32(8, FORMAT_VERSION);
  u32(12, IMPACT_CODES[h.impactType]);
  u32(16, h.vocabSize);
  u32(20, h.docCount);
  u32(24, h.postingCount);
  u32(28, h.blockSize);
  u32(32, h.blockCount);
  view.setFloat32(36, h.scale, true);
  u32(40, h.docIdBytes);
  u32(44, SECTION_NAMES.length);
  view.setBigUint64(48, BigInt(h.fileLength), true);
  SECTION_NAMES.forEach((name, k) => {
    const at = SECTION_TABLE + k * SECTION_ENTRY;
    view.setBigUint64(at, BigInt(h.sections[name].offset), true);
    view.setBigUint64(at + 8, BigInt(h.sections[name].length), true);
    u32(at + 16, h.sections[name].crc);
  });
  u32(HEADER_CRC, crc(bytes.subarray(0, HEADER_CRC)));
  return bytes;
}

/**
 * Reads and checks the header of a file of `fileSize` bytes: magic, version, header checksum,
 * and that the section table matches the layout the counts imply and the file's real size.
 * @throws IndexFormatError naming what is wrong
 */
export function decodeHeader(bytes: Uint8Array, fileSize: number, crc: (bytes: Uint8Array) => number): IndexHeader {
  if (fileSize < HEADER_SIZE) {
    throw new IndexFormatError(`index file is ${fileSize} bytes, shorter than the ${HEADER_SIZE}-byte header: truncated, or not an index`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_SIZE);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MAGIC) throw new IndexFormatError(`not a splade index: the file starts with ${JSON.stringify(magic)}, not "${MAGIC}"`);
  const u32 = (at: number): number => view.getUint32(at, true);
  const version = u32(8);
  if (version !== FORMAT_VERSION) throw new IndexFormatError(`index format version ${version}; this splade-ts reads version ${FORMAT_VERSION}`);
  const stored = u32(HEADER_CRC);
  const actual = crc(bytes.subarray(0, HEADER_CRC));
  if (stored !== actual) throw new IndexFormatError(`index header checksum mismatch (stored ${hex(stored)}, computed ${hex(actual)}): the header is corrupt`);
  const impactCode = u32(12);
  const impactType = (Object.keys(IMPACT_CODES) as ImpactType[]).find((t) => IMPACT_CODES[t] === impactCode);
  if (!impactType) throw new IndexFormatError(`index header: unknown impact type ${impactCode}`);
  if (u32(44) !== SECTION_NAMES.length) throw new IndexFormatError(`index header: ${u32(44)} sections, expected ${SECTION_NAMES.length}`);
  const sections = {} as Record<SectionName, Section>;
  SECTION_NAMES.forEach((name, k) => {
    const at = SECTION_TABLE + k * SECTION_ENTRY;
    sections[name] = { offset: Number(view.getBigUint64(at, true)), length: Number(view.getBigUint64(at + 8, true)), crc: u32(at + 16) };
  });
  const header: IndexHeader = {
    impactType,
    vocabSize: u32(16),
    docCount: u32(20),
    postingCount: u32(24),
    blockSize: u32(28),
    blockCount: u32(32),
    scale: view.getFloat32(36, true),
    docIdBytes: u32(40),
    fileLength: Number(view.getBigUint64(48, true)),
    sections,
  };
  checkLayout(header, fileSize);
  return header;
}

function checkLayout(h: IndexHeader, fileSize: number): void {
  if (h.blockSize < 1) throw new IndexFormatError('index header: block size 0');
  if (!(h.scale > 0) || !Number.isFinite(h.scale)) throw new IndexFormatError(`index header: impact scale ${h.scale} is not a positive number`);
  if (h.impactType === 'float32' && h.scale !== 1) throw new IndexFormatError(`index header: float32 impacts with scale ${h.scale} (must be 1)`);
  const expected = layout(h);
  const lengths = sectionLengths(h);
  for (const name of SECTION_NAMES) {
    const s = h.sections[name];
    if (s.offset !== expected.offsets[name] || s.length !== lengths[name]) {
      throw new IndexFormatError(`index header: section ${name} at ${s.offset} (${s.length} bytes) where the counts put it at ${expected.offsets[name]} (${lengths[name]} bytes): the header is inconsistent`);
    }
  }
  if (h.fileLength !== expected.fileLength) throw new IndexFormatError(`index header: file length ${h.fileLength} but the sections end at ${expected.fileLength}`);
  if (fileSize < h.fileLength) throw new IndexFormatError(`index file is truncated: ${fileSize} bytes of the ${h.fileLength} its header announces`);
  if (fileSize > h.fileLength) throw new IndexFormatError(`index file has ${fileSize - h.fileLength} bytes after the ${h.fileLength} its header announces`);
}

export const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
