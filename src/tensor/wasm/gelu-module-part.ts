// GELU on f32x4 lanes, for the matmul epilogue: x/2 · (1 + erf(x/√2)) written as
// x - h (x >= 0) or h (x < 0) with h = x/2 · erfc(|x|/√2), erfc from the Chebyshev fit of
// Numerical Recipes' erfcc (relative error below 1.2e-7) and exp from Cephes' expf
// (range reduction by ln 2, a degree-6 polynomial, 2^n built in the exponent bits).
// Evaluated in float32 the result is within a few ulps of the exact GELU.
import { I32, V128 } from './encoder.js';
import { FunctionBuilder } from './function-builder.js';

const OP = {
  abs: 0xe0, add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7, max: 0xe9, nearest: 0x6a, ge: 0x46,
  bitselect: 0x52, i32x4Splat: 0x11, i32x4Shl: 0xab, i32x4Add: 0xae, truncSatS: 0xf8,
} as const;

const ERFC_POLY = [0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223];
const EXP_POLY = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

/** `gelu_span(ptr, vectors)`: GELU in place on `vectors` x 4 floats at byte offset ptr. */
export function geluSpan(): FunctionBuilder {
  const f = new FunctionBuilder('gelu_span', ['ptr', 'vectors'], [I32, I32]);
  for (const v of ['x', 'z', 't', 'p', 'n', 'r', 'q']) f.local(v, V128);
  const op = (code: number): FunctionBuilder => f.simdOp(code);
  /** acc = acc * by + c for each c: Horner's rule. */
  const horner = (acc: string, by: string, coefficients: number[]): void => {
    f.f32x4Const(coefficients[0]).set(acc);
    for (const c of coefficients.slice(1)) {
      f.get(acc).get(by);
      op(OP.mul);
      f.f32x4Const(c);
      op(OP.add);
      f.set(acc);
    }
  };
  f.get('vectors').ifElse(() => {
    f.doWhile(
      () => {
        f.get('ptr').v128Load().set('x');
        // z = |x| / √2, t = 1 / (1 + z/2)
        f.get('x'); op(OP.abs); f.f32x4Const(Math.SQRT1_2); op(OP.mul); f.set('z');
        f.f32x4Const(1).f32x4Const(1).get('z').f32x4Const(0.5); op(OP.mul); op(OP.add); op(OP.div); f.set('t');
        // p = poly(t) - z², clamped where exp underflows anyway
        horner('p', 't', ERFC_POLY);
        f.get('p').get('z').get('z'); op(OP.mul); op(OP.sub); f.f32x4Const(-87); op(OP.max); f.set('p');
        // exp(p) = 2^n · q(r), n = round(p / ln 2), r = p - n ln 2 (ln 2 in two parts)
        f.get('p').f32x4Const(Math.LOG2E); op(OP.mul); op(OP.nearest); f.set('n');
        f.get('p').get('n').f32x4Const(0.693359375); op(OP.mul); op(OP.sub);
        f.get('n').f32x4Const(-2.12194440e-4); op(OP.mul); op(OP.sub); f.set('r');
        horner('q', 'r', EXP_POLY);
        f.get('q').get('r'); op(OP.mul); f.get('r'); op(OP.mul); f.get('r'); op(OP.add); f.f32x4Const(1); op(OP.add);
        f.get('n'); op(OP.truncSatS); f.i32(127); op(OP.i32x4Splat); op(OP.i32x4Add); f.i32(23); op(OP.i32x4Shl);
        op(OP.mul);
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
