// `gemm_pool(record)`: one thread's share of a block of the SPLADE vocabulary projection with
// its max-pooling, in one job. The thread multiplies its own n-panels (columns of the
// vocabulary block) with `gemm`, then, while those columns are still in its cache, folds them
// into the pooled output: out[b, col] = max(0, max over the rows of sequence b of C[row, col]).
// Every thread owns its vocabulary columns of the output, so no serial merge follows; the
// calling thread only takes log(1 + x) of the [batch, vocab] result at the end.
import { I32 } from './binary-writer.js';
import { FunctionBuilder } from './function-builder.js';

/** Byte offsets of the fields of a pool record (i32 each). */
export const POOL = {
  /** The gemm job record whose columns [npStart, npEnd) this thread multiplies and pools. */
  job: 0,
  /** i32[batch + 1]: sequence b's rows of C are [starts[b], starts[b + 1]). */
  starts: 4,
  batch: 8,
  /** Pooled output: sequence b's row at out + b * outStride, column c at byte 4c (c relative to the block). */
  out: 12,
  outStride: 16,
  /**
   * Bytes of one n-panel of the job's columns: 4 x the float32 kernel's NR, or the int8
   * kernel's, whose panels may be narrower (the job's npStart/npEnd count those panels).
   */
  panelBytes: 20,
} as const;
export const POOL_BYTES = 64;

const SIMD_MAX = 0xe9;
const I32_SHR_U = 0x76;

/**
 * `gemm_pool(record)`. `gemmIndex` is the module's function index of `gemm(job)`; `jobField`
 * the byte offsets of the gemm job fields it reads (c, ldc, npStart, npEnd).
 */
export function gemmPool(gemmIndex: number, jobField: { c: number; ldc: number; npStart: number; npEnd: number }): FunctionBuilder {
  const f = new FunctionBuilder('gemm_pool', ['record'], [I32]);
  for (const name of ['job', 'c', 'ldc', 'panelBytes', 'colBytes', 'vectors', 'starts', 'batch', 'out', 'outStride', 'b', 'row', 'rowEnd', 'o', 'src', 'j']) {
    f.local(name);
  }
  f.get('record').i32Load(POOL.job).tee('job');
  f.call(gemmIndex);
  f.get('job').i32Load(jobField.c).set('c');
  f.get('job').i32Load(jobField.ldc).set('ldc');
  f.get('record').i32Load(POOL.panelBytes).set('panelBytes');
  f.get('job').i32Load(jobField.npStart).get('panelBytes').mul().set('colBytes');
  // 16 bytes a vector: panelBytes / 16 vectors a panel.
  f.get('job').i32Load(jobField.npEnd).get('job').i32Load(jobField.npStart).sub().get('panelBytes').mul().i32(4).op1(I32_SHR_U).set('vectors');
  f.get('record').i32Load(POOL.starts).set('starts');
  f.get('record').i32Load(POOL.batch).set('batch');
  f.get('record').i32Load(POOL.out).get('colBytes').add().set('out');
  f.get('record').i32Load(POOL.outStride).set('outStride');

  /** Runs `body` for each of this thread's vectors, `o` walking the output row (and `src` a row of C). */
  const overColumns = (body: () => void): void => {
    f.get('vectors').set('j');
    f.doWhile(() => {
      body();
      f.bump('o', 16);
      f.bump('src', 16);
      f.bump('j', -1);
    }, () => f.get('j'));
  };
  f.get('vectors').get('batch').mul().ifElse(() => {
    f.i32(0).set('b');
    f.doWhile(() => {
      const rowStart = (): void => { f.get('out').get('b').get('outStride').mul().add().set('o'); };
      // max(0, ...): the ReLU before log(1 + x), and 0 for a sequence without rows.
      rowStart();
      overColumns(() => { f.get('o').v128Zero().v128Store(); });
      f.get('starts').get('b').i32(4).mul().add().i32Load(0).set('row');
      f.get('starts').get('b').i32(4).mul().add().i32Load(4).set('rowEnd');
      f.get('row').get('rowEnd').ltU().ifElse(() => {
        f.doWhile(() => {
          rowStart();
          f.get('c').get('row').get('ldc').mul().add().get('colBytes').add().set('src');
          overColumns(() => {
            f.get('o');
            f.get('o').v128Load().get('src').v128Load().simdOp(SIMD_MAX);
            f.v128Store();
          });
          f.bump('row', 1);
        }, () => f.get('row').get('rowEnd').ltU());
      });
      f.bump('b', 1);
    }, () => f.get('b').get('batch').ltU());
  });
  return f;
}
