// What either container format (zip or legacy) yields once unpickled: the object tree and the
// raw storages, before any tensor is made of them.
import type { PyValue } from './py-values.js';

/** What a format reader found: the unpickled object and the bytes of every storage key. */
export interface UnpickledCheckpoint {
  readonly root: PyValue;
  readonly storages: ReadonlyMap<string, Uint8Array>;
  readonly bigEndian: boolean;
  readonly format: 'zip' | 'legacy';
  /** Bytes in the whole file, to bound what materialising its tensors may allocate. */
  readonly fileSize: number;
}
