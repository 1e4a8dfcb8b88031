// The zip format of torch.save (PyTorch 1.6 and later): `<prefix>/data.pkl` holds the pickle,
// whose persistent ids ('storage', type, key, location, numel) name `<prefix>/data/<key>`.
import type { DType } from '../../tensor/tensor-source.js';
import { CheckpointError } from './errors.js';
import type { UnpickledCheckpoint } from './unpickled-checkpoint.js';
import { PyGlobal, PyTuple, describeType, type PyValue } from './py-values.js';
import { STORAGE_TYPES, StorageRef } from './torch-objects.js';
import { TorchHooks, printable } from './torch-pickle.js';
import { unpickle } from './unpickler.js';
import { readZip, type ZipArchive } from './zip.js';

/** Reads the pickle and locates the storages of a torch.save zip archive. */
export function readZipCheckpoint(bytes: Uint8Array, description: string): UnpickledCheckpoint {
  const archive = readZip(bytes, description);
  const prefix = archivePrefix(archive, description);
  const bigEndian = readByteOrder(archive, prefix, description);
  const pickleName = `${prefix}/data.pkl`;
  const storageRefs = new Map<string, StorageRef>();
  const hooks = new TorchHooks(`${description} (${pickleName})`, (pid, h) => loadStorage(pid, h, storageRefs));
  const pickle = archive.checkedData(pickleName);
  const { value, end } = unpickle(pickle, hooks, hooks.where);
  if (end !== pickle.length) hooks.fail(`${pickle.length - end} bytes follow the end of the pickle`);

  const storages = new Map<string, Uint8Array>();
  for (const key of storageRefs.keys()) {
    const entry = `${prefix}/data/${key}`;
    if (!archive.has(entry)) throw new CheckpointError(`${description}: the pickle names storage '${printable(key)}' but the archive has no '${printable(entry)}'`);
    storages.set(key, archive.data(entry));
  }
  return { root: value, storages, bigEndian, format: 'zip', fileSize: bytes.length };
}

// torch names every entry `<prefix>/...`, the prefix being the file name it first saved to.
function archivePrefix(archive: ZipArchive, description: string): string {
  const pickles = archive.entries.map((e) => e.name).filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length !== 1) {
    throw new CheckpointError(
      `${description}: a zip archive but not one written by torch.save (` +
        (pickles.length === 0 ? 'no <prefix>/data.pkl entry)' : `${pickles.length} data.pkl entries)`),
    );
  }
  return pickles[0].slice(0, -'/data.pkl'.length);
}

function readByteOrder(archive: ZipArchive, prefix: string, description: string): boolean {
  const name = `${prefix}/byteorder`;
  if (!archive.has(name)) return false; // written only since PyTorch 1.12; older files are little-endian
  const order = new TextDecoder().decode(archive.data(name)).trim();
  if (order !== 'little' && order !== 'big') throw new CheckpointError(`${description}: '${name}' says '${printable(order)}', not little or big`);
  return order === 'big';
}

// ('storage', torch.FloatStorage, '0', 'cpu', 15): the same key always means the same storage.
function loadStorage(pid: PyValue, hooks: TorchHooks, refs: Map<string, StorageRef>): StorageRef {
  if (!(pid instanceof PyTuple) || pid.items.length !== 5 || pid.items[0] !== 'storage') {
    hooks.fail(`a persistent id is not ('storage', type, key, location, numel): got a ${describeType(pid)}`);
  }
  const [, type, key, location, numelValue] = pid.items;
  const dtype = storageDtype(type, hooks);
  if (typeof key !== 'string' || typeof location !== 'string') hooks.fail('a storage key or location is not a string');
  const numel = hooks.index(numelValue, `the element count of storage '${printable(key)}'`);
  const known = refs.get(key);
  if (known) {
    if (known.dtype !== dtype || known.numel !== numel) hooks.fail(`storage '${printable(key)}' is described twice, differently`);
    return known;
  }
  const ref = new StorageRef(key, dtype, numel);
  refs.set(key, ref);
  return ref;
}

/** The dtype of a storage type global (torch.FloatStorage -> F32). */
export function storageDtype(type: PyValue, hooks: TorchHooks): DType {
  const dtype = type instanceof PyGlobal ? STORAGE_TYPES.get(type.qualifiedName) : undefined;
  if (!dtype) hooks.fail(`a storage type is a ${describeType(type)}, not one of the typed storages`);
  return dtype;
}
