// The plain int8 matrix multiply, one integer dot product per output: the yardstick the
// WebAssembly int8 kernel is tested against. It rounds where the kernel rounds (the int32 sum
// converted to float32, times the float32 product of the two scales, plus the bias, each step
// rounded to float32), so the two agree exactly on the same inputs.
import type { Int8Weight } from '../compact-weight.js';
import { finishRow, type Epilogue } from './gemm.js';
import { findOutlierColumns, quantizeColumns, quantizeRows } from './int8-activations.js';

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
  /** Split outlier columns into a second group (default true); false: plain per-token absmax. */
  readonly outliers?: boolean;
}

const f = Math.fround;

export function referenceInt8Matmul(args: Int8MatmulArgs): void {
  const { m, a, b, out } = args;
  const { n, k } = b;
  const aOffset = args.aOffset ?? 0;
  const lda = args.lda ?? k;
  const ldo = args.ldo ?? n;
  const outOffset = args.outOffset ?? 0;
  const outliers = args.outliers === false ? new Int32Array(0) : findOutlierColumns(a, aOffset, lda, m, k);
  const q = new Int16Array(m * k);
  const scales = new Float32Array(m);
  quantizeRows(a, aOffset, lda, m, k, outliers, q, k, scales);
  const o = outliers.length;
  const qo = new Int16Array(m * o);
  const outlierScales = new Float32Array(m);
  if (o > 0) quantizeColumns(a, aOffset, lda, m, outliers, qo, o, outlierScales);
  for (let i = 0; i < m; i++) {
    const row = outOffset + i * ldo;
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += q[i * k + p] * b.values[j * k + p];
      let y = f(f(f(acc) * f(scales[i] * b.scales[j])) + (args.bias ? args.bias[j] : 0));
      if (o > 0) {
        let acc2 = 0;
        for (let p = 0; p < o; p++) acc2 += qo[i * o + p] * b.values[j * k + outliers[p]];
        y = f(f(f(acc2) * f(outlierScales[i] * b.scales[j])) + y);
      }
      out[row + j] = y;
    }
    finishRow(out, row, n, 1, undefined, 0, args.epilogue ?? 'none');
  }
}
