// Writes one function body instruction by instruction, with named locals and structured
// loops, so the kernels in this folder read like the loops they are.
import { sleb, uleb, I32, V128, type FunctionDef, type ValueType } from './binary-writer.js';

const SIMD = 0xfd;

/** Accumulates the bytes of one function body. */
export class FunctionBuilder {
  readonly bytes: number[] = [];
  private readonly localIndex = new Map<string, number>();
  private readonly extraLocals: ValueType[] = [];

  constructor(
    readonly name: string,
    private readonly paramNames: readonly string[],
    private readonly paramTypes: readonly ValueType[],
    private readonly resultTypes: readonly ValueType[] = [],
  ) {
    paramNames.forEach((p, i) => this.localIndex.set(p, i));
  }

  /** Declares a local (beyond the parameters); returns its name for chaining. */
  local(name: string, type: ValueType = I32): string {
    if (this.localIndex.has(name)) throw new Error(`wasm builder: local ${name} declared twice`);
    this.localIndex.set(name, this.paramNames.length + this.extraLocals.length);
    this.extraLocals.push(type);
    return name;
  }

  private index(name: string): number {
    const i = this.localIndex.get(name);
    if (i === undefined) throw new Error(`wasm builder: no local ${name} in ${this.name}`);
    return i;
  }

  private op(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }

  private simd(opcode: number, ...rest: number[]): this {
    return this.op(SIMD, ...uleb(opcode), ...rest);
  }

  get(name: string): this { return this.op(0x20, ...uleb(this.index(name))); }
  set(name: string): this { return this.op(0x21, ...uleb(this.index(name))); }
  tee(name: string): this { return this.op(0x22, ...uleb(this.index(name))); }
  i32(value: number): this { return this.op(0x41, ...sleb(value)); }
  add(): this { return this.op(0x6a); }
  sub(): this { return this.op(0x6b); }
  mul(): this { return this.op(0x6c); }
  ltU(): this { return this.op(0x49); }
  gtU(): this { return this.op(0x4b); }
  ne(): this { return this.op(0x47); }
  eqz(): this { return this.op(0x45); }
  eq(): this { return this.op(0x46); }
  select(): this { return this.op(0x1b); }
  call(functionIndex: number): this { return this.op(0x10, ...uleb(functionIndex)); }
  drop(): this { return this.op(0x1a); }

  /** `name += delta` (a constant, or a local times `times`) for an i32 local. */
  bump(name: string, delta: number | string, times = 1): this {
    this.get(name);
    if (typeof delta === 'number') this.i32(delta * times);
    else {
      this.get(delta);
      if (times !== 1) this.i32(times).mul();
    }
    return this.add().set(name);
  }

  /** A do-while loop: `body` runs, then the loop repeats while `condition` leaves non-zero. */
  doWhile(body: () => void, condition: () => void): this {
    this.op(0x03, 0x40); // loop (no result)
    body();
    condition();
    this.op(0x0d, 0x00); // br_if 0: back to the loop start
    return this.op(0x0b);
  }

  /**
   * A loop `width` items at a time and its remainder: `body(width)` while the i32 local
   * `counter` holds at least `width`, then `body(1)` while it is not 0, taking the count off
   * `counter` after each. The body moves its own pointers.
   */
  inWidths(counter: string, width: number, body: (count: number) => void): this {
    for (const count of width > 1 ? [width, 1] : [1]) {
      this.get(counter).i32(count - 1).gtU().ifElse(() => {
        this.doWhile(() => {
          body(count);
          this.bump(counter, -count);
        }, () => this.get(counter).i32(count - 1).gtU());
      });
    }
    return this;
  }

  /** `if (condition) then() else otherwise()`; the condition is on the stack. */
  ifElse(then: () => void, otherwise?: () => void): this {
    this.op(0x04, 0x40);
    then();
    if (otherwise) {
      this.op(0x05);
      otherwise();
    }
    return this.op(0x0b);
  }

  // Memory, with the address on the stack; offsets are constant bytes added to it.
  f32Load(offset = 0): this { return this.op(0x2a, 2, ...uleb(offset)); }
  f32Store(offset = 0): this { return this.op(0x38, 2, ...uleb(offset)); }
  i32Load(offset = 0): this { return this.op(0x28, 2, ...uleb(offset)); }
  i32Store(offset = 0): this { return this.op(0x36, 2, ...uleb(offset)); }
  /** One signed byte, widened to i32. */
  i32Load8S(offset = 0): this { return this.op(0x2c, 0, ...uleb(offset)); }
  /** The low byte of an i32. */
  i32Store8(offset = 0): this { return this.op(0x3a, 0, ...uleb(offset)); }
  v128Load(offset = 0): this { return this.simd(0x00, 4, ...uleb(offset)); }
  v128Store(offset = 0): this { return this.simd(0x0b, 4, ...uleb(offset)); }
  /** Loads one f32 and repeats it in all four lanes. */
  v128Load32Splat(offset = 0): this { return this.simd(0x09, 2, ...uleb(offset)); }
  /** A SIMD load or store by its opcode after the 0xfd prefix, with alignment (log2 bytes) and offset. */
  simdMemory(opcode: number, alignLog2: number, offset = 0): this { return this.simd(opcode, alignLog2, ...uleb(offset)); }
  /** A SIMD lane load or store (e.g. v128.store32_lane) with alignment, offset and lane. */
  simdMemoryLane(opcode: number, alignLog2: number, offset: number, lane: number): this {
    return this.simd(opcode, alignLog2, ...uleb(offset), lane);
  }
  /** A SIMD instruction with one lane immediate (extract_lane / replace_lane). */
  simdLane(opcode: number, lane: number): this { return this.simd(opcode, lane); }
  /** i8x16.shuffle: the 16 byte indices into the two operands (0-15 the first, 16-31 the second). */
  i8x16Shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16) throw new Error('wasm builder: a shuffle takes 16 lanes');
    return this.simd(0x0d, ...lanes);
  }
  /** A v128 holding `value` in all four i32 lanes. */
  i32x4Const(value: number): this {
    return this.simd(0x0c, ...new Uint8Array(new Int32Array([value, value, value, value]).buffer));
  }
  v128Zero(): this { return this.simd(0x0c, ...new Array<number>(16).fill(0)); }
  /** A scalar instruction without immediates, by its opcode (e.g. 0x97 f32.max). */
  op1(opcode: number): this { return this.op(opcode); }
  f32Const(value: number): this { return this.op(0x43, ...new Uint8Array(new Float32Array([value]).buffer)); }
  f32x4Splat(): this { return this.simd(0x13); }
  f32x4ExtractLane(lane: number): this { return this.simd(0x1f, lane); }
  /** Any SIMD instruction without immediates, by its opcode after the 0xfd prefix. */
  simdOp(opcode: number): this { return this.simd(opcode); }
  /** A v128 holding `value` in all four f32 lanes. */
  f32x4Const(value: number): this {
    const bytes = new Uint8Array(new Float32Array([value, value, value, value]).buffer);
    return this.simd(0x0c, ...bytes);
  }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Mul(): this { return this.simd(0xe6); }
  f32x4Max(): this { return this.simd(0xe9); }

  /** The finished function for `encodeModule`. */
  build(exported = true): FunctionDef {
    return {
      name: this.name,
      params: this.paramTypes,
      results: this.resultTypes,
      locals: this.extraLocals,
      body: this.bytes,
      exported,
    };
  }
}

export { I32, V128 };
