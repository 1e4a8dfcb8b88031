// Turning a strided view of a storage into the contiguous little-endian bytes of the tensor,
// and those bytes into float32 or integer arrays. Contiguous little-endian tensors are views
// of the file buffer (no copy); only non-contiguous or big-endian ones are copied.
import type { DType } from '../../tensor/tensor-source.js';
import { DTYPE_SIZE } from '../../tensor/dtype.js';
import { bf16ArrayToF32, f16ArrayToF32 } from '../../tensor/half.js';
import { CheckpointError } from './errors.js';
import type { TensorRef } from './torch-objects.js';

/**
 * The tensor's elements in row-major order as little-endian bytes. `storageBytes` holds the
 * storage (already past any legacy view offset); `bigEndian` says how the file stores numbers.
 */
export function tensorBytes(tensor: TensorRef, storageBytes: Uint8Array, bigEndian: boolean): Uint8Array {
  const size = DTYPE_SIZE[tensor.dtype];
  const count = tensor.numel;
  if (tensor.isContiguous || count <= 1) {
    const start = tensor.storageOffset * size;
    const run = storageBytes.subarray(start, start + count * size);
    return bigEndian && size > 1 ? swapBytes(new Uint8Array(run), size) : run;
  }
  const out = gather(tensor, storageBytes, size, count);
  return bigEndian && size > 1 ? swapBytes(out, size) : out;
}

// Walks the tensor's index space like an odometer, copying one element at a time.
function gather(tensor: TensorRef, source: Uint8Array, size: number, count: number): Uint8Array {
  const out = new Uint8Array(count * size);
  const dims = tensor.shape.length;
  const index = new Array<number>(dims).fill(0);
  let from = tensor.storageOffset * size;
  for (let element = 0, to = 0; element < count; element++) {
    for (let b = 0; b < size; b++) out[to++] = source[from + b];
    for (let d = dims - 1; d >= 0; d--) {
      from += tensor.stride[d] * size;
      if (++index[d] < tensor.shape[d]) break;
      from -= tensor.stride[d] * size * tensor.shape[d];
      index[d] = 0;
    }
  }
  return out;
}

function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  return bytes;
}

/** A typed view of the bytes when they are aligned for it, else of an aligned copy. */
function aligned(bytes: Uint8Array, size: number): Uint8Array {
  return bytes.byteOffset % size === 0 ? bytes : new Uint8Array(bytes); // a copy (Buffer#slice would not copy)
}

/**
 * Little-endian tensor bytes as float32: a view for aligned F32, an exact conversion for F16
 * and BF16, a rounding one for F64. `name` is for the error on integer dtypes.
 */
export function bytesToFloat32(bytes: Uint8Array, dtype: DType, name: string): Float32Array {
  switch (dtype) {
    case 'F32': {
      const data = aligned(bytes, 4);
      return new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4);
    }
    case 'F16': {
      const data = aligned(bytes, 2);
      return f16ArrayToF32(new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2));
    }
    case 'BF16': {
      const data = aligned(bytes, 2);
      return bf16ArrayToF32(new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2));
    }
    case 'F64': {
      const data = aligned(bytes, 8);
      return Float32Array.from(new Float64Array(data.buffer, data.byteOffset, data.byteLength / 8));
    }
    default:
      throw new CheckpointError(`tensor '${name}' holds ${dtype} integers, not floats: read it with integers()`);
  }
}

/** The integer typed array for each integer dtype (BOOL as 0/1 bytes). */
export type IntegerArray = BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

/** Little-endian tensor bytes as integers. */
export function bytesToIntegers(bytes: Uint8Array, dtype: DType, name: string): IntegerArray {
  switch (dtype) {
    case 'I64': {
      const data = aligned(bytes, 8);
      return new BigInt64Array(data.buffer, data.byteOffset, data.byteLength / 8);
    }
    case 'I32': {
      const data = aligned(bytes, 4);
      return new Int32Array(data.buffer, data.byteOffset, data.byteLength / 4);
    }
    case 'I16': {
      const data = aligned(bytes, 2);
      return new Int16Array(data.buffer, data.byteOffset, data.byteLength / 2);
    }
    case 'I8':
      return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    case 'U8':
    case 'BOOL':
      return bytes;
    default:
      throw new CheckpointError(`tensor '${name}' holds ${dtype} floats, not integers: read it with float32()`);
  }
}
