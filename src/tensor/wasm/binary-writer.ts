// A small WebAssembly binary writer: enough of the format (types, one imported memory,
// functions, exports, code) to assemble the SIMD kernels at run time from readable
// TypeScript. Spec: https://webassembly.github.io/spec/core/binary/ (and the SIMD proposal's
// opcode table for the 0xfd prefix).

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function utf8(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** One function of the module: its signature, extra locals and body bytes (without `end`). */
export interface FunctionDef {
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
  readonly locals: readonly ValueType[];
  readonly body: readonly number[];
  /** Exported under its name when true. */
  readonly exported: boolean;
}

/** The imported linear memory `env.memory`. */
export interface MemoryImport {
  readonly initialPages: number;
  readonly maximumPages: number;
  readonly shared: boolean;
}

/** A custom section: bytes the engine ignores, read back with `WebAssembly.Module.customSections`. */
export interface CustomSection {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * Assembles a module importing `env.memory` and defining `functions` (function index = array
 * index, so a body calls another with `call(index)`), with optional custom sections at the end.
 */
export function encodeModule(
  memory: MemoryImport,
  functions: readonly FunctionDef[],
  custom: readonly CustomSection[] = [],
): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...uleb(f.params.length), ...f.params, ...uleb(f.results.length), ...f.results]);
  const limits = memory.shared
    ? [0x03, ...uleb(memory.initialPages), ...uleb(memory.maximumPages)]
    : [0x01, ...uleb(memory.initialPages), ...uleb(memory.maximumPages)];
  const imports = vector([[...utf8('env'), ...utf8('memory'), 0x02, ...limits]]);
  const funcs = vector(functions.map((_, i) => uleb(i)));
  const exports = vector(
    functions.flatMap((f, i) => (f.exported ? [[...utf8(f.name), 0x00, ...uleb(i)]] : [])),
  );
  const code = vector(
    functions.map((f) => {
      // Locals as runs of equal types, as the format wants.
      const runs: number[][] = [];
      for (const type of f.locals) {
        const last = runs[runs.length - 1];
        if (last && last[1] === type) last[0]++;
        else runs.push([1, type]);
      }
      const body = [...vector(runs.map(([count, type]) => [...uleb(count), type])), ...f.body, 0x0b];
      return [...uleb(body.length), ...body];
    }),
  );
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, code),
    ...custom.flatMap((c) => section(0, [...utf8(c.name), ...c.bytes])),
  ]);
}
