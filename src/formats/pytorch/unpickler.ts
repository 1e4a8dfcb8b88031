// A restricted unpickler. It understands the opcodes of pickle protocols 0 to 5 that build
// data, and it never imports or calls anything by itself: GLOBAL and STACK_GLOBAL ask the
// hooks (an allow-list) to resolve a name, REDUCE/NEWOBJ/BUILD ask the hooks to apply an
// allow-listed global, and persistent ids go to the hooks too. Opcodes that exist only to
// reach arbitrary objects (EXT*, out-of-band buffers) are refused.
//
// Bounded by construction: every opcode consumes at least one byte, every length is checked
// against the bytes that remain before anything is allocated, the memo is a Map (a crafted
// index allocates nothing), and integers are capped at 64 bytes.
import { CheckpointError } from './errors.js';
import { PyBytes, PyDict, PyList, PySet, PyTuple, describeType, type PyKey, type PyValue } from './py-values.js';

/** How a restricted pickle may reach beyond plain data; every method may refuse by throwing. */
export interface UnpicklerHooks {
  /** Resolves `module.name` (GLOBAL, STACK_GLOBAL, INST); throws a CheckpointError unless allowed. */
  findGlobal(module: string, name: string): PyValue;
  /** Applies a callable found by findGlobal to arguments (REDUCE, NEWOBJ, OBJ, INST). */
  call(callable: PyValue, args: readonly PyValue[]): PyValue;
  /** Sets state on an object (BUILD). */
  build(target: PyValue, state: PyValue): void;
  /** Resolves a persistent id (PERSID, BINPERSID), e.g. a tensor storage. */
  persistentLoad(pid: PyValue): PyValue;
}

/** The largest integer (in bytes of two's complement) a pickle may hold; checkpoints need 8. */
const MAX_LONG_BYTES = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * Runs one pickle from `bytes[start]` up to its STOP opcode and returns the value and the
 * offset just after STOP. `where` names the file or entry in error messages.
 */
export function unpickle(bytes: Uint8Array, hooks: UnpicklerHooks, where: string, start = 0): { value: PyValue; end: number } {
  return new Unpickler(bytes, hooks, where, start).run();
}

class Unpickler {
  private pos: number;
  private readonly view: DataView;
  private readonly stack: PyValue[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, PyValue>();
  private opcodeAt = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly hooks: UnpicklerHooks,
    private readonly where: string,
    start: number,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private fail(message: string): never {
    throw new CheckpointError(`${this.where}: pickle byte ${this.opcodeAt}: ${message}`);
  }

  run(): { value: PyValue; end: number } {
    for (;;) {
      this.opcodeAt = this.pos;
      const op = this.u8();
      if (op === 0x2e /* STOP '.' */) {
        if (this.marks.length > 0) this.fail('STOP inside an unclosed MARK');
        if (this.stack.length !== 1) this.fail(`STOP with ${this.stack.length} values on the stack (expected 1)`);
        return { value: this.stack[0], end: this.pos };
      }
      this.step(op);
    }
  }

  // ---- reading the input ----

  private need(count: number): void {
    if (count < 0 || this.pos + count > this.bytes.length) {
      this.fail(`truncated: needs ${count} more bytes, ${this.bytes.length - this.pos} left`);
    }
  }

  private u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }

  private u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return value;
  }

  private u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }

  private i32(): number {
    this.need(4);
    const value = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return value;
  }

  private u64(): number {
    this.need(8);
    const value = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    // Any length this large is past the end of the input anyway; need() reports it.
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  }

  private take(count: number): Uint8Array {
    this.need(count);
    const slice = this.bytes.subarray(this.pos, this.pos + count);
    this.pos += count;
    return slice;
  }

  /** A protocol-0 argument: the bytes up to the next newline, as latin1 text. */
  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('truncated: a text argument has no terminating newline');
    const text = latin1.decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return text;
  }

  private utf8(count: number): string {
    const raw = this.take(count);
    try {
      return utf8.decode(raw);
    } catch {
      return this.fail('a string is not valid UTF-8');
    }
  }

  // ---- the stack ----

  private push(value: PyValue): void {
    this.stack.push(value);
  }

  private pop(): PyValue {
    if (this.stack.length <= this.currentMarkBase()) this.fail('stack underflow');
    return this.stack.pop()!;
  }

  private top(): PyValue {
    if (this.stack.length <= this.currentMarkBase()) this.fail('stack underflow');
    return this.stack[this.stack.length - 1];
  }

  private currentMarkBase(): number {
    return this.marks.length > 0 ? this.marks[this.marks.length - 1] : 0;
  }

  /** Pops everything down to the last MARK and the MARK itself. */
  private popMark(): PyValue[] {
    const base = this.marks.pop();
    if (base === undefined) this.fail('no MARK to pop to');
    return this.stack.splice(base);
  }

  // ---- the memo ----

  private memoPut(index: number): void {
    this.memo.set(index, this.top());
  }

  private memoGet(index: number): void {
    const value = this.memo.get(index);
    if (value === undefined) this.fail(`memo entry ${index} is not set`);
    this.push(value);
  }

  // ---- the opcodes ----

  private step(op: number): void {
    switch (op) {
      case 0x80 /* PROTO */: {
        const protocol = this.u8();
        if (protocol > 5) this.fail(`unsupported pickle protocol ${protocol}`);
        return;
      }
      case 0x95 /* FRAME */:
        this.need(this.u64()); // a frame is only a length prefix: its opcodes follow inline
        return;
      case 0x28 /* MARK '(' */:
        this.marks.push(this.stack.length);
        return;
      case 0x30 /* POP '0' */:
        // As in Python: with a MARK on top of the stack, POP discards the MARK.
        if (this.marks.length > 0 && this.stack.length === this.currentMarkBase()) this.marks.pop();
        else this.pop();
        return;
      case 0x31 /* POP_MARK '1' */:
        this.popMark();
        return;
      case 0x32 /* DUP '2' */:
        this.push(this.top());
        return;
      default:
        if (this.stepValue(op)) return;
        if (this.stepContainer(op)) return;
        if (this.stepMemo(op)) return;
        if (this.stepObject(op)) return;
        this.fail(`opcode 0x${op.toString(16).padStart(2, '0')} is not allowed or unknown`);
    }
  }

  /** Opcodes that push one constant. */
  private stepValue(op: number): boolean {
    switch (op) {
      case 0x4e /* NONE 'N' */: this.push(null); return true;
      case 0x88 /* NEWTRUE */: this.push(true); return true;
      case 0x89 /* NEWFALSE */: this.push(false); return true;
      case 0x4b /* BININT1 'K' */: this.push(this.u8()); return true;
      case 0x4d /* BININT2 'M' */: this.push(this.u16()); return true;
      case 0x4a /* BININT 'J' */: this.push(this.i32()); return true;
      case 0x8a /* LONG1 */: this.push(this.long(this.u8())); return true;
      case 0x8b /* LONG4 */: this.push(this.long(this.u32())); return true;
      case 0x49 /* INT 'I' */: this.push(this.textInt(this.line())); return true;
      case 0x4c /* LONG 'L' */: this.push(this.textInt(this.line().replace(/L$/, ''))); return true;
      case 0x46 /* FLOAT 'F' */: this.push(this.textFloat(this.line())); return true;
      case 0x47 /* BINFLOAT 'G' */: {
        this.need(8);
        const value = this.view.getFloat64(this.pos, false);
        this.pos += 8;
        this.push(value);
        return true;
      }
      case 0x58 /* BINUNICODE 'X' */: this.push(this.utf8(this.u32())); return true;
      case 0x8c /* SHORT_BINUNICODE */: this.push(this.utf8(this.u8())); return true;
      case 0x8d /* BINUNICODE8 */: this.push(this.utf8(this.u64())); return true;
      case 0x56 /* UNICODE 'V' */: this.push(this.rawUnicodeEscape(this.line())); return true;
      case 0x55 /* SHORT_BINSTRING 'U' */: this.push(latin1.decode(this.take(this.u8()))); return true;
      case 0x54 /* BINSTRING 'T' */: this.push(latin1.decode(this.take(this.i32()))); return true;
      case 0x53 /* STRING 'S' */: this.push(this.quotedString(this.line())); return true;
      case 0x43 /* SHORT_BINBYTES 'C' */: this.push(new PyBytes(this.take(this.u8()))); return true;
      case 0x42 /* BINBYTES 'B' */: this.push(new PyBytes(this.take(this.u32()))); return true;
      case 0x8e /* BINBYTES8 */: this.push(new PyBytes(this.take(this.u64()))); return true;
      case 0x96 /* BYTEARRAY8 */: this.push(new PyBytes(this.take(this.u64()))); return true;
      default: return false;
    }
  }

  /** Opcodes that build tuples, lists, dicts and sets. */
  private stepContainer(op: number): boolean {
    switch (op) {
      case 0x29 /* EMPTY_TUPLE ')' */: this.push(new PyTuple([])); return true;
      case 0x85 /* TUPLE1 */: this.push(new PyTuple([this.pop()])); return true;
      case 0x86 /* TUPLE2 */: {
        const b = this.pop();
        this.push(new PyTuple([this.pop(), b]));
        return true;
      }
      case 0x87 /* TUPLE3 */: {
        const c = this.pop();
        const b = this.pop();
        this.push(new PyTuple([this.pop(), b, c]));
        return true;
      }
      case 0x74 /* TUPLE 't' */: this.push(new PyTuple(this.popMark())); return true;
      case 0x5d /* EMPTY_LIST ']' */: this.push(new PyList()); return true;
      case 0x6c /* LIST 'l' */: this.push(new PyList(this.popMark())); return true;
      case 0x61 /* APPEND 'a' */: {
        const item = this.pop();
        this.list(this.top(), 'APPEND').push(item);
        return true;
      }
      case 0x65 /* APPENDS 'e' */: {
        const items = this.popMark();
        const list = this.list(this.top(), 'APPENDS');
        for (const item of items) list.push(item);
        return true;
      }
      case 0x7d /* EMPTY_DICT '}' */: this.push(new PyDict()); return true;
      case 0x64 /* DICT 'd' */: {
        const dict = new PyDict();
        this.setItems(dict, this.popMark());
        this.push(dict);
        return true;
      }
      case 0x73 /* SETITEM 's' */: {
        const value = this.pop();
        const key = this.pop();
        this.setItems(this.top(), [key, value]);
        return true;
      }
      case 0x75 /* SETITEMS 'u' */: {
        const items = this.popMark();
        this.setItems(this.top(), items);
        return true;
      }
      case 0x8f /* EMPTY_SET */: this.push(new PySet()); return true;
      case 0x90 /* ADDITEMS */: {
        const items = this.popMark();
        const set = this.top();
        if (!(set instanceof PySet) || set.frozen) this.fail(`ADDITEMS on a ${describeType(set)}`);
        for (const item of items) set.items.push(item);
        return true;
      }
      case 0x91 /* FROZENSET */: this.push(new PySet(this.popMark(), true)); return true;
      default: return false;
    }
  }

  private stepMemo(op: number): boolean {
    switch (op) {
      case 0x70 /* PUT 'p' */: this.memoPut(this.textIndex(this.line())); return true;
      case 0x71 /* BINPUT 'q' */: this.memoPut(this.u8()); return true;
      case 0x72 /* LONG_BINPUT 'r' */: this.memoPut(this.u32()); return true;
      case 0x94 /* MEMOIZE */: this.memoPut(this.memo.size); return true;
      case 0x67 /* GET 'g' */: this.memoGet(this.textIndex(this.line())); return true;
      case 0x68 /* BINGET 'h' */: this.memoGet(this.u8()); return true;
      case 0x6a /* LONG_BINGET 'j' */: this.memoGet(this.u32()); return true;
      default: return false;
    }
  }

  /** Opcodes that reach globals, call them or set state: all go through the hooks. */
  private stepObject(op: number): boolean {
    switch (op) {
      case 0x63 /* GLOBAL 'c' */: {
        const module = this.line();
        this.push(this.hooks.findGlobal(module, this.line()));
        return true;
      }
      case 0x93 /* STACK_GLOBAL */: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL needs two strings');
        this.push(this.hooks.findGlobal(module, name));
        return true;
      }
      case 0x52 /* REDUCE 'R' */: {
        const args = this.pop();
        const callable = this.pop();
        if (!(args instanceof PyTuple)) this.fail(`REDUCE with ${describeType(args)} arguments (expected a tuple)`);
        this.push(this.hooks.call(callable, args.items));
        return true;
      }
      case 0x81 /* NEWOBJ */: {
        const args = this.pop();
        const cls = this.pop();
        if (!(args instanceof PyTuple)) this.fail(`NEWOBJ with ${describeType(args)} arguments (expected a tuple)`);
        this.push(this.hooks.call(cls, args.items));
        return true;
      }
      case 0x92 /* NEWOBJ_EX */: {
        const kwargs = this.pop();
        const args = this.pop();
        const cls = this.pop();
        if (!(args instanceof PyTuple)) this.fail('NEWOBJ_EX with non-tuple arguments');
        if (!(kwargs instanceof PyDict) || kwargs.entries.size > 0) this.fail('NEWOBJ_EX with keyword arguments is not allowed');
        this.push(this.hooks.call(cls, args.items));
        return true;
      }
      case 0x6f /* OBJ 'o' */: {
        const [cls, ...args] = this.popMark();
        if (cls === undefined) this.fail('OBJ without a class');
        this.push(this.hooks.call(cls, args));
        return true;
      }
      case 0x69 /* INST 'i' */: {
        const module = this.line();
        const cls = this.hooks.findGlobal(module, this.line());
        this.push(this.hooks.call(cls, this.popMark()));
        return true;
      }
      case 0x62 /* BUILD 'b' */: {
        const state = this.pop();
        this.hooks.build(this.top(), state);
        return true;
      }
      case 0x51 /* BINPERSID 'Q' */: this.push(this.hooks.persistentLoad(this.pop())); return true;
      case 0x50 /* PERSID 'P' */: this.push(this.hooks.persistentLoad(this.line())); return true;
      default: return false;
    }
  }

  // ---- helpers ----

  private list(target: PyValue, opcode: string): PyValue[] {
    if (!(target instanceof PyList)) this.fail(`${opcode} on a ${describeType(target)} (expected a list)`);
    return target.items;
  }

  private setItems(target: PyValue, items: PyValue[]): void {
    if (!(target instanceof PyDict)) this.fail(`SETITEM on a ${describeType(target)} (expected a dict)`);
    if (items.length % 2 !== 0) this.fail('SETITEMS with an odd number of values');
    for (let i = 0; i < items.length; i += 2) target.entries.set(this.key(items[i]), items[i + 1]);
  }

  private key(value: PyValue): PyKey {
    if (value === null || typeof value !== 'object') return value;
    return this.fail(`a dict key of type ${describeType(value)} is not supported`);
  }

  /** A little-endian two's-complement integer of `count` bytes (LONG1, LONG4). */
  private long(count: number): number | bigint {
    if (count > MAX_LONG_BYTES) this.fail(`an integer of ${count} bytes is too large`);
    const raw = this.take(count);
    if (count === 0) return 0;
    let value = 0n;
    for (let i = count - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw[i]);
    if (raw[count - 1] & 0x80) value -= 1n << BigInt(8 * count);
    return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  }

  private textInt(text: string): number | bigint | boolean {
    if (text === '01') return true; // protocol 0 writes True and False as INT 01 / 00
    if (text === '00') return false;
    if (!/^[-+]?\d{1,150}$/.test(text)) this.fail(`'${text.slice(0, 40)}' is not an integer`);
    const value = BigInt(text);
    return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  }

  private textIndex(text: string): number {
    if (!/^\d{1,10}$/.test(text)) this.fail(`'${text.slice(0, 40)}' is not a memo index`);
    return Number(text);
  }

  private textFloat(text: string): number {
    const value = Number(text);
    if (text.trim() === '' || Number.isNaN(value) && !/^[-+]?nan$/i.test(text)) this.fail(`'${text.slice(0, 40)}' is not a float`);
    return value;
  }

  private quotedString(text: string): string {
    const match = /^(['"])(.*)\1$/s.exec(text);
    if (!match) this.fail('a STRING argument is not quoted');
    if (match[2].includes('\\')) this.fail('escaped STRING arguments are not supported');
    return match[2];
  }

  private rawUnicodeEscape(text: string): string {
    return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, short?: string, long?: string) => {
      const code = parseInt(short ?? long ?? '', 16);
      if (code > 0x10ffff) this.fail('a UNICODE escape is out of range');
      return String.fromCodePoint(code);
    });
  }
}
