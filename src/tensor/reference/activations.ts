// Elementwise activations. JavaScript has no Math.erf, so the exact GELU needs its own erf.
import type { Activation } from '../backend.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const SQRT_HALF = Math.SQRT1_2;
const SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * The error function, accurate to about 1e-15 absolute below |x| = 2 (its Maclaurin series,
 * summed in double precision) and to about 1.2e-7 relative in erfc beyond (the Chebyshev
 * fit of Numerical Recipes' `erfcc`), well inside float32 precision everywhere.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2) {
    // erf(x) = 2/√π · Σ (-1)^n x^(2n+1) / (n! (2n+1))
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const next = term / (2 * n + 1);
      sum += next;
      if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  const t = 1 / (1 + 0.5 * ax);
  const erfc =
    t *
    Math.exp(
      -ax * ax -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc : erfc - 1;
}

/** Exact GELU: x/2 · (1 + erf(x/√2)). */
export function geluExact(x: number): number {
  return 0.5 * x * (1 + erf(x * SQRT_HALF));
}

/** The tanh approximation of GELU (Hugging Face's `gelu_new` / `gelu_pytorch_tanh`). */
export function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(SQRT_TWO_OVER_PI * (x + 0.044715 * x * x * x)));
}

/** The scalar function of an activation. */
export function activationFunction(activation: Activation): (x: number) => number {
  switch (activation) {
    case 'gelu':
      return geluExact;
    case 'gelu_tanh':
      return geluTanh;
    case 'quick_gelu':
      return (x) => x / (1 + Math.exp(-1.702 * x));
    case 'silu':
      return (x) => x / (1 + Math.exp(-x));
    case 'relu':
      return (x) => (x > 0 ? x : 0);
    case 'none':
      return (x) => x;
  }
}

/** Applies an activation in place. */
export function activateInPlace(data: Float32Array, activation: Activation): void {
  if (activation === 'none') return;
  const f = activationFunction(activation);
  for (let i = 0; i < data.length; i++) data[i] = f(data[i]);
}
