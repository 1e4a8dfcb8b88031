// The plain int8 matrix multiply, one integer dot product per output: the yardstick the
// WebAssembly int8 kernels are tested against. It rounds where the kernels round (the exact
// int32 sum Σ (q - zero)·w converted to float32, times the float32 product of the two scales,
// plus the bias, each step rounded to float32), so they agree exactly on the same inputs. A
// weight's float columns (Int8Weight.floatColumns) are multiplied in float32, before the rest.
import type { Int8Weight } from '../compact-weight.js';
import { finishRow, type Epilogue } from './gemm.js';
import { findOutlierColumns, quantizeColumns, quantizeRows, unionColumns } from './int8-activations.js';

/** y[m, n] = epilogue(x · Wᵀ + bias) with W int8 per row and x quantized per row at run time. */
export interface Int8MatmulArgs {
  readonly m: number;
  readonly a: Float32Array;
  readonly aOffset?: number;
  readonly lda?: number;
  readonly b: Int8Weight;
  readonly out: Float32Array;
  readonly outOffset?: number;
  readonly ldo?: number;
  readonly bias?: Float32Array;
  readonly epilogue?: Epilogue;
  /** Split outlier columns into a second group (default true); false: one scale per token. */
  readonly outliers?: boolean;
}

const f = Math.fround;

/** The activations of one group quantized: [m, width] values with a scale and zero point a row. */
interface QuantizedGroup {
  readonly q: Uint8Array;
  readonly width: number;
  readonly scales: Float32Array;
  readonly zeros: Int32Array;
  /** The weight column each of the group's columns multiplies. */
  readonly column: (p: number) => number;
}

/** Σ_p (q[i, p] - zero[i]) · W[j, column(p)]: exact (integers well inside 2^53). */
function integerDot(g: QuantizedGroup, i: number, w: Int8Weight, j: number): number {
  let acc = 0;
  let sum = 0;
  for (let p = 0; p < g.width; p++) {
    const weight = w.values[j * w.k + g.column(p)];
    acc += g.q[i * g.width + p] * weight;
    sum += weight;
  }
  return acc - g.zeros[i] * sum;
}

export function referenceInt8Matmul(args: Int8MatmulArgs): void {
  const { m, a, b, out } = args;
  const { n, k } = b;
  const aOffset = args.aOffset ?? 0;
  const lda = args.lda ?? k;
  const ldo = args.ldo ?? n;
  const outOffset = args.outOffset ?? 0;
  const float = b.floatColumns;
  const floatColumns = float?.columns ?? new Int32Array(0);
  const outliers = args.outliers === false ? new Int32Array(0) : findOutlierColumns(a, aOffset, lda, m, k, floatColumns);
  const main: QuantizedGroup = { q: new Uint8Array(m * k), width: k, scales: new Float32Array(m), zeros: new Int32Array(m), column: (p) => p };
  quantizeRows(a, aOffset, lda, m, k, unionColumns(outliers, floatColumns), main.q, k, main.scales, main.zeros);
  const o = outliers.length;
  const second: QuantizedGroup = { q: new Uint8Array(m * o), width: o, scales: new Float32Array(m), zeros: new Int32Array(m), column: (p) => outliers[p] };
  if (o > 0) quantizeColumns(a, aOffset, lda, m, outliers, second.q, o, second.scales, second.zeros);
  for (let i = 0; i < m; i++) {
    const row = outOffset + i * ldo;
    for (let j = 0; j < n; j++) {
      // The float columns' products first, from the bias in column order (the float32 kernel's
      // order: its result is where the int8 kernel starts), then the int8 groups.
      let start = args.bias ? args.bias[j] : 0;
      if (float) {
        const p = floatColumns.length;
        for (let c = 0; c < p; c++) start = f(start + f(a[aOffset + i * lda + floatColumns[c]] * float.values[j * p + c]));
      }
      let y = f(f(f(integerDot(main, i, b, j)) * f(main.scales[i] * b.scales[j])) + start);
      if (o > 0) y = f(f(f(integerDot(second, i, b, j)) * f(second.scales[i] * b.scales[j])) + y);
      out[row + j] = y;
    }
    finishRow(out, row, n, 1, undefined, 0, args.epilogue ?? 'none');
  }
}
