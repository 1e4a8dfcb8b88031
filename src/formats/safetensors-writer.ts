// Writing safetensors files laid out as the reference implementation writes them: tensors
// sorted by decreasing dtype alignment then name, header JSON without spaces padded with
// spaces to a multiple of 8 bytes, so every tensor's data is aligned for zero-copy reading.
import { DTYPE_RANK, DTYPE_SIZE } from '../tensor/dtype.js';
import { f32ArrayToBf16, f32ArrayToF16 } from '../tensor/half.js';
import { SafetensorsError } from './safetensors-header.js';
import type { AnyDTypeArray } from './safetensors.js';
import { elementCount } from '../tensor/tensor.js';
import type { DType } from '../tensor/tensor-source.js';

/**
 * One tensor to write. `data` is either the typed array of its dtype (see `DTypeArrays`:
 * F16/BF16 as Uint16Array bit patterns), a Float32Array for any float dtype (F16 and BF16
 * round to nearest even, F64 widens), or a Uint8Array of raw little-endian bytes.
 */
export interface TensorToWrite {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: AnyDTypeArray | Float32Array | Uint8Array;
}

/** A safetensors file as pieces: the size prefix and header, then each tensor's bytes in order. */
export interface SafetensorsLayout {
  /** The 8-byte header size followed by the padded JSON header. */
  readonly head: Uint8Array;
  /** Each tensor's little-endian bytes, in file order (views of the callers' arrays where possible). */
  readonly chunks: readonly Uint8Array[];
  /** Total file size. */
  readonly byteLength: number;
}

/**
 * Serializes tensors to safetensors bytes.
 * @param tensors by name (a record, or [name, tensor] pairs)
 * @param metadata the optional `__metadata__` strings (e.g. `{ format: 'pt' }`)
 * @throws SafetensorsError naming the tensor when its data does not match its dtype and shape
 */
export function writeSafetensors(
  tensors: Readonly<Record<string, TensorToWrite>> | Iterable<readonly [string, TensorToWrite]>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const layout = layoutSafetensors(tensors, metadata);
  const out = new Uint8Array(layout.byteLength);
  out.set(layout.head);
  let at = layout.head.length;
  for (const chunk of layout.chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * Lays tensors out as {@link writeSafetensors} does without joining them, so a file writer
 * can stream the pieces instead of holding a second copy of the data.
 */
export function layoutSafetensors(
  tensors: Readonly<Record<string, TensorToWrite>> | Iterable<readonly [string, TensorToWrite]>,
  metadata?: Readonly<Record<string, string>>,
): SafetensorsLayout {
  const pairs = Symbol.iterator in tensors
    ? [...(tensors as Iterable<readonly [string, TensorToWrite]>)]
    : Object.entries(tensors as Record<string, TensorToWrite>);
  const seen = new Set<string>();
  const items = pairs.map(([name, tensor]) => {
    if (name === '__metadata__') throw new SafetensorsError(`writeSafetensors: '__metadata__' cannot name a tensor`);
    if (seen.has(name)) throw new SafetensorsError(`writeSafetensors: tensor '${name}' given twice`);
    seen.add(name);
    return { name, dtype: tensor.dtype, shape: [...tensor.shape], bytes: tensorBytes(name, tensor) };
  });
  items.sort((a, b) => DTYPE_RANK[b.dtype] - DTYPE_RANK[a.dtype] || compareCodePoints(a.name, b.name));

  // Built by hand rather than with an object: a tensor named "__proto__" or "0" must keep
  // its place and meaning.
  const fields: string[] = [];
  if (metadata) {
    const keys = Object.keys(metadata).sort(compareCodePoints);
    const entries = keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(String(metadata[key]))}`);
    fields.push(`"__metadata__":{${entries.join(',')}}`);
  }
  let offset = 0;
  for (const item of items) {
    const info = { dtype: item.dtype, shape: item.shape, data_offsets: [offset, offset + item.bytes.length] };
    fields.push(`${JSON.stringify(item.name)}:${JSON.stringify(info)}`);
    offset += item.bytes.length;
  }
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  const headerSize = Math.ceil(json.length / 8) * 8;
  const head = new Uint8Array(8 + headerSize).fill(0x20, 8);
  new DataView(head.buffer).setBigUint64(0, BigInt(headerSize), true);
  head.set(json, 8);
  return { head, chunks: items.map((item) => item.bytes), byteLength: head.length + offset };
}

/** The tensor's data as little-endian bytes, checked against its dtype and shape. */
function tensorBytes(name: string, tensor: TensorToWrite): Uint8Array {
  const { dtype, shape } = tensor;
  if (DTYPE_SIZE[dtype] === undefined) throw new SafetensorsError(`writeSafetensors: tensor '${name}': unknown dtype ${String(dtype)}`);
  if (!shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
    throw new SafetensorsError(`writeSafetensors: tensor '${name}': invalid shape [${shape.join(', ')}]`);
  }
  const byteLength = elementCount(shape) * DTYPE_SIZE[dtype];
  let data: ArrayBufferView = tensor.data;
  if (data instanceof Float32Array && dtype !== 'F32') {
    if (dtype === 'F16') data = f32ArrayToF16(data);
    else if (dtype === 'BF16') data = f32ArrayToBf16(data);
    else if (dtype === 'F64') data = Float64Array.from(data);
    else throw new SafetensorsError(`writeSafetensors: tensor '${name}': Float32Array data for ${dtype} (an integer dtype)`);
  }
  const isRawBytes = data instanceof Uint8Array;
  if (!isRawBytes && !matchesDType(data, dtype)) {
    throw new SafetensorsError(`writeSafetensors: tensor '${name}': ${data.constructor.name} data does not fit dtype ${dtype}`);
  }
  if (data.byteLength !== byteLength) {
    throw new SafetensorsError(
      `writeSafetensors: tensor '${name}': shape [${shape.join(', ')}] of ${dtype} needs ${byteLength} bytes, data has ${data.byteLength}`);
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return LITTLE_ENDIAN_HOST || DTYPE_SIZE[dtype] === 1 ? bytes : swapped(bytes, DTYPE_SIZE[dtype]);
}

function matchesDType(data: ArrayBufferView, dtype: DType): boolean {
  switch (dtype) {
    case 'F64': return data instanceof Float64Array;
    case 'F32': return data instanceof Float32Array;
    case 'F16': case 'BF16': return data instanceof Uint16Array;
    case 'I64': return data instanceof BigInt64Array;
    case 'I32': return data instanceof Int32Array;
    case 'I16': return data instanceof Int16Array;
    case 'I8': return data instanceof Int8Array;
    case 'U8': case 'BOOL': return data instanceof Uint8Array;
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swapped(bytes: Uint8Array, size: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < out.length; i += size) out.subarray(i, i + size).reverse();
  return out;
}

/** Orders strings by Unicode code point, i.e. by UTF-8 bytes, as Rust's `str` ordering does. */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
