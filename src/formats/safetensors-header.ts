// Parsing and validating a safetensors header, as strictly as the reference implementation
// (huggingface/safetensors, `SafeTensors::read_metadata` and `Metadata::validate`), plus the
// checks it gets from serde (duplicate names, exact integers, known dtypes).
import { SpladeError } from '../errors.js';
import { DTYPE_SIZE, UNSUPPORTED_SAFETENSORS_DTYPES, isDType } from '../tensor/dtype.js';
import { LFS_POINTER_ADVICE, startsLikeLfsPointer } from './lfs-pointer.js';
import { JsonNumber, StrictJsonError, describeJson, parseStrictJson, type JsonObject, type JsonValue } from './strict-json.js';
import type { DType } from '../tensor/tensor-source.js';

/** A malformed or unreadable safetensors file; the message names the file and, where one is at fault, the tensor. */
export class SafetensorsError extends SpladeError {}

/** The reference implementation's limit on the JSON header: larger is treated as corrupt. */
export const MAX_HEADER_SIZE = 100_000_000;

/** One tensor of a safetensors file, where its bytes are. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Offset of the first byte from the start of the data section. */
  readonly begin: number;
  /** Offset past the last byte from the start of the data section. */
  readonly end: number;
}

/** A validated header. */
export interface SafetensorsHeader {
  /** Bytes of JSON after the 8-byte length prefix. */
  readonly headerSize: number;
  /** Where the data section starts in the file: 8 + headerSize. */
  readonly dataStart: number;
  /** Tensors in data order. */
  readonly entries: readonly SafetensorsEntry[];
  /** The `__metadata__` strings (empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
}

const METADATA_KEY = '__metadata__';
const ENTRY_KEYS = ['dtype', 'shape', 'data_offsets'];

/**
 * Reads the header size from the first 8 bytes (little-endian u64) and checks it against
 * the limit and the file length.
 */
export function readHeaderSize(prefix: Uint8Array, fileLength: number, source: string): number {
  if (fileLength < 8 || prefix.length < 8) {
    throw new SafetensorsError(`${source}: file is ${fileLength} bytes, too short for the 8-byte header size`);
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const high = view.getUint32(4, true);
  const size = high * 2 ** 32 + view.getUint32(0, true);
  if (high !== 0 || size > MAX_HEADER_SIZE) {
    if (startsLikeLfsPointer(prefix)) throw new SafetensorsError(`${source}: ${LFS_POINTER_ADVICE}`);
    throw new SafetensorsError(`${source}: header size ${high !== 0 ? 'above 2^32' : size} exceeds the ${MAX_HEADER_SIZE}-byte limit`);
  }
  if (8 + size > fileLength) {
    throw new SafetensorsError(`${source}: header size ${size} runs past the end of the ${fileLength}-byte file`);
  }
  return size;
}

/**
 * Parses and validates the header of a safetensors file.
 * @param headerBytes the `headerSize` bytes after the length prefix
 * @param fileLength the whole file's length, which the tensors must account for exactly
 * @throws SafetensorsError naming `source` and the tensor at fault
 */
export function parseSafetensorsHeader(headerBytes: Uint8Array, fileLength: number, source: string): SafetensorsHeader {
  const headerSize = headerBytes.length;
  const json = parseHeaderJson(headerBytes, source);
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of json) {
    if (name === METADATA_KEY) metadata = parseMetadata(value, source);
    else entries.push(parseEntry(name, value, source));
  }
  // Tensors may be listed in any order; their data must tile the data section.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataLength = fileLength - 8 - headerSize;
  let expected = 0;
  let previous: SafetensorsEntry | undefined;
  for (const entry of entries) {
    if (entry.begin < expected) {
      throw new SafetensorsError(
        `${source}: tensor '${shortName(entry.name)}' data_offsets [${entry.begin}, ${entry.end}] overlap tensor '${shortName(previous?.name ?? '')}'`);
    }
    if (entry.begin > expected) {
      throw new SafetensorsError(
        `${source}: tensor '${shortName(entry.name)}' starts at ${entry.begin}, leaving a gap of unused bytes after offset ${expected}`);
    }
    expected = entry.end;
    previous = entry;
  }
  if (expected !== dataLength) {
    const last = previous ? ` (last tensor '${shortName(previous.name)}')` : '';
    throw new SafetensorsError(
      `${source}: tensors cover ${expected} bytes${last} but the data section is ${dataLength} bytes`);
  }
  return { headerSize, dataStart: 8 + headerSize, entries, metadata };
}

function parseHeaderJson(headerBytes: Uint8Array, source: string): JsonObject {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch (error) {
    throw new SafetensorsError(`${source}: header is not valid UTF-8`, { cause: error });
  }
  let json: JsonValue;
  try {
    json = parseStrictJson(text);
  } catch (error) {
    if (error instanceof StrictJsonError) {
      throw new SafetensorsError(`${source}: header is not valid JSON: ${error.message}`, { cause: error });
    }
    throw error;
  }
  if (!(json instanceof Map)) throw new SafetensorsError(`${source}: header must be a JSON object`);
  return json;
}

function parseMetadata(value: JsonValue, source: string): Record<string, string> {
  if (value === null) return {};
  if (!(value instanceof Map)) {
    throw new SafetensorsError(`${source}: ${METADATA_KEY} must be an object of strings`);
  }
  for (const [key, text] of value) {
    if (typeof text !== 'string') {
      throw new SafetensorsError(`${source}: ${METADATA_KEY} entry '${key}' must be a string`);
    }
  }
  // fromEntries defines own properties, so even a key named "__proto__" stays plain data.
  return Object.fromEntries(value) as Record<string, string>;
}

function parseEntry(name: string, value: JsonValue, source: string): SafetensorsEntry {
  const where = `${source}: tensor '${shortName(name)}'`;
  if (!(value instanceof Map)) throw new SafetensorsError(`${where}: entry must be an object`);
  for (const key of value.keys()) {
    if (!ENTRY_KEYS.includes(key)) throw new SafetensorsError(`${where}: unexpected field '${key}'`);
  }
  const dtype = value.get('dtype');
  if (dtype === undefined) throw new SafetensorsError(`${where}: missing 'dtype'`);
  if (!isDType(dtype)) {
    const why = typeof dtype === 'string' && UNSUPPORTED_SAFETENSORS_DTYPES.includes(dtype)
      ? `dtype ${dtype} is not supported by splade-ts`
      : `unknown dtype ${typeof dtype === 'string' ? dtype : describeJson(dtype)}`;
    throw new SafetensorsError(`${where}: ${why}`);
  }
  const shape = unsignedArray(value.get('shape'), 'shape', where);
  const offsets = unsignedArray(value.get('data_offsets'), 'data_offsets', where);
  if (offsets.length !== 2) throw new SafetensorsError(`${where}: data_offsets must be [begin, end]`);
  const [begin, end] = offsets;
  if (end < begin) throw new SafetensorsError(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  let count = 1;
  for (const dim of shape) {
    count *= dim;
    if (count > Number.MAX_SAFE_INTEGER) throw new SafetensorsError(`${where}: shape [${shape.join(', ')}] overflows`);
  }
  const bytes = count * DTYPE_SIZE[dtype];
  if (bytes > Number.MAX_SAFE_INTEGER) throw new SafetensorsError(`${where}: shape [${shape.join(', ')}] overflows`);
  if (end - begin !== bytes) {
    throw new SafetensorsError(
      `${where}: shape [${shape.join(', ')}] of ${dtype} needs ${bytes} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype, shape, begin, end };
}

function unsignedArray(value: JsonValue | undefined, field: string, where: string): number[] {
  if (value === undefined) throw new SafetensorsError(`${where}: missing '${field}'`);
  if (!Array.isArray(value)) throw new SafetensorsError(`${where}: ${field} must be an array of integers`);
  return value.map((item) => {
    const n = item instanceof JsonNumber ? item.asSafeUnsigned() : undefined;
    if (n === undefined) {
      throw new SafetensorsError(`${where}: ${field} holds ${describeJson(item)}, not a non-negative integer`);
    }
    return n;
  });
}

/** A name as shown in messages: a hostile header may hold megabyte-long names. */
function shortName(name: string): string {
  return name.length > 200 ? `${name.slice(0, 200)}...` : name;
}

