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
  abs: 0xe0, add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7, max: 0xe9, nearest: 0x6a, ge: 0x46, lt: 0x43,
  bitselect: 0x52, andnot: 0x4f, i32x4Splat: 0x11, i32x4Shl: 0xab, i32x4Add: 0xae, truncSatS: 0xf8,
} as const;

const ERFC_POLY = [0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223];
const EXP_POLY = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

/** acc = acc * by + c for each c: Horner's rule on v128 locals. */
function horner(f: FunctionBuilder, acc: string, by: string, coefficients: number[]): void {
  f.f32x4Const(coefficients[0]).set(acc);
  for (const c of coefficients.slice(1)) {
    f.get(acc).get(by).simdOp(OP.mul).f32x4Const(c).simdOp(OP.add).set(acc);
  }
}

function declareExpLocals(f: FunctionBuilder): void {
  for (const v of ['expN', 'expR', 'expQ', 'expDrop']) f.local(v, V128);
}

/**
 * Pushes exp(arg) for the v128 local `arg`: 2^n · q(r), n = round(arg / ln 2), r = arg - n ln 2
 * (ln 2 in two parts). Lanes below -87 (-Infinity: a padding key's score) give 0, not the
 * float32 subnormals they approach (NaN stays NaN): x86 multiplies a subnormal through a
 * microcode assist of some hundred cycles, and a softmax's probabilities of ~1e-39 in the
 * padding columns made every P·V that read them pay it (8 sequences of 100 keys, 12 of them
 * padding a row: attention 13.3 -> 12.0 ms).
 */
function emitExp(f: FunctionBuilder, arg: string): void {
  const op = (code: number): FunctionBuilder => f.simdOp(code);
  f.get(arg).f32x4Const(-87); op(OP.lt); f.set('expDrop');
  f.get(arg).f32x4Const(-87); op(OP.max); f.set(arg);
  f.get(arg).f32x4Const(Math.LOG2E); op(OP.mul); op(OP.nearest); f.set('expN');
  f.get(arg).get('expN').f32x4Const(0.693359375); op(OP.mul); op(OP.sub);
  f.get('expN').f32x4Const(-2.12194440e-4); op(OP.mul); op(OP.sub); f.set('expR');
  horner(f, 'expQ', 'expR', EXP_POLY);
  f.get('expQ').get('expR'); op(OP.mul); f.get('expR'); op(OP.mul); f.get('expR'); op(OP.add); f.f32x4Const(1); op(OP.add);
  f.get('expN'); op(OP.truncSatS); f.i32(127); op(OP.i32x4Splat); op(OP.i32x4Add); f.i32(23); op(OP.i32x4Shl);
  op(OP.mul);
  f.get('expDrop'); op(OP.andnot);
}

/** `gelu_span(ptr, vectors)`: GELU in place on `vectors` x 4 floats at byte offset ptr. */
export function geluSpan(): FunctionBuilder {
  const f = new FunctionBuilder('gelu_span', ['ptr', 'vectors'], [I32, I32]);
  for (const v of ['x', 'z', 't', 'p', 'q']) f.local(v, V128);
  declareExpLocals(f);
  const op = (code: number): FunctionBuilder => f.simdOp(code);
  f.get('vectors').ifElse(() => {
    f.doWhile(
      () => {
        f.get('ptr').v128Load().set('x');
        // z = |x| / √2, t = 1 / (1 + z/2)
        f.get('x'); op(OP.abs); f.f32x4Const(Math.SQRT1_2); op(OP.mul); f.set('z');
        f.f32x4Const(1).f32x4Const(1).get('z').f32x4Const(0.5); op(OP.mul); op(OP.add); op(OP.div); f.set('t');
        // p = poly(t) - z², clamped where exp underflows anyway
        horner(f, 'p', 't', ERFC_POLY);
        f.get('p').get('z').get('z'); op(OP.mul); op(OP.sub); f.set('p');
        emitExp(f, 'p');
        // h = x/2 · t · exp(...) = x/2 · erfc(z); GELU = x - h for x >= 0, h below
        f.get('t'); op(OP.mul); f.get('x'); op(OP.mul); f.f32x4Const(0.5); op(OP.mul); f.set('q');
        f.get('ptr');
        f.get('x').get('q'); op(OP.sub);
        f.get('q');
        f.get('x').v128Zero(); op(OP.ge);
        op(OP.bitselect);
        f.v128Store();
        f.bump('ptr', 16);
        f.bump('vectors', -1);
      },
      () => f.get('vectors'),
    );
  });
  return f;
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
  for (const v of ['x', 'va', 'vm', 'acc']) f.local(v, V128);
  declareExpLocals(f);
  const op = (code: number): FunctionBuilder => f.simdOp(code);
  /** Folds the four lanes of v128 local `v` with the f32 binary opcode `scalarOp`. */
  const lanes = (v: string, scalarOp: number): void => {
    f.get(v).f32x4ExtractLane(0);
    for (let lane = 1; lane < 4; lane++) f.get(v).f32x4ExtractLane(lane).op1(scalarOp);
  };
  /** Runs `body` for j = vectors..1 with p walking the row. */
  const overRow = (body: () => void): void => {
    f.get('ptr').set('p');
    f.get('vectors').set('j');
    f.doWhile(() => {
      body();
      f.bump('p', 16);
      f.bump('j', -1);
    }, () => f.get('j'));
  };
  f.get('alpha').f32x4Splat().set('va');
  f.get('rows').get('vectors').mul().ifElse(() => {
    f.doWhile(
      () => {
        f.get('ptr').v128Load().set('acc');
        overRow(() => { f.get('acc').get('p').v128Load(); op(OP.max); f.set('acc'); });
        lanes('acc', 0x97 /* f32.max */);
        f.set('m');
        f.get('m').get('alpha').op1(0x94 /* f32.mul */).f32x4Splat().set('vm');
        f.v128Zero().set('acc');
        overRow(() => {
          f.get('p').v128Load().get('va'); op(OP.mul); f.get('vm'); op(OP.sub); f.set('x');
          emitExp(f, 'x');
          f.set('x');
          f.get('p').get('x').v128Store();
          f.get('acc').get('x'); op(OP.add); f.set('acc');
        });
        lanes('acc', 0x92 /* f32.add */);
        f.set('sum');
        f.f32Const(1).get('sum').op1(0x95 /* f32.div */).f32x4Splat().set('x');
        overRow(() => { f.get('p').get('p').v128Load().get('x'); op(OP.mul); f.v128Store(); });
        f.bump('ptr', 'ldc');
        f.bump('rows', -1);
      },
      () => f.get('rows'),
    );
  });
  return f;
}
