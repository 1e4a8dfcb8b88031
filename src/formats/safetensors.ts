// Reading safetensors from bytes (browsers, edge runtimes, Node alike). The file is
// validated once up front; tensors are then views into the caller's bytes where alignment
// allows, copies where it does not. The bytes may also be read on demand, one tensor at a
// time (Node's openSafetensorsFile), so that nothing holds the whole file.
import { DTYPE_SIZE } from '../tensor/dtype.js';
import { bf16ArrayToF32, f16ArrayToF32 } from '../tensor/half.js';
import {
  SafetensorsError,
  parseSafetensorsHeader,
  readHeaderSize,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from './safetensors-header.js';
import type { DType, TensorInfo, TensorSource } from '../tensor/tensor-source.js';

export { SafetensorsError, MAX_HEADER_SIZE, type SafetensorsEntry } from './safetensors-header.js';

/** The typed array each dtype reads as: F16 and BF16 as raw bit patterns, BOOL as 0/1 bytes. */
export interface DTypeArrays {
  F64: Float64Array;
  F32: Float32Array;
  F16: Uint16Array;
  BF16: Uint16Array;
  I64: BigInt64Array;
  I32: Int32Array;
  I16: Int16Array;
  I8: Int8Array;
  U8: Uint8Array;
  BOOL: Uint8Array;
}

export type AnyDTypeArray = DTypeArrays[DType];

type ArrayConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => AnyDTypeArray;

const ARRAY_TYPES: Readonly<Record<DType, ArrayConstructor>> = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I64: BigInt64Array,
  I32: Int32Array,
  I16: Int16Array,
  I8: Int8Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
};

/** Typed arrays use the platform's byte order; safetensors is little-endian. */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Where a safetensors file's bytes are: in memory, or read from storage on demand.
 */
export interface SafetensorsBytes {
  /** The file's size in bytes. */
  readonly length: number;
  /**
   * Bytes [begin, end) of the file: a view for bytes in memory, a fresh buffer of exactly
   * that size (so starting aligned) for bytes read on demand.
   */
  range(begin: number, end: number): Uint8Array;
  /**
   * Optional, for bytes read on demand: bytes [begin, begin + target.length) read straight
   * into `target` (no buffer of its own).
   */
  readInto?(begin: number, target: Uint8Array): void;
}

function inMemory(bytes: Uint8Array): SafetensorsBytes {
  return { length: bytes.length, range: (begin, end) => bytes.subarray(begin, end) };
}

/**
 * One validated safetensors file over a byte buffer, or over bytes read on demand. Over a
 * buffer it keeps a reference to the bytes: F32 tensors are zero-copy views into them when
 * aligned. Read on demand, each tensor is its own array and the file is never whole in memory.
 */
export class SafetensorsFile implements TensorSource {
  /** The `__metadata__` strings of the header (empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Size of the JSON header in bytes. */
  readonly headerSize: number;
  private readonly entries: Map<string, SafetensorsEntry>;
  private readonly dataStart: number;
  private readonly bytes: SafetensorsBytes;

  /** Use {@link readSafetensors} (or, in Node, readSafetensorsFile / openSafetensorsFile). */
  constructor(
    bytes: Uint8Array | SafetensorsBytes,
    header: SafetensorsHeader,
    /** The file name or URL, for error messages. */
    readonly description: string,
  ) {
    this.bytes = bytes instanceof Uint8Array ? inMemory(bytes) : bytes;
    this.metadata = header.metadata;
    this.headerSize = header.headerSize;
    this.dataStart = header.dataStart;
    this.entries = new Map(header.entries.map((entry) => [entry.name, entry]));
  }

  /** The file's size in bytes. */
  get byteLength(): number {
    return this.bytes.length;
  }

  /** Tensor names in data order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  info(name: string): TensorInfo | undefined {
    const entry = this.entries.get(name);
    return entry && { name, dtype: entry.dtype, shape: entry.shape };
  }

  /** The tensor's header entry (dtype, shape, data offsets). */
  entry(name: string): SafetensorsEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new SafetensorsError(`${this.description}: no tensor '${name}'`);
    return entry;
  }

  /**
   * The tensor's raw little-endian bytes: a view over bytes in memory, a fresh buffer when
   * the file is read on demand.
   */
  bytesOf(name: string): Uint8Array {
    const { begin, end } = this.entry(name);
    return this.bytes.range(this.dataStart + begin, this.dataStart + end);
  }

  /**
   * The tensor's values in the typed array of its dtype ({@link DTypeArrays}): a view into
   * the file's bytes when aligned, else a copy.
   */
  typedArray<D extends DType>(name: string, dtype?: D): DTypeArrays[D] {
    const entry = this.entry(name);
    if (dtype !== undefined && entry.dtype !== dtype) {
      throw new SafetensorsError(`${this.description}: tensor '${name}' is ${entry.dtype}, not ${dtype}`);
    }
    return littleEndianArray(this.bytesOf(name), entry.dtype) as DTypeArrays[D];
  }

  /**
   * The tensor as float32: a zero-copy view for aligned F32, exact widening for F16 and
   * BF16, rounding for F64. Integer and BOOL tensors throw (use {@link typedArray}).
   */
  float32(name: string): Float32Array {
    const entry = this.entry(name);
    switch (entry.dtype) {
      case 'F32':
        return this.typedArray(name, 'F32');
      case 'F16':
        return f16ArrayToF32(this.typedArray(name, 'F16'));
      case 'BF16':
        return bf16ArrayToF32(this.typedArray(name, 'BF16'));
      case 'F64':
        return Float32Array.from(this.typedArray(name, 'F64'));
      default:
        throw new SafetensorsError(
          `${this.description}: tensor '${name}' is ${entry.dtype}, not a float dtype (read it with typedArray)`);
    }
  }

  /**
   * Elements [offset, offset + out.length) of a float tensor as float32 into `out` (see
   * TensorSource.readFloat32): F32 bytes read on demand go straight into `out`; other float
   * dtypes are converted from a copy of just that range.
   */
  readFloat32(name: string, offset: number, out: Float32Array): void {
    const entry = this.entry(name);
    const size = DTYPE_SIZE[entry.dtype];
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (!(Number.isInteger(offset) && offset >= 0 && offset + out.length <= count)) {
      throw new RangeError(`${this.description}: elements [${offset}, ${offset + out.length}) outside tensor '${name}' of ${count}`);
    }
    const begin = this.dataStart + entry.begin + offset * size;
    const end = begin + out.length * size;
    if (entry.dtype === 'F32' && LITTLE_ENDIAN_HOST && this.bytes.readInto) {
      this.bytes.readInto(begin, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
      return;
    }
    const bytes = this.bytes.range(begin, end);
    switch (entry.dtype) {
      case 'F32':
        out.set(littleEndianArray(bytes, 'F32') as Float32Array);
        return;
      case 'F16':
        f16ArrayToF32(littleEndianArray(bytes, 'F16') as Uint16Array, out);
        return;
      case 'BF16':
        bf16ArrayToF32(littleEndianArray(bytes, 'BF16') as Uint16Array, out);
        return;
      case 'F64':
        out.set(littleEndianArray(bytes, 'F64') as Float64Array);
        return;
      default:
        throw new SafetensorsError(
          `${this.description}: tensor '${name}' is ${entry.dtype}, not a float dtype (read it with typedArray)`);
    }
  }

  /** An I8 tensor's values (a view into the file's bytes, or the bytes read on demand). */
  int8(name: string): Int8Array {
    return this.typedArray(name, 'I8');
  }

  /** An I8 tensor's values into `out` (see TensorSource.readInt8): read straight into it on demand. */
  readInt8(name: string, out: Int8Array): void {
    const entry = this.entry(name);
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (entry.dtype !== 'I8') throw new SafetensorsError(`${this.description}: tensor '${name}' is ${entry.dtype}, not I8`);
    if (out.length !== count) throw new RangeError(`${this.description}: tensor '${name}' has ${count} values, not ${out.length}`);
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    if (this.bytes.readInto) this.bytes.readInto(this.dataStart + entry.begin, bytes);
    else bytes.set(this.bytesOf(name));
  }

  /** An F16 tensor's bit patterns as stored. */
  float16Bits(name: string): Uint16Array {
    return this.typedArray(name, 'F16');
  }
}

/** A typed array over little-endian bytes: a view if aligned (and the host little-endian), else a copy. */
function littleEndianArray(bytes: Uint8Array, dtype: DType): AnyDTypeArray {
  const size = DTYPE_SIZE[dtype];
  const Type = ARRAY_TYPES[dtype];
  const length = bytes.length / size;
  if (size === 1 || (LITTLE_ENDIAN_HOST && bytes.byteOffset % size === 0)) {
    return new Type(bytes.buffer, bytes.byteOffset, length);
  }
  const copy = bytes.slice(); // a fresh buffer starts aligned
  if (!LITTLE_ENDIAN_HOST) swapBytes(copy, size);
  return new Type(copy.buffer, 0, length);
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/**
 * Parses and validates a safetensors file held in memory. The bytes are not copied: keep
 * them unchanged while the returned file is in use.
 * @param bytes the whole file (an ArrayBuffer or a view; a view's byteOffset is honoured)
 * @param source the file name or URL, named in errors
 * @throws SafetensorsError naming `source` and the tensor at fault
 */
export function readSafetensors(bytes: ArrayBuffer | Uint8Array, source = 'safetensors'): SafetensorsFile {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const headerSize = readHeaderSize(view, view.length, source);
  const header = parseSafetensorsHeader(view.subarray(8, 8 + headerSize), view.length, source);
  return new SafetensorsFile(view, header, source);
}
