// How the WebAssembly engine cuts an attention hand-off into tasks (src/tensor/gemm/attention-tasks.ts):
// every query row of every head in exactly one task, blocks that fit the score budget, ranges
// that cover the tasks in order and balance their work, and packing exactly where a thread
// meets a head it has not packed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { attentionTasks, packsHeads, queryBlockRows, splitTasks } from '../../src/tensor/gemm/attention-tasks.js';

test('query blocks are whole row panels that fit the score budget, at least one panel, at most the sequence', () => {
  // 512 keys a row: 2 KiB; 64 KiB hold 32 rows.
  assert.is(queryBlockRows(512, 512, 2, 64 * 1024), 32);
  // 100 KiB hold 50 rows; whole panels of 4 rows: 48.
  assert.is(queryBlockRows(512, 512, 4, 100 * 1024), 48);
  assert.is(queryBlockRows(512, 512, 2, 1), 2);
  assert.is(queryBlockRows(130, 128, 2, 64 * 1024), 128);
  assert.is(queryBlockRows(12, 16, 2, 64 * 1024), 12);
});

test('every query row of every head of every sequence is in exactly one task', () => {
  const sizes = { seqPad: 70, numHeads: 3, mr: 2, scoreBlockBytes: 16 * 64 * 4 };
  const keysPad = [64, 16, 32];
  const tasks = attentionTasks(sizes, keysPad);
  const seen = new Map<string, number>();
  for (const task of tasks) {
    assert.ok(task.rows > 0 && task.rows % 2 === 0 && task.firstRow % 2 === 0, `task ${JSON.stringify(task)} is whole panels`);
    assert.ok(task.rows * keysPad[task.sequence] * 4 <= sizes.scoreBlockBytes, `task ${JSON.stringify(task)} fits the budget`);
    for (let r = task.firstRow; r < task.firstRow + task.rows; r++) {
      const key = `${task.sequence}/${task.head}/${r}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  assert.is(seen.size, keysPad.length * sizes.numHeads * sizes.seqPad);
  assert.ok([...seen.values()].every((n) => n === 1));
  // Sequence 0: 16 rows a block, 5 blocks (the last of 6 rows) a head.
  assert.equal(tasks.filter((t) => t.sequence === 0 && t.head === 0).map((t) => t.rows), [16, 16, 16, 16, 6]);
});

test('thread ranges cover the tasks in order and balance their work', () => {
  const work = [10, 10, 10, 10, 1, 1, 1, 1, 40];
  for (const threads of [1, 2, 3, 4, 12]) {
    const ranges = splitTasks(work, threads);
    assert.is(ranges.length, threads);
    assert.is(ranges[0].start, 0);
    assert.is(ranges[threads - 1].end, work.length);
    for (let t = 1; t < threads; t++) assert.is(ranges[t].start, ranges[t - 1].end);
  }
  const [first, second] = splitTasks(work, 2).map(({ start, end }) => work.slice(start, end).reduce((a, b) => a + b, 0));
  assert.equal([first, second], [42, 42]);
  assert.equal(splitTasks([5, 5, 5, 5], 4), [0, 1, 2, 3].map((t) => ({ start: t, end: t + 1 })));
});

test('a task packs its head exactly when its thread has not just packed that head', () => {
  const tasks = attentionTasks({ seqPad: 8, numHeads: 2, mr: 2, scoreBlockBytes: 2 * 16 * 4 }, [16, 16]);
  // 2 sequences x 2 heads x 4 blocks of 2 rows.
  assert.is(tasks.length, 16);
  const ranges = [{ start: 0, end: 6 }, { start: 6, end: 16 }];
  const packs = packsHeads(tasks, ranges);
  const packed = packs.flatMap((p, i) => (p ? [i] : []));
  // Range 1: head (0,0) at 0, head (0,1) at 4; range 2 starts mid-head (0,1) at 6, then (1,0) at 8, (1,1) at 12.
  assert.equal(packed, [0, 4, 6, 8, 12]);
});

test.run();
