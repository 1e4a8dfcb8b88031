/** The element types of safetensors files and PyTorch checkpoints. */
export type DType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** What a checkpoint says about one of its tensors. */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/**
 * A read-only collection of named tensors, as a checkpoint stores them: one safetensors
 * file, a sharded set, or a PyTorch pickle. The BERT loader reads weights only through this,
 * so every checkpoint format loads through the same code path.
 */
export interface TensorSource {
  /** Where the tensors come from (file names), for error messages. */
  readonly description: string;
  /** Every tensor name, in file order. */
  names(): string[];
  /** The tensor's dtype and shape, or undefined when there is no such tensor. */
  info(name: string): TensorInfo | undefined;
  /**
   * The tensor's values as float32: a zero-copy view for aligned F32 data, an exact
   * conversion for F16, BF16 (and a rounding one for F64). Throws for integer dtypes.
   */
  float32(name: string): Float32Array;
  /**
   * Optional: elements [offset, offset + out.length) of a float tensor (row-major), as
   * `float32` gives them, into `out`. Sources that read from storage on demand implement it,
   * so that a tensor converted on load (quantized to int8, narrowed to float16) is read a
   * block at a time and never held whole as float32.
   */
  readFloat32?(name: string, offset: number, out: Float32Array): void;
  /**
   * Optional: an I8 tensor's values (quantized checkpoints). Sources without it cannot load
   * int8 weights stored as such.
   */
  int8?(name: string): Int8Array;
  /**
   * Optional: an I8 tensor's values read into `out` (exactly its size), so that a loader can
   * reuse one buffer for tensor after tensor instead of leaving each behind as garbage.
   */
  readInt8?(name: string, out: Int8Array): void;
  /** Optional: an F16 tensor's bit patterns as stored, without widening. */
  float16Bits?(name: string): Uint16Array;
}
