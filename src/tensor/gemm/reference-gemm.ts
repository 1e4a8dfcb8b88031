// The plainest matrix multiply, one dot product per output: the yardstick the fast engines
// are tested against.
import { finishRow, type MatmulArgs } from './gemm.js';
import { RowMajor, RowMajorGemm } from './row-major.js';

export class ReferenceGemm extends RowMajorGemm {
  readonly name = 'reference';

  matmul(args: MatmulArgs): void {
    const b = args.b as RowMajor;
    const lda = args.lda ?? b.k;
    const ldo = args.ldo ?? b.n;
    for (let i = 0; i < args.m; i++) {
      const o = (args.outOffset ?? 0) + i * ldo;
      for (let j = 0; j < b.n; j++) {
        let s = 0;
        for (let p = 0; p < b.k; p++) s += args.a[(args.aOffset ?? 0) + i * lda + p] * b.data[j * b.k + p];
        args.out[o + j] = s;
      }
      finishRow(args.out, o, b.n, args.alpha ?? 1, args.bias, 0, args.epilogue ?? 'none');
    }
  }
}
