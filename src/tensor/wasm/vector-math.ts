// Vector math for the kernels' epilogues: GELU and softmax on f32x4 lanes.
//
// GELU, for the matmul epilogue: x/2 · (1 + erf(x/√2)) written as
// x - h (x >= 0) or h (x < 0) with h = x/2 · erfc(|x|/√2), erfc from the Chebyshev fit of
// Numerical Recipes' erfcc (relative error below 1.2e-7) and exp from Cephes' expf
// (range reduction by ln 2, a degree-6 polynomial, 2^n built in the exponent bits).
// Evaluated in float32 the result is within a few ulps of the exact GELU.
import { F32, I32, V128 } from './binary-writer.js';
import { FunctionBuilder } from './function-builder.js';

const OP = {
  abs: 0xe0, add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7, max: 0xe9, ge: 0x46, lt: 0x43,
  bitselect: 0x52, andnot: 0x4f, i32x4Splat: 0x11, i32x4Shl: 0xab, i32x4Add: 0xae,
} as const;

const ERFC_POLY = [0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223];
const EXP_POLY = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

/**
 * The f32x4 constants a kernel's loop reads, each set once into a v128 local before the loop.
 * V8 builds a v128.const anew wherever it stands (a 64-bit immediate moved into the register
 * twice), so the constants written inside the loops cost more instructions than the arithmetic:
 * softmax over 512-wide rows ran at 3.1 ns an element.
 */
class Constants {
  private readonly names = new Map<number, string>();
  constructor(private readonly f: FunctionBuilder) {}

  /** Declares and sets a local for each value not yet held (emit before the loop). */
  hold(values: readonly number[]): void {
    for (const value of values) {
      const float = Math.fround(value);
      if (this.names.has(float)) continue;
      const name = this.f.local(`const${this.names.size}`, V128);
      this.names.set(float, name);
      this.f.f32x4Const(float).set(name);
    }
  }

  /** Pushes the held constant `value`. */
  push(value: number): FunctionBuilder {
    const name = this.names.get(Math.fround(value));
    if (name === undefined) throw new Error(`vector math: constant ${value} not held`);
    return this.f.get(name);
  }
}

/** acc[i] = acc[i] * by[i] + c for each c: Horner's rule on v128 locals, step by step across i. */
function horner(f: FunctionBuilder, k: Constants, acc: readonly string[], by: readonly string[], coefficients: number[]): void {
  for (const a of acc) k.push(coefficients[0]).set(a);
  for (const c of coefficients.slice(1)) {
    acc.forEach((a, i) => {
      f.get(a).get(by[i]).simdOp(OP.mul);
      k.push(c).simdOp(OP.add).set(a);
    });
  }
}

/** 1.5 · 2^23: float32 sums with it below 2^22 in magnitude round to integers (see emitExp). */
const ROUNDER = 12582912;
/** ROUNDER's bits: those of ROUNDER + n are ROUNDER_BITS + n. */
const ROUNDER_BITS = 0x4b400000;

/** The f32 constants emitExp reads. */
const EXP_CONSTANTS = [-87, Math.LOG2E, ROUNDER, 0.693359375, -2.12194440e-4, 1, ...EXP_POLY];

/**
 * Vectors GELU's loop and the softmax's exp pass work on at once (locals suffixed 0, 1, ...):
 * see emitExp. Eight chains hide the latency of each: on the Zen 4 host GELU took 4.1 ns a
 * float two vectors at a time, 3.4 at three, 3.0-3.3 at four, 2.3-2.5 at six and eight, 2.7-2.8
 * at twelve, where the locals no longer fit V8's 16 vector registers and spill too much.
 */
const EXP_VECTORS = 8;

/** emitExp's locals for `count` vectors, and its constants held (emit before the loop). */
function declareExp(f: FunctionBuilder, k: Constants, count: number): void {
  for (let i = 0; i < count; i++) for (const v of ['expV', 'expN', 'expR', 'expQ', 'expDrop']) f.local(v + i, V128);
  f.local('expBias', V128);
  k.hold(EXP_CONSTANTS);
  // (n + 127) << 23 is 2^n's bits: n + 127 = (ROUNDER + n)'s bits + 127 - ROUNDER_BITS.
  f.i32(127 - ROUNDER_BITS).simdOp(OP.i32x4Splat).set('expBias');
}

/**
 * Sets each v128 local of `args` to its exp: 2^n · q(r), n = round(arg / ln 2), r = arg - n ln 2
 * (ln 2 in two parts). Lanes below -87 (-Infinity: a padding key's score) give 0, not the
 * float32 subnormals they approach (NaN stays NaN): x86 multiplies a subnormal through a
 * microcode assist of some hundred cycles, and a softmax's probabilities of ~1e-39 in the
 * padding columns made every P·V that read them pay it (8 sequences of 100 keys, 12 of them
 * padding a row: attention 13.3 -> 12.0 ms).
 *
 * Each step is emitted for every arg before the next (arg i uses the locals suffixed i): one
 * exp is a chain of some 25 dependent operations, and with one vector an iteration the core
 * could not look far enough ahead to overlap the next vector's chain (GELU ran at ~40 cycles
 * a vector, the arithmetic alone needs ~17).
 */
function emitExp(f: FunctionBuilder, k: Constants, args: readonly string[]): void {
  const op = (code: number): FunctionBuilder => f.simdOp(code);
  const each = (step: (arg: string, i: number) => void): void => args.forEach(step);
  each((arg, i) => { f.get(arg); k.push(-87); op(OP.lt); f.set(`expDrop${i}`); });
  each((arg) => { f.get(arg); k.push(-87); op(OP.max); f.set(arg); });
  // n = round(arg · log2 e) by adding ROUNDER (the sum rounds to an integer, ties to even, as
  // f32x4.nearest does) and taking it off again; the sum's bits hold n as an integer, which
  // gives 2^n without i32x4.trunc_sat (V8 spends some eight instructions on it without AVX-512).
  each((arg, i) => { f.get(arg); k.push(Math.LOG2E); op(OP.mul); k.push(ROUNDER); op(OP.add); f.set(`expV${i}`); });
  each((_, i) => { f.get(`expV${i}`); k.push(ROUNDER); op(OP.sub); f.set(`expN${i}`); });
  each((arg, i) => { f.get(arg).get(`expN${i}`); k.push(0.693359375); op(OP.mul); op(OP.sub); f.set(`expR${i}`); });
  each((_, i) => { f.get(`expR${i}`).get(`expN${i}`); k.push(-2.12194440e-4); op(OP.mul); op(OP.sub); f.set(`expR${i}`); });
  horner(f, k, args.map((_, i) => `expQ${i}`), args.map((_, i) => `expR${i}`), EXP_POLY);
  each((_, i) => {
    f.get(`expQ${i}`).get(`expR${i}`); op(OP.mul); f.get(`expR${i}`); op(OP.mul); f.get(`expR${i}`); op(OP.add); k.push(1); op(OP.add);
    f.set(`expQ${i}`);
  });
  each((arg, i) => {
    f.get(`expQ${i}`);
    f.get(`expV${i}`).get('expBias'); op(OP.i32x4Add); f.i32(23); op(OP.i32x4Shl);
    op(OP.mul);
    f.get(`expDrop${i}`); op(OP.andnot);
    f.set(arg);
  });
}

/** `gelu_span(ptr, vectors)`: GELU in place on `vectors` x 4 floats at byte offset ptr. */
export function geluSpan(): FunctionBuilder {
  const f = new FunctionBuilder('gelu_span', ['ptr', 'vectors'], [I32, I32]);
  for (let i = 0; i < EXP_VECTORS; i++) for (const v of ['x', 'z', 't', 'p', 'q']) f.local(v + i, V128);
  const k = new Constants(f);
  f.get('vectors').ifElse(() => {
    declareExp(f, k, EXP_VECTORS);
    k.hold([Math.SQRT1_2, 0.5, ...ERFC_POLY]);
    // EXP_VECTORS vectors an iteration while there are as many, then one at a time.
    f.inWidths('vectors', EXP_VECTORS, (count) => {
      geluVectors(f, k, count);
      f.bump('ptr', 16 * count);
    });
  });
  return f;
}

/** GELU in place on `count` vectors from ptr, their steps interleaved (see emitExp). */
function geluVectors(f: FunctionBuilder, k: Constants, count: number): void {
  const op = (code: number): FunctionBuilder => f.simdOp(code);
  const ids = Array.from({ length: count }, (_, i) => i);
  for (const i of ids) f.get('ptr').v128Load(16 * i).set(`x${i}`);
  // z = |x| / √2, t = 1 / (1 + z/2)
  for (const i of ids) { f.get(`x${i}`); op(OP.abs); k.push(Math.SQRT1_2); op(OP.mul); f.set(`z${i}`); }
  for (const i of ids) { k.push(1); k.push(1); f.get(`z${i}`); k.push(0.5); op(OP.mul); op(OP.add); op(OP.div); f.set(`t${i}`); }
  // p = poly(t) - z², clamped where exp underflows anyway
  horner(f, k, ids.map((i) => `p${i}`), ids.map((i) => `t${i}`), ERFC_POLY);
  for (const i of ids) { f.get(`p${i}`).get(`z${i}`).get(`z${i}`); op(OP.mul); op(OP.sub); f.set(`p${i}`); }
  emitExp(f, k, ids.map((i) => `p${i}`));
  // h = x/2 · t · exp(...) = x/2 · erfc(z); GELU = x - h for x >= 0, h below
  for (const i of ids) { f.get(`p${i}`).get(`t${i}`); op(OP.mul); f.get(`x${i}`); op(OP.mul); k.push(0.5); op(OP.mul); f.set(`q${i}`); }
  for (const i of ids) {
    f.get('ptr');
    f.get(`x${i}`).get(`q${i}`); op(OP.sub);
    f.get(`q${i}`);
    f.get(`x${i}`).v128Zero(); op(OP.ge);
    op(OP.bitselect);
    f.v128Store(16 * i);
  }
}

/** Folds the four lanes of v128 local `v` with the f32 binary opcode `scalarOp`; pushes the f32. */
export function foldLanes(f: FunctionBuilder, v: string, scalarOp: number): void {
  f.get(v).f32x4ExtractLane(0);
  for (let lane = 1; lane < 4; lane++) f.get(v).f32x4ExtractLane(lane).op1(scalarOp);
}

/**
 * In softmax_rows: runs `step(width)` for `width` vectors at p while as many are left, then
 * `step(1)` for each vector left, with p walking the row from `ptr`.
 */
function overRow(f: FunctionBuilder, width: number, step: (count: number) => void): void {
  f.get('ptr').set('p');
  f.get('vectors').set('j');
  f.inWidths('j', width, (count) => {
    step(count);
    f.bump('p', 16 * count);
  });
}

/** In softmax_rows: sets m to the row's max, over two accumulators (max is exact in any order). */
function rowMax(f: FunctionBuilder): void {
  f.get('ptr').v128Load().tee('acc').set('acc1');
  overRow(f, 2, (count) => {
    f.get('acc').get('p').v128Load().simdOp(OP.max).set('acc');
    if (count === 2) f.get('acc1').get('p').v128Load(16).simdOp(OP.max).set('acc1');
  });
  f.get('acc').get('acc1').simdOp(OP.max).set('acc');
  foldLanes(f, 'acc', 0x97 /* f32.max */);
  f.set('m');
}

/**
 * In softmax_rows: x_i = exp(alpha · (p's vector i) - alpha · max) for `count` vectors at p,
 * stored back; their sum goes on into acc in row order.
 */
function expVectors(f: FunctionBuilder, k: Constants, count: number): void {
  const ids = Array.from({ length: count }, (_, i) => i);
  for (const i of ids) f.get('p').v128Load(16 * i).get('va').simdOp(OP.mul).get('vm').simdOp(OP.sub).set(`x${i}`);
  emitExp(f, k, ids.map((i) => `x${i}`));
  for (const i of ids) {
    f.get('p').get(`x${i}`).v128Store(16 * i);
    f.get('acc').get(`x${i}`).simdOp(OP.add).set('acc');
  }
}

/** In softmax_rows: the row times 1 / sum (x0 holds it splatted). */
function scaleRow(f: FunctionBuilder): void {
  f.f32Const(1).get('sum').op1(0x95 /* f32.div */).f32x4Splat().set('x0');
  overRow(f, 2, (count) => {
    for (let i = 0; i < count; i++) f.get('p').get('p').v128Load(16 * i).get('x0').simdOp(OP.mul).v128Store(16 * i);
  });
}

/**
 * `softmax_rows(ptr, rows, ldc, vectors, alpha)`: in place, for `rows` rows `ldc` bytes apart,
 * each `vectors` x 4 floats: x <- exp(alpha·x - alpha·max) / sum. Columns holding -Infinity
 * (padding) get 0, as do scores more than 87 / alpha below the row's largest. alpha > 0.
 */
export function softmaxRows(): FunctionBuilder {
  const f = new FunctionBuilder('softmax_rows', ['ptr', 'rows', 'ldc', 'vectors', 'alpha'], [I32, I32, I32, I32, F32]);
  for (const v of ['p', 'j']) f.local(v);
  for (const v of ['m', 'sum']) f.local(v, F32);
  for (let i = 0; i < EXP_VECTORS; i++) f.local(`x${i}`, V128);
  for (const v of ['va', 'vm', 'acc', 'acc1']) f.local(v, V128);
  const k = new Constants(f);
  declareExp(f, k, EXP_VECTORS);
  f.get('alpha').f32x4Splat().set('va');
  f.get('rows').get('vectors').mul().ifElse(() => {
    f.doWhile(
      () => {
        rowMax(f);
        f.get('m').get('alpha').op1(0x94 /* f32.mul */).f32x4Splat().set('vm');
        f.v128Zero().set('acc');
        overRow(f, EXP_VECTORS, (count) => expVectors(f, k, count));
        foldLanes(f, 'acc', 0x92 /* f32.add */);
        f.set('sum');
        scaleRow(f);
        f.bump('ptr', 'ldc');
        f.bump('rows', -1);
      },
      () => f.get('rows'),
    );
  });
  return f;
}
