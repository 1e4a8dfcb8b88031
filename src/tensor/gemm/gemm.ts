// The matrix-multiply engines' common interface. Every linear layer of BERT is
//   y[M,N] = x[M,K] · W[N,K]ᵀ (+ b) (then maybe GELU),
// with W in PyTorch's [out, in] layout. Engines pack W once, at load, into whatever layout
// their kernel wants, and return an opaque handle.

/** A right-hand operand packed by an engine; only that engine can use it. */
export interface PackedMatrix {
  /** Output features (rows of W). */
  readonly n: number;
  /** Input features (columns of W). */
  readonly k: number;
}

/** What to do to each output value after the multiply-add. */
export type Epilogue = 'none' | 'gelu';

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
  /** Like packKN / packNK but for one operation only: valid until the next matmul. */
  packTransient?(v: Float32Array, k: number, n: number, layout: 'nk' | 'kn', options?: { offset?: number; ld?: number }): PackedMatrix;
  matmul(args: MatmulArgs): void;
  /** Stops worker threads, if any. */
  dispose(): void;
}

/** GELU with the exact erf form BERT uses: x · Φ(x). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/**
 * erf to about 1e-7 absolute (double arithmetic), from W. J. Cody's rational approximations
 * folded into the Numerical Recipes erfc Chebyshev form.
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/** Applies bias, scale and epilogue to one row segment. */
export function finishRow(
  out: Float32Array, at: number, count: number, alpha: number, bias: Float32Array | undefined, biasAt: number, epilogue: Epilogue,
): void {
  for (let j = 0; j < count; j++) {
    let v = out[at + j] * alpha;
    if (bias) v += bias[biasAt + j];
    out[at + j] = epilogue === 'gelu' ? gelu(v) : v;
  }
}
