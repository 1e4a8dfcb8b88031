// A PyTorch `pytorch_model.bin` as a TensorSource: the state dict's tensors, read from one
// buffer holding the whole file without running the pickle. Contiguous tensors are views of
// that buffer, and tensors sharing a storage (a tied decoder) share its bytes.
export type { UnpickledCheckpoint } from './unpickled-checkpoint.js';
import type { TensorInfo, TensorSource } from '../../tensor/tensor-source.js';
import { CheckpointError } from './errors.js';
import { LFS_POINTER_ADVICE, startsLikeLfsPointer } from '../lfs-pointer.js';
import type { UnpickledCheckpoint } from './unpickled-checkpoint.js';
import { readLegacyCheckpoint } from './legacy-format.js';
import { PyDict, describeType, type PyValue } from './py-values.js';
import { bytesToFloat32, bytesToIntegers, tensorBytes, type IntegerArray } from './tensor-bytes.js';
import { DTYPE_SIZE } from '../../tensor/dtype.js';
import { TensorRef } from './torch-objects.js';
import { printable } from './torch-pickle.js';
import { looksLikeZip } from './zip.js';
import { readZipCheckpoint } from './zip-format.js';

/**
 * Gathering strided tensors into row-major copies allocates memory; a crafted file could name
 * one storage under thousands of transposed views. Their copies together may not exceed this
 * multiple of the file size (plus a fixed allowance); real checkpoints need none or little.
 */
const MAX_COPY_RATIO = 2;
const COPY_ALLOWANCE = 64 * 2 ** 20;

/** The tensors of a PyTorch checkpoint (`torch.save` of a state dict). */
export class PytorchCheckpoint implements TensorSource {
  private readonly tensors: ReadonlyMap<string, TensorRef>;
  private readonly floatCache = new Map<string, WeakRef<Float32Array>>();
  private readonly copyCache = new Map<string, WeakRef<Uint8Array>>();

  constructor(
    readonly description: string,
    private readonly content: UnpickledCheckpoint,
  ) {
    this.tensors = stateDictTensors(content.root, description);
    for (const [name, tensor] of this.tensors) checkStorageBytes(name, tensor, content.storages, description);
    checkCopyVolume(this.tensors, content, description);
  }

  /** `zip` (torch.save since 1.6) or `legacy` (`_use_new_zipfile_serialization=False`). */
  get format(): 'zip' | 'legacy' {
    return this.content.format;
  }

  names(): string[] {
    return [...this.tensors.keys()];
  }

  info(name: string): TensorInfo | undefined {
    const tensor = this.tensors.get(name);
    return tensor && { name, dtype: tensor.dtype, shape: [...tensor.shape] };
  }

  /** The tensor as a strided view of its storage (storage key, offset, strides): used to find shared tensors. */
  tensor(name: string): TensorRef {
    const tensor = this.tensors.get(name);
    if (!tensor) throw new CheckpointError(`${this.description}: no tensor named '${name}'`);
    return tensor;
  }

  /** The tensor's elements, row-major, little-endian: a view of the file when it is contiguous. */
  bytes(name: string): Uint8Array {
    const tensor = this.tensor(name);
    // Two names for one strided view (a tied transpose) share one copy while either is in use.
    const cached = this.copyCache.get(tensor.region)?.deref();
    if (cached) return cached;
    const storage = this.content.storages.get(tensor.storage.key)!;
    const start = tensor.storage.elementOffset * DTYPE_SIZE[tensor.dtype];
    const bytes = tensorBytes(tensor, storage.subarray(start), this.content.bigEndian);
    if (bytes.buffer !== storage.buffer) this.copyCache.set(tensor.region, new WeakRef(bytes));
    return bytes;
  }

  float32(name: string): Float32Array {
    const tensor = this.tensor(name);
    // Tied tensors (two names, one region of one storage) are converted once while either is in use.
    const region = tensor.region;
    const cached = this.floatCache.get(region)?.deref();
    if (cached) return cached;
    const values = bytesToFloat32(this.bytes(name), tensor.dtype, name);
    this.floatCache.set(region, new WeakRef(values));
    return values;
  }

  /** An integer tensor's values (I64 as BigInt64Array; BOOL and U8 as bytes). */
  integers(name: string): IntegerArray {
    return bytesToIntegers(this.bytes(name), this.tensor(name).dtype, name);
  }
}

/**
 * Reads a `torch.save` file from its bytes (kept, not copied: contiguous tensors are views).
 * `description` names the file in errors.
 */
export function readPytorchCheckpoint(bytes: Uint8Array | ArrayBuffer, description: string): PytorchCheckpoint {
  // A plain Uint8Array view, also of a Node Buffer (whose slice() would not copy).
  const view = bytes instanceof Uint8Array ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
  return new PytorchCheckpoint(description, unpickleCheckpoint(view, description));
}

/**
 * Whether the bytes begin as a safetensors file does (a u64 header size that fits the file,
 * then the JSON header's '{'): what `splade convert model.safetensors` is given by mistake.
 */
function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  return view.getUint32(4, true) === 0 && 8 + view.getUint32(0, true) <= bytes.length && bytes[8] === 0x7b;
}

function unpickleCheckpoint(bytes: Uint8Array, description: string): UnpickledCheckpoint {
  if (looksLikeZip(bytes)) return readZipCheckpoint(bytes, description);
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] <= 5) return readLegacyCheckpoint(bytes, description);
  if (bytes.length > 262 && new TextDecoder().decode(bytes.subarray(257, 262)) === 'ustar') {
    throw new CheckpointError(
      `${description}: this is the tar format of PyTorch before 0.4, which splade-ts does not read; ` +
        'load it with an old torch and save it again with torch.save',
    );
  }
  if (startsLikeLfsPointer(bytes)) throw new CheckpointError(`${description}: ${LFS_POINTER_ADVICE}`);
  if (looksLikeSafetensors(bytes)) {
    throw new CheckpointError(`${description}: a safetensors file, not a PyTorch checkpoint: it needs no conversion (read it as safetensors, named .safetensors)`);
  }
  throw new CheckpointError(`${description}: not a PyTorch checkpoint (neither the zip format of torch.save nor its legacy pickle format)`);
}

// A state dict maps names to tensors. Training checkpoints sometimes wrap it
// ({"state_dict": ...} or {"model": ...}); those wrappers are unwrapped.
function stateDictTensors(root: PyValue, description: string, unwrap = true): Map<string, TensorRef> {
  if (!(root instanceof PyDict)) {
    throw new CheckpointError(`${description}: the checkpoint holds a ${describeType(root)}, not a state dict`);
  }
  for (const wrapper of unwrap ? ['state_dict', 'model'] : []) {
    const inner = root.entries.get(wrapper);
    if (inner instanceof PyDict) return stateDictTensors(inner, description, false);
  }
  const tensors = new Map<string, TensorRef>();
  for (const [key, value] of root.entries) {
    if (typeof key !== 'string') throw new CheckpointError(`${description}: a state dict key is a ${describeType(key)}, not a name`);
    if (!(value instanceof TensorRef)) {
      throw new CheckpointError(`${description}: '${printable(key)}' holds a ${describeType(value)}, not a tensor`);
    }
    tensors.set(key, value);
  }
  return tensors;
}

function checkCopyVolume(tensors: ReadonlyMap<string, TensorRef>, content: UnpickledCheckpoint, description: string): void {
  const regions = new Map<string, number>();
  for (const tensor of tensors.values()) {
    const copied = content.bigEndian || (!tensor.isContiguous && tensor.numel > 1);
    if (copied) regions.set(tensor.region, tensor.numel * DTYPE_SIZE[tensor.dtype]);
  }
  let total = 0;
  for (const bytes of regions.values()) total += bytes;
  const limit = MAX_COPY_RATIO * content.fileSize + COPY_ALLOWANCE;
  if (total > limit) {
    throw new CheckpointError(
      `${description}: its strided tensors would need ${total} bytes of copies, more than ${MAX_COPY_RATIO} x the file + 64 MiB; refusing`,
    );
  }
}

function checkStorageBytes(name: string, tensor: TensorRef, storages: ReadonlyMap<string, Uint8Array>, description: string): void {
  const bytes = storages.get(tensor.storage.key);
  const needed = (tensor.storage.elementOffset + tensor.storage.numel) * DTYPE_SIZE[tensor.dtype];
  if (!bytes || bytes.length < needed) {
    throw new CheckpointError(
      `${description}: tensor '${printable(name)}' needs ${needed} bytes of storage '${printable(tensor.storage.key)}', ` +
        `the file has ${bytes?.length ?? 0}`,
    );
  }
}

