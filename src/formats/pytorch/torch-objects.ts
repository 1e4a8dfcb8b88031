// The two kinds of object a PyTorch state dict is made of, as the restricted unpickler builds
// them: storages (a typed run of bytes in the file, named by a key) and tensors (a view of a
// storage: offset, sizes, strides). Building them only records numbers; bytes are read later.
import type { DType } from '../../tensor/tensor-source.js';
import { PyObject } from './py-values.js';

/** The typed storage classes of `torch` and the dtype each holds. */
export const STORAGE_TYPES: ReadonlyMap<string, DType> = new Map<string, DType>([
  ['torch.DoubleStorage', 'F64'],
  ['torch.FloatStorage', 'F32'],
  ['torch.HalfStorage', 'F16'],
  ['torch.BFloat16Storage', 'BF16'],
  ['torch.LongStorage', 'I64'],
  ['torch.IntStorage', 'I32'],
  ['torch.ShortStorage', 'I16'],
  ['torch.CharStorage', 'I8'],
  ['torch.ByteStorage', 'U8'],
  ['torch.BoolStorage', 'BOOL'],
]);

/** A storage named in the pickle: `numel` elements of `dtype`, found under `key` in the file. */
export class StorageRef extends PyObject {
  readonly pyType = 'torch.storage';

  constructor(
    /** The key of the bytes in the file (`data/<key>` in the zip format). */
    readonly key: string,
    readonly dtype: DType,
    /** Elements in this storage. */
    readonly numel: number,
    /** Elements to skip in the keyed bytes (a storage view in the legacy format); 0 otherwise. */
    readonly elementOffset = 0,
  ) {
    super();
  }
}

/** A tensor: a strided view of a storage. */
export class TensorRef extends PyObject {
  readonly pyType = 'torch.Tensor';

  constructor(
    readonly storage: StorageRef,
    /** In elements. */
    readonly storageOffset: number,
    readonly shape: readonly number[],
    /** In elements. */
    readonly stride: readonly number[],
  ) {
    super();
  }

  get dtype(): DType {
    return this.storage.dtype;
  }

  get numel(): number {
    let count = 1;
    for (const dim of this.shape) count *= dim;
    return count;
  }

  /** Whether the elements lie in row-major order without gaps, so the bytes are one run. */
  get isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.stride[i] !== expected) return false;
      expected *= this.shape[i];
    }
    return true;
  }

  /** Identifies the elements this tensor sees: equal for tied tensors (two names, one view). */
  get region(): string {
    const { key, elementOffset } = this.storage;
    return `${key}|${elementOffset}|${this.storageOffset}|${this.shape.join(',')}|${this.stride.join(',')}`;
  }

  /** Whether this tensor covers its whole storage exactly, in order. */
  get coversStorage(): boolean {
    return this.storageOffset === 0 && this.numel === this.storage.numel && this.isContiguous;
  }
}
