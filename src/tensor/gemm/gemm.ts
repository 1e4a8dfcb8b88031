// The matrix-multiply engines' common interface. Every linear layer of BERT is
//   y[M,N] = x[M,K] · W[N,K]ᵀ (+ b) (then maybe GELU),
// with W in PyTorch's [out, in] layout. Engines pack W once, at load, into whatever layout
// their kernel wants, and return an opaque handle.
import type { Activation } from '../backend.js';
import { activationFunction } from '../reference/activations.js';

/** A right-hand operand packed by an engine; only that engine can use it. */
export interface PackedMatrix {
  /** Output features (rows of W). */
  readonly n: number;
  /** Input features (columns of W). */
  readonly k: number;
}

/** What to do to each output value after the multiply-add: a backend activation. */
export type Epilogue = Activation;

/** One multiply: y = alpha · (A · Wᵀ) + bias, then the epilogue. */
export interface MatmulArgs {
  readonly m: number;
  /** A[m, k], row `i` starting at `aOffset + i * lda`. */
  readonly a: Float32Array;
  readonly aOffset?: number;
  readonly lda?: number;
  readonly b: PackedMatrix;
  /** y[m, n], row `i` starting at `outOffset + i * ldo`. */
  readonly out: Float32Array;
  readonly outOffset?: number;
  readonly ldo?: number;
  readonly bias?: Float32Array;
  readonly alpha?: number;
  readonly epilogue?: Epilogue;
}

/** A matrix-multiply engine. */
export interface GemmEngine {
  /** Short name for logs and benchmarks: 'wasm-simd', 'typescript', ... */
  readonly name: string;
  /** Threads the engine splits one multiply over (1 = the calling thread only). */
  readonly threads: number;
  /** Packs W given as [n, k] row-major (PyTorch's nn.Linear weight layout). */
  packNK(w: Float32Array, n: number, k: number): PackedMatrix;
  /** Packs the operand given as [k, n] row-major (e.g. V in attention: y = P · V), optionally a column window. */
  packKN(v: Float32Array, k: number, n: number, options?: { offset?: number; ld?: number }): PackedMatrix;
  /** Like packKN / packNK but for one operation only: valid until the next `beginOperation`. */
  packTransient(v: Float32Array, k: number, n: number, layout: 'nk' | 'kn', options?: { offset?: number; ld?: number }): PackedMatrix;
  /** Output columns [start, start + count) of `b` as an operand of its own; `start` a multiple of `columnAlign`. */
  columns(b: PackedMatrix, start: number, count: number): PackedMatrix;
  /** What `columns` needs `start` to be a multiple of. */
  readonly columnAlign: number;
  /** Frees the scratch and transient operands of the previous operation. */
  beginOperation(): void;
  matmul(args: MatmulArgs): void;
  /**
   * Optional, for engines that pack into memory of their own: copies rows `rows` of a matrix
   * packed by `packNK` (rows of the original [n, k] W) into `out` [rows.length, k], exactly.
   * Lets a tied word-embedding table be read from the decoder's packed copy instead of being
   * kept twice. Rows are checked by the caller.
   */
  readRows?(b: PackedMatrix, rows: Int32Array, out: Float32Array): void;
  /** Stops worker threads, if any. */
  dispose(): void;
}

/** Applies scale, bias and activation to one row segment of `count` values. */
export function finishRow(
  out: Float32Array, at: number, count: number, alpha: number, bias: Float32Array | undefined, biasAt: number, epilogue: Epilogue,
): void {
  if (alpha !== 1) for (let j = 0; j < count; j++) out[at + j] *= alpha;
  if (bias) for (let j = 0; j < count; j++) out[at + j] += bias[biasAt + j];
  if (epilogue === 'gelu') {
    for (let j = 0; j < count; j++) out[at + j] = geluFast(out[at + j]);
  } else if (epilogue !== 'none') {
    const f = activationFunction(epilogue);
    for (let j = 0; j < count; j++) out[at + j] = f(out[at + j]);
  }
}

/**
 * Exact-form GELU, x/2 · (1 + erf(x/√2)), with erf from the Chebyshev fit of erfc (Numerical
 * Recipes' erfcc: relative error below 1.2e-7 for all x), one exp per value. The reference
 * backend's erf sums a series below |x| = 2, closer to the last bit but about ten times slower;
 * the two differ by less than 2 float32 ulps of the GELU output.
 */
export function geluFast(x: number): number {
  const z = Math.abs(x) * Math.SQRT1_2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? x - 0.5 * x * erfc : 0.5 * x * erfc;
}
