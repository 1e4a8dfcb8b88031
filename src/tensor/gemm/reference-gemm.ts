// The plainest matrix multiply, one dot product per output: the yardstick the fast engines
// are tested against.
import { finishRow, type GemmEngine, type MatmulArgs, type PackedMatrix } from './gemm.js';
import { transposeKN } from './typescript-gemm.js';

class Plain implements PackedMatrix {
  constructor(readonly data: Float32Array, readonly n: number, readonly k: number) {}
}

export class ReferenceGemm implements GemmEngine {
  readonly name = 'reference';
  readonly threads = 1;

  packNK(w: Float32Array, n: number, k: number): PackedMatrix {
    return new Plain(w, n, k);
  }

  packKN(v: Float32Array, k: number, n: number, options: { offset?: number; ld?: number } = {}): PackedMatrix {
    return new Plain(transposeKN(v, k, n, options.offset ?? 0, options.ld ?? n), n, k);
  }

  readonly columnAlign = 1;

  packTransient(v: Float32Array, k: number, n: number, layout: 'nk' | 'kn', options: { offset?: number; ld?: number } = {}): PackedMatrix {
    if (layout === 'kn') return this.packKN(v, k, n, options);
    const offset = options.offset ?? 0;
    const ld = options.ld ?? k;
    if (offset === 0 && ld === k) return this.packNK(v, n, k);
    const copy = new Float32Array(n * k);
    for (let j = 0; j < n; j++) copy.set(v.subarray(offset + j * ld, offset + j * ld + k), j * k);
    return new Plain(copy, n, k);
  }

  columns(b: PackedMatrix, start: number, count: number): PackedMatrix {
    const m = b as Plain;
    return new Plain(m.data.subarray(start * m.k, (start + count) * m.k), count, m.k);
  }

  beginOperation(): void {}

  matmul(args: MatmulArgs): void {
    const b = args.b as Plain;
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

  dispose(): void {}
}
