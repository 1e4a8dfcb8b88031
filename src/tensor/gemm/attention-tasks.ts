// How the WebAssembly engine cuts one attention hand-off into tasks (see WasmAttention.attend and
// ../wasm/attention-kernel.ts). A task is a block of query rows of one head of one sequence:
// its scores (rows x keys) stay small enough to be still in the core's cache when the softmax
// and the multiply by V read them, however long the sequence. A thread takes a contiguous
// range of tasks, so consecutive blocks of one head mostly fall to the same thread, which
// packs that head's keys and values once for all of them.

/** Query rows [firstRow, firstRow + rows) of head `head` of the hand-off's sequence `sequence`. */
export interface AttentionTask {
  readonly sequence: number;
  readonly head: number;
  readonly firstRow: number;
  /** A whole number of the kernel's row panels; the last block may end in padding rows. */
  readonly rows: number;
}

/** A thread's tasks: [start, end). */
export interface TaskRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Query rows a task takes when its scores rows hold `keysPad` floats: as many whole row panels
 * of `mr` rows as fit `scoreBlockBytes` (at least one panel, at most the padded sequence).
 */
export function queryBlockRows(seqPad: number, keysPad: number, mr: number, scoreBlockBytes: number): number {
  const fit = Math.floor(scoreBlockBytes / (keysPad * 4) / mr) * mr;
  return Math.min(seqPad, Math.max(mr, fit));
}

/**
 * The tasks of a hand-off, sequence by sequence, head by head, block by block: sequence s has
 * `keysPad[s]` padded keys, every sequence `seqPad` query rows (whole panels of `mr`).
 */
export function attentionTasks(
  sizes: { seqPad: number; numHeads: number; mr: number; scoreBlockBytes: number }, keysPad: readonly number[],
): AttentionTask[] {
  const { seqPad, numHeads, mr, scoreBlockBytes } = sizes;
  const tasks: AttentionTask[] = [];
  keysPad.forEach((keys, sequence) => {
    const blockRows = queryBlockRows(seqPad, keys, mr, scoreBlockBytes);
    for (let head = 0; head < numHeads; head++) {
      for (let firstRow = 0; firstRow < seqPad; firstRow += blockRows) {
        tasks.push({ sequence, head, firstRow, rows: Math.min(blockRows, seqPad - firstRow) });
      }
    }
  });
  return tasks;
}

/**
 * The tasks, by their `work`, split into `threads` contiguous ranges of about equal work, so
 * that a long sequence's blocks and a short one's balance. A range may be empty (one task
 * heavier than a thread's share).
 */
export function splitTasks(work: readonly number[], threads: number): TaskRange[] {
  const total = work.reduce((sum, w) => sum + w, 0);
  const ranges: TaskRange[] = [];
  let start = 0;
  let done = 0;
  for (let t = 0; t < threads; t++) {
    const target = (total * (t + 1)) / threads;
    let end = start;
    // Take tasks while the range's end is nearer the target with the next task than without.
    while (end < work.length && (t === threads - 1 || done + work[end] / 2 <= target)) done += work[end++];
    ranges.push({ start, end });
    start = end;
  }
  return ranges;
}

/** Whether each task must pack its head's keys and values: the first of its range, or a new head. */
export function packsHeads(tasks: readonly AttentionTask[], ranges: readonly TaskRange[]): boolean[] {
  const packs = tasks.map(() => false);
  for (const { start, end } of ranges) {
    for (let i = start; i < end; i++) {
      const [task, before] = [tasks[i], tasks[i - 1]];
      packs[i] = i === start || task.sequence !== before.sequence || task.head !== before.head;
    }
  }
  return packs;
}
