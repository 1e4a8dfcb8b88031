// The [n, k] row-major layout shared by the plain engines (the pure-TypeScript fallback and the
// reference): W stays as the checkpoint has it, so packing is at most a transpose or a copy.
import type { GemmEngine, MatmulArgs, PackedMatrix } from './gemm.js';

/** W as [n, k] row-major floats. */
export class RowMajor implements PackedMatrix {
  constructor(readonly data: Float32Array, readonly n: number, readonly k: number) {}
}

export function transposeKN(v: Float32Array, k: number, n: number, offset = 0, ld = n): Float32Array {
  const t = new Float32Array(n * k);
  for (let kk = 0; kk < k; kk++) {
    const row = offset + kk * ld;
    for (let j = 0; j < n; j++) t[j * k + kk] = v[row + j];
  }
  return t;
}

/** An engine whose matrices are [n, k] row-major: everything but the multiply itself. */
export abstract class RowMajorGemm implements GemmEngine {
  abstract readonly name: string;
  readonly threads = 1;

  packNK(w: Float32Array, n: number, k: number): PackedMatrix {
    return new RowMajor(w.length === n * k ? w : w.slice(0, n * k), n, k);
  }

  packKN(v: Float32Array, k: number, n: number, options: { offset?: number; ld?: number } = {}): PackedMatrix {
    return new RowMajor(transposeKN(v, k, n, options.offset ?? 0, options.ld ?? n), n, k);
  }

  readonly columnAlign = 1;

  packTransient(v: Float32Array, k: number, n: number, layout: 'nk' | 'kn', options: { offset?: number; ld?: number } = {}): PackedMatrix {
    if (layout === 'kn') return this.packKN(v, k, n, options);
    const offset = options.offset ?? 0;
    const ld = options.ld ?? k;
    if (offset === 0 && ld === k) return this.packNK(v, n, k);
    const copy = new Float32Array(n * k);
    for (let j = 0; j < n; j++) copy.set(v.subarray(offset + j * ld, offset + j * ld + k), j * k);
    return new RowMajor(copy, n, k);
  }

  columns(b: PackedMatrix, start: number, count: number): PackedMatrix {
    const m = b as RowMajor;
    return new RowMajor(m.data.subarray(start * m.k, (start + count) * m.k), count, m.k);
  }

  beginOperation(): void {}

  abstract matmul(args: MatmulArgs): void;

  dispose(): void {}
}
