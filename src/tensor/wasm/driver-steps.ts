// Steps that both gemm drivers emit alike: the float32 one (gemm-module.ts gemmDriver) and
// int8's (compact-kernels.ts int8Driver). Each reads the driver's locals by name.
import type { FunctionBuilder } from './function-builder.js';

/** Pushes min(local x, the expression `other` pushes), unsigned. */
export function pushMin(f: FunctionBuilder, x: string, other: () => void): void {
  f.get(x);
  other();
  f.get(x);
  other();
  f.ltU().select();
}

/**
 * GELU over row block mc0's rows (mCount panels of `mr`) in the job's columns [npStart, npEnd)
 * x `nr`, by the module's function `geluSpan`: the rows are final for those columns, and still
 * in cache. Uses the locals row and rowEnd.
 */
export function geluRowBlock(f: FunctionBuilder, mr: number, nr: number, geluSpan: number): void {
  f.get('mc0').i32(mr).mul().set('row');
  f.get('row').get('mCount').i32(mr).mul().add().set('rowEnd');
  f.doWhile(
    () => {
      f.get('c').get('row').get('ldc').mul().add().get('npStart').i32(nr * 4).mul().add();
      f.get('npEnd').get('npStart').sub().i32(nr / 4).mul();
      f.call(geluSpan);
      f.bump('row', 1);
    },
    () => f.get('row').get('rowEnd').ltU(),
  );
}
