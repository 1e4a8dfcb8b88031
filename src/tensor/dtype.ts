// The safetensors dtypes splade-ts reads, their element sizes and the order the reference
// writer lays them out in.
import type { DType } from './tensor-source.js';

/** Bytes per element of each dtype. */
export const DTYPE_SIZE: Readonly<Record<DType, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** Every dtype splade-ts reads. */
export const DTYPES = Object.keys(DTYPE_SIZE) as DType[];

/**
 * Dtypes the safetensors format defines that splade-ts does not read (yet): named in a
 * clearer error than a plain "unknown dtype".
 */
export const UNSUPPORTED_SAFETENSORS_DTYPES: readonly string[] = ['U16', 'U32', 'U64', 'F8_E4M3', 'F8_E5M2'];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_SIZE, value);
}

/**
 * The reference implementation's dtype order (its `Dtype` enum, by increasing alignment). Its
 * writer lays tensors out by decreasing rank, then by name, so every tensor is aligned.
 */
export const DTYPE_RANK: Readonly<Record<DType, number>> = {
  BOOL: 0,
  U8: 1,
  I8: 2,
  I16: 5,
  F16: 7,
  BF16: 8,
  I32: 9,
  F32: 11,
  F64: 12,
  I64: 13,
};
