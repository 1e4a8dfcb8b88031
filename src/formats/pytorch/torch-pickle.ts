// The allow-list: the only globals a PyTorch state-dict pickle may name, and what each one
// builds. Everything else (os.system, builtins.eval, subprocess.Popen, torch.load itself...)
// is refused by name before anything is built; nothing is ever imported or executed.
import { CheckpointError } from './errors.js';
import { PyDict, PyGlobal, PyList, PyTuple, describeType, type PyValue } from './py-values.js';
import { STORAGE_TYPES, StorageRef, TensorRef } from './torch-objects.js';
import type { UnpicklerHooks } from './unpickler.js';

/** At most this many dimensions per tensor. */
const MAX_DIMS = 64;
/**
 * A tensor may have more elements than its storage only through zero strides (an expanded
 * tensor); materialising one is capped so a crafted shape cannot demand gigabytes.
 */
export const MAX_EXPANDED_ELEMENTS = 1 << 20;

type Builder = (args: readonly PyValue[], hooks: TorchHooks) => PyValue;

const CALLABLES: ReadonlyMap<string, Builder> = new Map<string, Builder>([
  ['collections.OrderedDict', (args, hooks) => buildOrderedDict(args, hooks)],
  ['torch._utils._rebuild_tensor_v2', (args, hooks) => rebuildTensor(args, hooks, 6, 7)],
  ['torch._utils._rebuild_tensor', (args, hooks) => rebuildTensor(args, hooks, 4, 4)],
  ['torch._utils._rebuild_parameter', (args, hooks) => rebuildParameter(args, hooks, 3)],
  ['torch._utils._rebuild_parameter_with_state', (args, hooks) => rebuildParameter(args, hooks, 4)],
  ['torch._tensor._rebuild_from_type_v2', (args, hooks) => rebuildFromType(args, hooks)],
  ['torch.Size', (args, hooks) => buildSize(args, hooks)],
]);

/** Globals that may appear as values (a storage type in a persistent id) but never be called. */
const TYPE_ONLY = new Set<string>([...STORAGE_TYPES.keys(), 'torch.Tensor', 'torch.nn.parameter.Parameter']);

/** The names on the allow-list, for documentation and tests. */
export const ALLOWED_GLOBALS: readonly string[] = [...CALLABLES.keys(), ...TYPE_ONLY];

/** Turns a persistent id into a storage; differs between the zip and the legacy format. */
export type PersistentLoader = (pid: PyValue, hooks: TorchHooks) => PyValue;

/** Unpickler hooks for PyTorch checkpoints: the allow-list and storage persistent ids. */
export class TorchHooks implements UnpicklerHooks {
  private readonly globals = new Map<string, PyGlobal>();

  constructor(
    /** The file (and entry) being read, for messages. */
    readonly where: string,
    private readonly loader: PersistentLoader,
  ) {}

  fail(message: string): never {
    throw new CheckpointError(`${this.where}: ${message}`);
  }

  findGlobal(module: string, name: string): PyValue {
    const qualified = `${module}.${name}`;
    if (!CALLABLES.has(qualified) && !TYPE_ONLY.has(qualified)) {
      this.fail(
        `the pickle asks for the global '${printable(qualified)}', which is not on the allow-list of ` +
          'data-only globals; refusing to load it (nothing was executed)',
      );
    }
    let global = this.globals.get(qualified);
    if (!global) this.globals.set(qualified, (global = new PyGlobal(module, name)));
    return global;
  }

  call(callable: PyValue, args: readonly PyValue[]): PyValue {
    if (!(callable instanceof PyGlobal)) this.fail(`the pickle calls a ${describeType(callable)}, which is not callable`);
    const builder = CALLABLES.get(callable.qualifiedName);
    if (!builder) this.fail(`the pickle calls '${callable.qualifiedName}', which may only appear as a type`);
    return builder(args, this);
  }

  build(target: PyValue, state: PyValue): void {
    if (target instanceof PyDict) {
      target.attributes = state; // e.g. an OrderedDict's _metadata (module versions): kept, not interpreted
    } else if (!(target instanceof TensorRef)) {
      this.fail(`the pickle sets state on a ${describeType(target)}, which is not allowed`);
    } // a tensor's Python attributes do not change its values: ignored
  }

  persistentLoad(pid: PyValue): PyValue {
    return this.loader(pid, this);
  }

  /** A non-negative safe integer argument, or a CheckpointError naming it. */
  index(value: PyValue, what: string): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      this.fail(`${what} must be a non-negative integer, got ${describeType(value)} ${printable(String(value))}`);
    }
    return value;
  }

  /** A tuple of non-negative safe integers (a shape or strides). */
  indexTuple(value: PyValue, what: string): number[] {
    if (!(value instanceof PyTuple)) this.fail(`${what} must be a tuple, got ${describeType(value)}`);
    if (value.items.length > MAX_DIMS) this.fail(`${what} has ${value.items.length} dimensions (at most ${MAX_DIMS})`);
    return value.items.map((item, i) => this.index(item, `${what}[${i}]`));
  }
}

function buildOrderedDict(args: readonly PyValue[], hooks: TorchHooks): PyDict {
  const dict = new PyDict();
  if (args.length === 0) return dict;
  const [items] = args;
  if (args.length !== 1 || !(items instanceof PyList || items instanceof PyTuple)) {
    hooks.fail('OrderedDict takes no arguments or one list of pairs');
  }
  for (const pair of items.items) {
    if (!(pair instanceof PyTuple) || pair.items.length !== 2) hooks.fail('OrderedDict items must be pairs');
    const [key, value] = pair.items;
    if (key !== null && typeof key === 'object') hooks.fail(`an OrderedDict key of type ${describeType(key)} is not supported`);
    dict.entries.set(key, value);
  }
  return dict;
}

/** `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`. */
function rebuildTensor(args: readonly PyValue[], hooks: TorchHooks, min: number, max: number): TensorRef {
  if (args.length < min || args.length > max) hooks.fail(`a tensor is rebuilt with ${args.length} arguments`);
  const [storage, offsetValue, sizeValue, strideValue] = args;
  if (!(storage instanceof StorageRef)) hooks.fail(`a tensor's storage is a ${describeType(storage)}`);
  const offset = hooks.index(offsetValue, 'storage_offset');
  const shape = hooks.indexTuple(sizeValue, 'size');
  const stride = hooks.indexTuple(strideValue, 'stride');
  if (shape.length !== stride.length) hooks.fail(`size has ${shape.length} dimensions but stride has ${stride.length}`);
  const tensor = new TensorRef(storage, offset, shape, stride);
  checkBounds(tensor, hooks);
  return tensor;
}

// Every element the tensor addresses must lie inside its storage, so materialising it can
// never read past the storage bytes; and a tensor bigger than its storage (zero strides) is capped.
function checkBounds(tensor: TensorRef, hooks: TorchHooks): void {
  const count = tensor.numel;
  if (count === 0) return;
  let last = tensor.storageOffset;
  for (let i = 0; i < tensor.shape.length; i++) last += (tensor.shape[i] - 1) * tensor.stride[i];
  if (!Number.isSafeInteger(last) || last >= tensor.storage.numel) {
    hooks.fail(
      `a tensor of size [${tensor.shape.join(', ')}], stride [${tensor.stride.join(', ')}] at offset ` +
        `${tensor.storageOffset} reaches past its storage '${tensor.storage.key}' of ${tensor.storage.numel} elements`,
    );
  }
  if (count > tensor.storage.numel && count > MAX_EXPANDED_ELEMENTS) {
    hooks.fail(`a tensor of size [${tensor.shape.join(', ')}] expands a storage of ${tensor.storage.numel} elements too far`);
  }
}

/** `_rebuild_parameter(data, requires_grad, backward_hooks[, state])`: a Parameter's values are its data. */
function rebuildParameter(args: readonly PyValue[], hooks: TorchHooks, count: number): TensorRef {
  if (args.length !== count || !(args[0] instanceof TensorRef)) hooks.fail('a Parameter is rebuilt from something other than a tensor');
  return args[0];
}

/** `_rebuild_from_type_v2(func, new_type, args, state)`: a tensor subclass; only Tensor and Parameter. */
function rebuildFromType(args: readonly PyValue[], hooks: TorchHooks): PyValue {
  const [func, newType, funcArgs] = args;
  if (args.length !== 4 || !(newType instanceof PyGlobal) || !(funcArgs instanceof PyTuple)) {
    hooks.fail('_rebuild_from_type_v2 takes (func, new_type, args, state)');
  }
  if (newType.qualifiedName !== 'torch.Tensor' && newType.qualifiedName !== 'torch.nn.parameter.Parameter') {
    hooks.fail(`a tensor of type '${newType.qualifiedName}' is not supported`);
  }
  const result = hooks.call(func, funcArgs.items);
  if (!(result instanceof TensorRef)) hooks.fail('_rebuild_from_type_v2 built something other than a tensor');
  return result;
}

function buildSize(args: readonly PyValue[], hooks: TorchHooks): PyTuple {
  if (args.length !== 1) hooks.fail('torch.Size takes one tuple');
  return new PyTuple(hooks.indexTuple(args[0], 'torch.Size'));
}

/** Text from a file, cut short and with control characters escaped, safe to print. */
export function printable(text: string): string {
  const short = text.length > 80 ? `${text.slice(0, 80)}...` : text;
  return short.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
