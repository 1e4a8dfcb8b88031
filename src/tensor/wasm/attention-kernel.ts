// `attend_heads(record)`: one thread's share of an attention layer. The layer is cut into
// tasks, one per (sequence, head); a thread runs tasks [start, end) one after the other, each
// wholly: scores = Q·Kᵀ (`gemm`), softmax of the scaled scores (`softmax_rows`), then
// context = P·V (`gemm`), all in the memory. Heads are independent, so the threads never wait
// on each other inside a layer: one hand-off runs every head of many sequences, where
// splitting each head's two small multiplies over the threads took two hand-offs per head and
// left the softmax on the calling thread.
import { I32 } from './binary-writer.js';
import { FunctionBuilder } from './function-builder.js';

/** Byte offsets of the fields of an attend record (i32 each). */
export const ATTEND = {
  /** Byte offset of the first task (tasks are ATTEND_TASK_BYTES apart). */
  tasks: 0,
  /** This thread's tasks: [start, end). */
  start: 4,
  end: 8,
} as const;
export const ATTEND_BYTES = 64;

/** Byte offsets inside one task. */
export const ATTEND_TASK = {
  /** A gemm job record (JOB_BYTES): scores = Q·Kᵀ, padding columns starting at -Infinity. */
  scores: 0,
  /** A gemm job record: context = P·V, reading the scores as resident rows. */
  context: 64,
  /** softmax_rows' arguments: the scores' pointer, rows, row stride in bytes, vectors a row, scale (f32). */
  softmaxPtr: 128,
  softmaxRows: 132,
  softmaxLdc: 136,
  softmaxVectors: 140,
  softmaxAlpha: 144,
} as const;
export const ATTEND_TASK_BYTES = 192;

/** `attend_heads(record)`, given the module's function indices of `gemm(job)` and `softmax_rows`. */
export function attendHeads(fn: { gemm: number; softmaxRows: number }): FunctionBuilder {
  const f = new FunctionBuilder('attend_heads', ['record'], [I32]);
  for (const name of ['t', 'end', 'task']) f.local(name);
  f.get('record').i32Load(ATTEND.start).set('t');
  f.get('record').i32Load(ATTEND.end).set('end');
  f.get('t').get('end').ltU().ifElse(() => {
    f.doWhile(() => {
      f.get('record').i32Load(ATTEND.tasks).get('t').i32(ATTEND_TASK_BYTES).mul().add().set('task');
      f.get('task').i32(ATTEND_TASK.scores).add().call(fn.gemm);
      f.get('task').i32Load(ATTEND_TASK.softmaxPtr);
      f.get('task').i32Load(ATTEND_TASK.softmaxRows);
      f.get('task').i32Load(ATTEND_TASK.softmaxLdc);
      f.get('task').i32Load(ATTEND_TASK.softmaxVectors);
      f.get('task').f32Load(ATTEND_TASK.softmaxAlpha);
      f.call(fn.softmaxRows);
      f.get('task').i32(ATTEND_TASK.context).add().call(fn.gemm);
      f.bump('t', 1);
    }, () => f.get('t').get('end').ltU());
  });
  return f;
}
