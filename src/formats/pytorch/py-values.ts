// The values a restricted unpickler can produce. Nothing here can run code: a pickle can only
// ever build these plain data shapes, and objects made by allow-listed globals (tensors,
// storages) that subclass PyObject.

/** A Python object built by an allow-listed global (a tensor, a storage). */
export abstract class PyObject {
  /** The Python type, for error messages ("torch.Tensor"). */
  abstract readonly pyType: string;
}

/** A Python tuple. */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A Python list. */
export class PyList {
  constructor(readonly items: PyValue[] = []) {}
}

/** A Python set or frozenset (kept as its items; never hashed). */
export class PySet {
  constructor(readonly items: PyValue[] = [], readonly frozen = false) {}
}

/** The primitive values that can be dict keys here. */
export type PyKey = string | number | bigint | boolean | null;

/** A Python dict (or OrderedDict) with primitive keys, in insertion order. */
export class PyDict {
  readonly entries = new Map<PyKey, PyValue>();
  /** Instance attributes set by BUILD (an OrderedDict's `_metadata`); never interpreted. */
  attributes: PyValue = null;
}

/** Python bytes or bytearray. */
export class PyBytes {
  constructor(readonly data: Uint8Array) {}
}

/** A reference to an allow-listed global (`module.name`); it can only be called through the allow-list. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Any value a restricted pickle can hold. */
export type PyValue = PyKey | PyTuple | PyList | PySet | PyDict | PyBytes | PyGlobal | PyObject;

/** A short description of a value's type, for error messages. */
export function describeType(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof PyTuple) return 'tuple';
  if (value instanceof PyList) return 'list';
  if (value instanceof PySet) return value.frozen ? 'frozenset' : 'set';
  if (value instanceof PyDict) return 'dict';
  if (value instanceof PyBytes) return 'bytes';
  if (value instanceof PyGlobal) return value.qualifiedName;
  return value.pyType;
}
