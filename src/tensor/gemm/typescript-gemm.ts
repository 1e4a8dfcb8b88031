// The pure-TypeScript engine: the fallback where WebAssembly SIMD is missing. W stays in its
// [n, k] layout; a 4x4 block of outputs is computed at once so every loaded value is used
// four times, which is what makes plain JavaScript reach a few GFLOP/s.
import { finishRow, type MatmulArgs } from './gemm.js';
import { RowMajor, RowMajorGemm } from './row-major.js';

export class TypeScriptGemm extends RowMajorGemm {
  readonly name = 'typescript';

  matmul(args: MatmulArgs): void {
    const { m, a, out } = args;
    const b = args.b as RowMajor;
    const { n, k } = b;
    const w = b.data;
    const lda = args.lda ?? k;
    const ldo = args.ldo ?? n;
    const aOff = args.aOffset ?? 0;
    const oOff = args.outOffset ?? 0;
    const m4 = m - (m % 4);
    const n4 = n - (n % 4);
    for (let i = 0; i < m4; i += 4) {
      const a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
      for (let j = 0; j < n4; j += 4) {
        const w0 = j * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (let p = 0; p < k; p++) {
          const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
          const y0 = w[w0 + p], y1 = w[w1 + p], y2 = w[w2 + p], y3 = w[w3 + p];
          c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
          c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
          c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
          c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
        }
        const o0 = oOff + i * ldo + j, o1 = o0 + ldo, o2 = o1 + ldo, o3 = o2 + ldo;
        out[o0] = c00; out[o0 + 1] = c01; out[o0 + 2] = c02; out[o0 + 3] = c03;
        out[o1] = c10; out[o1 + 1] = c11; out[o1 + 2] = c12; out[o1 + 3] = c13;
        out[o2] = c20; out[o2 + 1] = c21; out[o2 + 2] = c22; out[o2 + 3] = c23;
        out[o3] = c30; out[o3 + 1] = c31; out[o3 + 2] = c32; out[o3 + 3] = c33;
      }
    }
    // The ragged right and bottom edges, one output at a time.
    for (let i = 0; i < m; i++) {
      for (let j = i < m4 ? n4 : 0; j < n; j++) {
        let s = 0;
        const ai = aOff + i * lda, wj = j * k;
        for (let p = 0; p < k; p++) s += a[ai + p] * w[wj + p];
        out[oOff + i * ldo + j] = s;
      }
    }
    const alpha = args.alpha ?? 1;
    for (let i = 0; i < m; i++) finishRow(out, oOff + i * ldo, n, alpha, args.bias, 0, args.epilogue ?? 'none');
  }
}
