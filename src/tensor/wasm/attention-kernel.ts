// `attend_heads(record)`: one thread's share of an attention layer. The layer is cut into
// tasks, one per block of query rows of one (sequence, head) (../gemm/attention-tasks.ts); a
// thread runs tasks [start, end) one after the other, each wholly: when the task says so (the
// first block of a head in this thread's range) it packs the head's keys and values from the K
// and V rows (only the sequence's real tokens) into this thread's buffers, then multiplies the
// block's scores = Q·Kᵀ (`gemm`, Q read in place), takes the softmax of the scaled scores
// (`softmax_rows`) while they are still in cache, then multiplies context = P·V (`gemm`)
// straight into the head's columns of the context rows. Heads are independent, so the threads
// never wait on each other inside a layer: one hand-off runs every head of many sequences, and
// the calling thread only copies Q, K and V in and the context out.
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
  /** i32[count]: the real keys' rows, relative to kSrc and vSrc. */
  keys: 160,
  count: 164,
  /** Byte offsets of this head's first column in row 0 of the K and V rows, `ld` bytes a row. */
  kSrc: 168,
  vSrc: 172,
  ld: 176,
  headSize: 180,
  /** Where the packed keys ([count padded to NR] x headSize, as gemm's B) and values ([count] x headSize) go. */
  kDst: 184,
  vDst: 188,
  /** Non-zero: pack the keys and values before this task (else the previous task's are this head's). */
  pack: 192,
} as const;
export const ATTEND_TASK_BYTES = 256;

const I32_DIV_U = 0x6e;
const I32_REM_U = 0x70;

type TaskField = keyof typeof ATTEND_TASK;

/** Pushes the task's field `name` (the task's byte offset is in local `task`). */
function fieldOf(f: FunctionBuilder): (name: TaskField) => FunctionBuilder {
  return (name) => f.get('task').i32Load(ATTEND_TASK[name]);
}

/** Pushes the byte offset of key j's row relative to the K or V rows: keys[j] * ld. */
function keyRowBytes(f: FunctionBuilder): void {
  const field = fieldOf(f);
  field('keys').get('j').i32(4).mul().add().i32Load(0);
  field('ld').mul();
}

/**
 * `pack_head_keys(task)`: the keys as gemm's B operand with n = keys, k = headSize (panels of
 * `nr` keys, `nr` values a k step), the columns past the last key zero.
 */
export function packHeadKeys(nr: number): FunctionBuilder {
  const f = new FunctionBuilder('pack_head_keys', ['task'], [I32]);
  for (const name of ['j', 'end', 'count', 'dst', 'src', 'kk', 'panelBytes']) f.local(name);
  const field = fieldOf(f);
  field('count').set('count');
  // Keys padded to whole panels.
  f.get('count').i32(nr - 1).add().i32(nr).op1(I32_DIV_U).i32(nr).mul().set('end');
  field('headSize').i32(nr * 4).mul().set('panelBytes');
  f.i32(0).set('j');
  f.doWhile(() => {
    field('kDst').get('j').i32(nr).op1(I32_DIV_U).get('panelBytes').mul().add();
    f.get('j').i32(nr).op1(I32_REM_U).i32(4).mul().add().set('dst');
    field('headSize').set('kk');
    f.get('j').get('count').ltU().ifElse(() => {
      field('kSrc');
      keyRowBytes(f);
      f.add().set('src');
      f.doWhile(() => {
        f.get('dst').get('src').f32Load().f32Store();
        f.bump('dst', nr * 4);
        f.bump('src', 4);
        f.bump('kk', -1);
      }, () => f.get('kk'));
    }, () => {
      f.doWhile(() => {
        f.get('dst').f32Const(0).f32Store();
        f.bump('dst', nr * 4);
        f.bump('kk', -1);
      }, () => f.get('kk'));
    });
    f.bump('j', 1);
  }, () => f.get('j').get('end').ltU());
  return f;
}

/**
 * `pack_head_values(task)`: the values as gemm's B operand with k = keys, n = headSize (a
 * multiple of `nr`): panel np holds, for each key, its `nr` values from column np * nr.
 */
export function packHeadValues(nr: number): FunctionBuilder {
  const f = new FunctionBuilder('pack_head_values', ['task'], [I32]);
  for (const name of ['j', 'count', 'dst', 'src', 'np', 'panelBytes']) f.local(name);
  const field = fieldOf(f);
  field('count').set('count');
  f.get('count').i32(nr * 4).mul().set('panelBytes');
  f.i32(0).set('j');
  f.doWhile(() => {
    field('vSrc');
    keyRowBytes(f);
    f.add().set('src');
    field('vDst').get('j').i32(nr * 4).mul().add().set('dst');
    field('headSize').i32(nr).op1(I32_DIV_U).set('np');
    f.doWhile(() => {
      for (let v = 0; v < nr / 4; v++) f.get('dst').get('src').v128Load(v * 16).v128Store(v * 16);
      f.bump('src', nr * 4);
      f.bump('dst', 'panelBytes');
      f.bump('np', -1);
    }, () => f.get('np'));
    f.bump('j', 1);
  }, () => f.get('j').get('count').ltU());
  return f;
}

/** `attend_heads(record)`, given the module's function indices of the kernels it calls. */
export function attendHeads(fn: { gemm: number; softmaxRows: number; packHeadKeys: number; packHeadValues: number }): FunctionBuilder {
  const f = new FunctionBuilder('attend_heads', ['record'], [I32]);
  for (const name of ['t', 'end', 'task']) f.local(name);
  const field = fieldOf(f);
  f.get('record').i32Load(ATTEND.start).set('t');
  f.get('record').i32Load(ATTEND.end).set('end');
  f.get('t').get('end').ltU().ifElse(() => {
    f.doWhile(() => {
      f.get('record').i32Load(ATTEND.tasks).get('t').i32(ATTEND_TASK_BYTES).mul().add().set('task');
      field('pack').ifElse(() => {
        f.get('task').call(fn.packHeadKeys);
        f.get('task').call(fn.packHeadValues);
      });
      f.get('task').i32(ATTEND_TASK.scores).add().call(fn.gemm);
      field('softmaxPtr');
      field('softmaxRows');
      field('softmaxLdc');
      field('softmaxVectors');
      f.get('task').f32Load(ATTEND_TASK.softmaxAlpha);
      f.call(fn.softmaxRows);
      f.get('task').i32(ATTEND_TASK.context).add().call(fn.gemm);
      f.bump('t', 1);
    }, () => f.get('t').get('end').ltU());
  });
  return f;
}
