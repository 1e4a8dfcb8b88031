// The legacy format of torch.save (before PyTorch 1.6, or `_use_new_zipfile_serialization=False`):
// five things one after another in one file:
//   pickle: magic number 0x1950a86a20f9469cfc6c   pickle: protocol version 1001
//   pickle: sys_info {little_endian, type_sizes}   pickle: the state dict (persistent ids)
//   pickle: the sorted list of storage keys, then for each key: int64 element count + raw data.
import type { DType } from '../../tensor/tensor-source.js';
import { CheckpointError } from './errors.js';
import type { UnpickledCheckpoint } from './unpickled-checkpoint.js';
import { PyDict, PyList, PyTuple, describeType, type PyValue } from './py-values.js';
import { DTYPE_SIZE } from '../../tensor/dtype.js';
import { StorageRef } from './torch-objects.js';
import { TorchHooks, printable } from './torch-pickle.js';
import { unpickle, type UnpicklerHooks } from './unpickler.js';
import { storageDtype } from './zip-format.js';

const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

/** The root storages ('storage', type, key, location, numel, view) of a legacy file, by key. */
interface LegacyStorages {
  roots: Map<string, { dtype: DType; numel: number }>;
  views: Map<string, StorageRef>;
}

/** Reads the pickles and locates the storages of a legacy torch.save file. */
export function readLegacyCheckpoint(bytes: Uint8Array, description: string): UnpickledCheckpoint {
  const plain = plainDataHooks(description);
  const magic = unpickle(bytes, plain, description);
  if (magic.value !== MAGIC) {
    throw new CheckpointError(`${description}: a pickle, but not a PyTorch checkpoint (no torch.save magic number)`);
  }
  const version = unpickle(bytes, plain, description, magic.end);
  if (version.value !== PROTOCOL_VERSION) {
    throw new CheckpointError(`${description}: legacy torch.save protocol ${printable(String(version.value))} is not supported (expected ${PROTOCOL_VERSION})`);
  }
  const sysInfo = unpickle(bytes, plain, description, version.end);
  const bigEndian = readSysInfo(sysInfo.value, description);

  const found: LegacyStorages = { roots: new Map(), views: new Map() };
  const hooks = new TorchHooks(`${description} (legacy format)`, (pid, h) => loadLegacyStorage(pid, h, found));
  const main = unpickle(bytes, hooks, hooks.where, sysInfo.end);
  const keyList = unpickle(bytes, plain, description, main.end);
  const storages = readStorageData(bytes, keyList.value, keyList.end, found, bigEndian, description);
  return { root: main.value, storages, bigEndian, format: 'legacy', fileSize: bytes.length };
}

/** Hooks for the pickles that hold plain data only: every global is refused. */
function plainDataHooks(description: string): UnpicklerHooks {
  const refuse = (what: string): never => {
    throw new CheckpointError(`${description}: ${what} in a header pickle is not allowed (nothing was executed)`);
  };
  return {
    findGlobal: (module, name) => refuse(`the global '${printable(`${module}.${name}`)}'`),
    call: () => refuse('a call'),
    build: () => refuse('BUILD'),
    persistentLoad: () => refuse('a persistent id'),
  };
}

function readSysInfo(info: PyValue, description: string): boolean {
  if (!(info instanceof PyDict)) throw new CheckpointError(`${description}: the legacy sys_info is a ${describeType(info)}, not a dict`);
  const little = info.entries.get('little_endian');
  if (typeof little !== 'boolean') throw new CheckpointError(`${description}: the legacy sys_info has no little_endian flag`);
  return !little;
}

// ('storage', type, root_key, location, numel, view_metadata): view_metadata is None, or
// (view_key, offset, size) for a storage that is a slice of the root (written by old torch).
function loadLegacyStorage(pid: PyValue, hooks: TorchHooks, found: LegacyStorages): StorageRef {
  if (pid instanceof PyTuple && pid.items[0] === 'module') {
    hooks.fail('the checkpoint pickles a whole nn.Module (with its source code); save model.state_dict() instead');
  }
  if (!(pid instanceof PyTuple) || pid.items.length !== 6 || pid.items[0] !== 'storage') {
    hooks.fail(`a persistent id is not ('storage', type, key, location, numel, view): got a ${describeType(pid)}`);
  }
  const [, type, key, , numelValue, view] = pid.items;
  const dtype = storageDtype(type, hooks);
  if (typeof key !== 'string') hooks.fail('a storage key is not a string');
  const numel = hooks.index(numelValue, `the element count of storage '${printable(key)}'`);
  const root = found.roots.get(key);
  if (root && (root.dtype !== dtype || root.numel !== numel)) hooks.fail(`storage '${printable(key)}' is described twice, differently`);
  found.roots.set(key, { dtype, numel });
  if (view === null) return rootRef(key, dtype, numel, found);
  if (!(view instanceof PyTuple) || view.items.length !== 3 || typeof view.items[0] !== 'string') {
    hooks.fail(`storage '${printable(key)}' has a view that is not (key, offset, size)`);
  }
  const viewKey = view.items[0];
  const offset = hooks.index(view.items[1], 'a storage view offset');
  const size = hooks.index(view.items[2], 'a storage view size');
  if (offset + size > numel) hooks.fail(`storage view '${printable(viewKey)}' reaches past storage '${printable(key)}'`);
  const known = found.views.get(`view:${viewKey}`);
  if (known) return known;
  const ref = new StorageRef(key, dtype, size, offset);
  found.views.set(`view:${viewKey}`, ref);
  return ref;
}

function rootRef(key: string, dtype: DType, numel: number, found: LegacyStorages): StorageRef {
  let ref = found.views.get(`root:${key}`);
  if (!ref) found.views.set(`root:${key}`, (ref = new StorageRef(key, dtype, numel)));
  return ref;
}

// After the key list, each storage follows as int64 element count + raw bytes, in key order.
function readStorageData(
  bytes: Uint8Array,
  keyList: PyValue,
  start: number,
  found: LegacyStorages,
  bigEndian: boolean,
  description: string,
): Map<string, Uint8Array> {
  if (!(keyList instanceof PyList) || keyList.items.some((key) => typeof key !== 'string')) {
    throw new CheckpointError(`${description}: the legacy storage key list is not a list of strings`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const storages = new Map<string, Uint8Array>();
  let pos = start;
  for (const key of keyList.items as string[]) {
    const root = found.roots.get(key);
    if (!root) throw new CheckpointError(`${description}: storage '${printable(key)}' is listed but no tensor uses it`);
    if (pos + 8 > bytes.length) throw new CheckpointError(`${description}: truncated before the data of storage '${printable(key)}'`);
    const numel = view.getBigUint64(pos, !bigEndian);
    if (numel !== BigInt(root.numel)) {
      throw new CheckpointError(`${description}: storage '${printable(key)}' has ${numel} elements in the file but ${root.numel} in the pickle`);
    }
    const length = root.numel * DTYPE_SIZE[root.dtype];
    pos += 8;
    if (pos + length > bytes.length) throw new CheckpointError(`${description}: the data of storage '${printable(key)}' is truncated`);
    storages.set(key, bytes.subarray(pos, pos + length));
    pos += length;
  }
  return storages;
}
