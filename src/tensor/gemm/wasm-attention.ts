// Attention on the WebAssembly engine's memory and threads: every head of a block of sequences
// in one hand-off (../wasm/attention-kernel.ts runs a thread's tasks; ./attention-tasks.ts cuts
// the layer into them). The engine (./wasm-gemm.ts) holds one as `attention`; what it takes from
// the engine is AttentionHost.
import type { Arena } from '../wasm/arena.js';
import type { GemmShape } from '../wasm/gemm-module.js';
import { ATTEND_BYTES, ATTEND_TASK, ATTEND_TASK_BYTES } from '../wasm/attention-kernel.js';
import { JOB_KIND } from '../wasm/worker-protocol.js';
import { attentionTasks, packsHeads, splitTasks, type AttentionTask, type TaskRange } from './attention-tasks.js';
import { PanelMatrix, roundUp, type GemmJobFields, type ResidentResult, type ResidentRows } from './wasm-operands.js';

/** Attention scores a task holds at most, by default (see WasmGemmOptions.scoreBlockBytes). */
export const SCORE_BLOCK_BYTES = 64 * 1024;

/** One sequence of a batch for `attend`: its index and the positions of its real tokens (at least one). */
export interface AttentionSequence {
  readonly b: number;
  readonly keys: readonly number[];
}

/** A sequence's real keys placed for `attend`: their rows' indices, and its scores' bias (byte offsets). */
interface AttentionKeys {
  readonly ptr: number;
  readonly count: number;
  readonly countPad: number;
  readonly bias: number;
}

/**
 * An attention block's rows in scratch (byte offsets): Q and the context as
 * [sequences][seqPad][hidden], K and V as [sequences][kvRows][hidden].
 */
interface AttendRows {
  readonly q: number;
  readonly key: number;
  readonly value: number;
  readonly context: number;
  /** Rows a sequence takes in K and V: seq when copied in, seqPad when projected here. */
  readonly kvRows: number;
}

/** What every task of an `attend` hand-off shares: the layer, its rows in scratch, a zero bias. */
interface AttendLayer {
  readonly block: AttentionShape;
  readonly seqPad: number;
  readonly rows: AttendRows;
  readonly zeroBias: number;
}

/** The sequences of one attention layer that one hand-off takes, and the layer's sizes. */
export interface AttentionShape {
  readonly sequences: readonly AttentionSequence[];
  readonly seq: number;
  readonly hidden: number;
  readonly numHeads: number;
}

/** Sequences of one attention layer for `attend`. */
export interface AttentionBlock extends AttentionShape {
  /** The layer's Q, K and V rows, [batch * seq, hidden] each. */
  readonly query: Float32Array;
  readonly key: Float32Array;
  readonly value: Float32Array;
}

/** A projection of the hidden states for `attendProjected`: packed weights [hidden, hidden] and a bias. */
export interface AttentionProjection {
  readonly b: PanelMatrix;
  readonly bias?: Float32Array;
}

/** Sequences of one attention layer for `attendProjected`, from the hidden states. */
export interface ProjectedAttentionBlock extends AttentionShape {
  /** The layer's input rows, [batch * seq, hidden]. */
  readonly x: Float32Array;
  readonly query: AttentionProjection;
  readonly key: AttentionProjection;
  readonly value: AttentionProjection;
}

/**
 * Projects `m` input rows lying in the memory (`a`, rows hidden floats apart) into Q, K and V
 * rows of the same layout in the memory; returns their byte offsets (see attendProjectedBy).
 */
export type ProjectRows = (a: ResidentRows, m: number) => { readonly q: number; readonly key: number; readonly value: number };

/** Receives a head's probabilities from `attend`: [seq, keys] rows `stride` apart. */
export type KeepProbs = (sequence: AttentionSequence, h: number, p: Float32Array, stride: number) => void;

/** What attention takes from the engine it runs on: its memory, threads, job records and multiplies. */
export interface AttentionHost {
  readonly arena: Arena;
  readonly shape: GemmShape;
  readonly threads: number;
  /** Multiply-adds below which work stays on the calling thread. */
  readonly threadedMinMacs: number;
  /** `count` floats of zero in scratch; returns the byte offset. */
  zeros(count: number): number;
  /** Writes a gemm job record at byte offset `at`. */
  writeJob(at: number, a: ResidentRows, b: PanelMatrix, job: GemmJobFields): void;
  /** Runs the records on the calling thread and the workers, the kernel by `kind`. */
  dispatch(records: readonly number[], kind: number, kernel: (record: number) => void): void;
  /** Multiplies the same rows by each projection in one hand-off (results in scratch). */
  multiplyEach(m: number, a: ResidentRows, outputs: readonly AttentionProjection[]): ResidentResult[];
}

/** Attention on one engine: `attend` from Q, K and V rows, `attendProjected` from the hidden states. */
export class WasmAttention {
  private readonly arena: Arena;
  private readonly shape: GemmShape;

  /**
   * @param attendFn the module's `attend_heads` export
   * @param scoreBlockBytes most bytes of scores one task holds (see WasmGemmOptions.scoreBlockBytes)
   */
  constructor(
    private readonly host: AttentionHost,
    private readonly attendFn: (record: number) => void,
    private readonly scoreBlockBytes: number,
  ) {
    this.arena = host.arena;
    this.shape = host.shape;
  }

  /**
   * The scratch bytes `attend` takes for one sequence (its Q, K, V and context rows; with
   * `probs`, also every head's [seq, keys] probabilities), for callers that cut a batch into
   * blocks; with `projected`, those `attendProjected` takes (K and V rows padded to whole
   * panels too; the input rows become the context's). The threads' own buffers come on top: threadBytes.
   */
  scratchBytes(seq: number, hidden: number, numHeads: number, count: number, options: { probs: boolean; projected?: boolean }): number {
    const { mr, nr } = this.shape;
    const seqPad = roundUp(seq, mr);
    const rowBytes = 4 * (options.projected ? 4 * seqPad : 2 * seqPad + 2 * seq) * hidden;
    return rowBytes + (options.probs ? 4 * numHeads * seqPad * roundUp(count, nr) : 0);
  }

  /** The scratch bytes of one hand-off's per-thread buffers (a head's packed keys and values, a block of scores). */
  threadBytes(seq: number, hidden: number, numHeads: number): number {
    const headSize = hidden / numHeads;
    const { mr, nr } = this.shape;
    const keysPad = roundUp(seq, nr);
    return this.host.threads * 4 * (2 * keysPad * headSize + Math.max(this.scoreBlockBytes / 4, mr * keysPad));
  }

  /** Whether `attend` takes heads of this size (whole n-panels, no k padding). */
  attendsHeadsOf(headSize: number): boolean {
    return headSize % this.shape.nr === 0 && this.shape.unroll === 1;
  }

  /**
   * Every head of a block of sequences in one hand-off (see ../wasm/attention-kernel.ts and
   * ./attention-tasks.ts): each block of query rows of each (sequence, head) is a task that one
   * thread runs wholly. The thread packs the head's keys and values from the real tokens' rows
   * (once for all of that head's blocks it runs), then scores = alpha · Q·Kᵀ with the key
   * padding at -Infinity, softmax over each row, context = P·V into the head's columns. The
   * context rows of the block's sequences are written into `context`; `probs`, when given,
   * receives each head's probabilities ([seq, keys] rows `stride` apart) before the next block
   * reuses the memory.
   */
  attend(block: AttentionBlock, context: Float32Array, probs?: KeepProbs): void {
    this.checkHeads(block);
    const seqPad = roundUp(block.seq, this.shape.mr);
    this.attendResident(block, seqPad, this.residentRows(block, seqPad), context, probs);
  }

  /**
   * `attend` from the hidden states: the block's input rows are placed here once and Q, K and V
   * projected into this memory (three multiplies, the same kernel and rows as `matmul` would
   * take, so the same numbers), then attended where they lie. Of a self-attention layer only
   * the input goes in and the context comes out: the projections' results never pass through
   * the calling thread. Needs projections that `projectsInPlace` accepts.
   */
  attendProjected(block: ProjectedAttentionBlock, context: Float32Array, probs?: KeepProbs): void {
    const { hidden } = block;
    const projections = [block.query, block.key, block.value];
    for (const p of projections) {
      if (!this.projectsInPlace(p.b, hidden)) throw new Error(`wasm gemm: an attention projection must be ${hidden} x ${hidden} whole panels`);
    }
    this.attendProjectedBy(block, (a, m) => {
      const [q, key, value] = this.host.multiplyEach(m, a, projections).map((c) => c.ptr);
      return { q, key, value };
    }, context, probs);
  }

  /**
   * `attendProjected` with the projections made by `project` (the compact engine's int8 ones):
   * the block's input rows are placed here as [sequences][seqPad][hidden] (rows past seq zero),
   * `project` writes Q, K and V rows of the same layout into this memory, and the heads are
   * attended where they lie.
   */
  attendProjectedBy(block: AttentionShape & { readonly x: Float32Array }, project: ProjectRows, context: Float32Array, probs?: KeepProbs): void {
    this.checkHeads(block);
    const { sequences, seq, hidden } = block;
    const seqPad = roundUp(seq, this.shape.mr);
    // Each sequence starts on a row panel, so that its Q, K and V rows do too.
    const x = this.placeSequences(block.x, block, seqPad);
    const { q, key, value } = project({ ptr: x, strideBytes: hidden * 4, rows: true }, sequences.length * seqPad);
    // The input rows are spent: the context takes their place.
    this.attendResident(block, seqPad, { q, key, value, context: x, kvRows: seqPad }, context, probs);
  }

  /** Whether `attendProjected` takes this packed weight as a projection of `hidden` features (hidden x hidden, whole panels, no k padding). */
  projectsInPlace(b: PanelMatrix, hidden: number): boolean {
    return b.k === hidden && b.kPad === hidden && b.n === hidden && b.nPanels * this.shape.nr === hidden;
  }

  private checkHeads(block: AttentionShape): void {
    const headSize = block.hidden / block.numHeads;
    if (!this.attendsHeadsOf(headSize)) throw new Error(`wasm gemm: attention heads of ${headSize} are not whole panels of ${this.shape.nr}`);
  }

  /** The hand-off of `attend` on rows already in scratch, then the context (and probabilities) copied out. */
  private attendResident(block: AttentionShape, seqPad: number, rows: AttendRows, context: Float32Array, probs?: KeepProbs): void {
    const { mr } = this.shape;
    const { seq, hidden, numHeads, sequences } = block;
    const headSize = hidden / numHeads;
    const keys = sequences.map((sequence) => this.placeKeys(sequence.keys));
    const tasks = attentionTasks({ seqPad, numHeads, mr, scoreBlockBytes: this.scoreBlockBytes }, keys.map((k) => k.countPad));
    const work = tasks.map((task) => task.rows * keys[task.sequence].count);
    const macs = 2 * headSize * work.reduce((sum, w) => sum + w, 0);
    const ranges = splitTasks(work, macs < this.host.threadedMinMacs ? 1 : Math.min(this.host.threads, tasks.length));
    const layer = { block, seqPad, rows, zeroBias: this.host.zeros(headSize) };
    // Kept probabilities need every head's scores whole; else each thread reuses one block.
    const headScores = probs ? keys.flatMap((k) => Array.from({ length: numHeads }, () => this.arena.allocScratch(seqPad * k.countPad * 4))) : undefined;
    const taskPtr = this.writeAttendTasks(layer, keys, { tasks, ranges }, headScores);
    this.dispatchTasks(taskPtr, ranges);
    const out = this.arena.f32(rows.context, sequences.length * seqPad * hidden);
    sequences.forEach((sequence, s) => {
      context.set(out.subarray(s * seqPad * hidden, (s * seqPad + seq) * hidden), sequence.b * seq * hidden);
      const stride = keys[s].countPad;
      if (probs && headScores) for (let h = 0; h < numHeads; h++) probs(sequence, h, this.arena.f32(headScores[s * numHeads + h], seq * stride), stride);
    });
  }

  /**
   * The task records of a hand-off, and each thread's buffers for a head's packed keys and
   * values and a block of scores (with `headScores`, each head's whole scores instead); returns
   * where the records start.
   */
  private writeAttendTasks(
    layer: AttendLayer, keys: readonly AttentionKeys[], split: { tasks: readonly AttentionTask[]; ranges: readonly TaskRange[] }, headScores?: readonly number[],
  ): number {
    const { tasks, ranges } = split;
    const { numHeads, hidden } = layer.block;
    const packs = packsHeads(tasks, ranges);
    const headBytes = Math.max(...keys.map((k) => k.countPad)) * (hidden / numHeads) * 4;
    const scoreBytes = Math.max(...tasks.map((task) => task.rows * keys[task.sequence].countPad * 4));
    const taskPtr = this.arena.allocScratch(tasks.length * ATTEND_TASK_BYTES);
    for (const range of ranges) {
      if (range.start === range.end) continue;
      const own = { k: this.arena.allocScratch(headBytes), v: this.arena.allocScratch(headBytes), scores: headScores ? 0 : this.arena.allocScratch(scoreBytes) };
      for (let i = range.start; i < range.end; i++) {
        const task = tasks[i];
        const at = keys[task.sequence];
        const scores = headScores ? headScores[task.sequence * numHeads + task.head] + task.firstRow * at.countPad * 4 : own.scores;
        this.writeAttendTask(taskPtr + i * ATTEND_TASK_BYTES, layer, { task, keys: at, own: { ...own, scores }, pack: packs[i] });
      }
    }
    return taskPtr;
  }

  /** A sequence's real keys in scratch, and the bias of its scores (0 at a real key, -Infinity at padding). */
  private placeKeys(keys: readonly number[]): AttentionKeys {
    const count = keys.length;
    const countPad = roundUp(count, this.shape.nr);
    const ptr = this.arena.allocScratch(count * 4);
    this.arena.i32(ptr, count).set(keys);
    const bias = this.host.zeros(countPad);
    this.arena.f32(bias, countPad).fill(-Infinity, count);
    return { ptr, count, countPad, bias };
  }

  /**
   * Writes one attention task's record (ATTEND_TASK): the scores' and the context's gemm jobs
   * over the task's query rows, the softmax's arguments, and where the head's keys and values
   * come from and are packed to (the thread's own buffers).
   */
  private writeAttendTask(
    at: number,
    layer: AttendLayer,
    args: { task: AttentionTask; keys: AttentionKeys; own: { k: number; v: number; scores: number }; pack: boolean },
  ): void {
    const { mr } = this.shape;
    const { block, seqPad, rows } = layer;
    const { task, keys, own } = args;
    const { seq, hidden, numHeads } = block;
    const headSize = hidden / numHeads;
    const column = task.head * headSize * 4;
    const firstRow = (task.sequence * seqPad + task.firstRow) * hidden * 4 + column;
    const mPanels = task.rows / mr;
    const k = new PanelMatrix(keys.count, headSize, headSize, keys.countPad / this.shape.nr, own.k);
    const v = new PanelMatrix(headSize, keys.count, keys.count, headSize / this.shape.nr, own.v);
    const q: ResidentRows = { ptr: rows.q + firstRow, strideBytes: hidden * 4, rows: true };
    this.host.writeJob(at + ATTEND_TASK.scores, q, k, { c: own.scores, bias: keys.bias, mPanels, kcBlock: k.kPad, columns: { start: 0, end: k.nPanels }, gelu: false, ext: 0 });
    const p: ResidentRows = { ptr: own.scores, strideBytes: keys.countPad * 4, rows: true };
    const c = rows.context + firstRow;
    this.host.writeJob(at + ATTEND_TASK.context, p, v, { c, ldc: hidden * 4, bias: layer.zeroBias, mPanels, kcBlock: v.kPad, columns: { start: 0, end: v.nPanels }, gelu: false, ext: 0 });
    // Only the block's real rows: padding rows keep their -Infinity columns, which P·V never reads.
    this.arena.i32(at + ATTEND_TASK.softmaxPtr, 4).set([own.scores, Math.min(task.rows, seq - task.firstRow), keys.countPad * 4, keys.countPad / 4]);
    this.arena.f32(at + ATTEND_TASK.softmaxAlpha, 1)[0] = 1 / Math.sqrt(headSize);
    const kv = task.sequence * rows.kvRows * hidden * 4 + column;
    this.arena.i32(at + ATTEND_TASK.keys, 9).set([keys.ptr, keys.count, rows.key + kv, rows.value + kv, hidden * 4, headSize, own.k, own.v, args.pack ? 1 : 0]);
  }

  /**
   * The block's rows in scratch: Q and room for the context as [sequences][seqPad][hidden]
   * (each sequence padded to whole MR-row panels, Q's padding zero, so that a head's padding
   * rows never reach another sequence's), K and V as [sequences][seq][hidden].
   */
  private residentRows(block: AttentionBlock, seqPad: number): AttendRows {
    const { seq, hidden, sequences } = block;
    return {
      q: this.placeSequences(block.query, block, seqPad),
      key: this.placeSequences(block.key, block, seq),
      value: this.placeSequences(block.value, block, seq),
      context: this.arena.allocScratch(sequences.length * seqPad * hidden * 4),
      kvRows: seq,
    };
  }

  /**
   * The block's sequences' rows of `source` ([batch * seq, hidden]) in scratch as
   * [sequences][rowsEach][hidden], rows past seq zero; returns the byte offset.
   */
  private placeSequences(source: Float32Array, block: AttentionShape, rowsEach: number): number {
    const { seq, hidden, sequences } = block;
    const at = this.arena.allocScratch(sequences.length * rowsEach * hidden * 4);
    const rows = this.arena.f32(at, sequences.length * rowsEach * hidden);
    sequences.forEach(({ b }, s) => {
      rows.set(source.subarray(b * seq * hidden, (b + 1) * seq * hidden), s * rowsEach * hidden);
      rows.fill(0, (s * rowsEach + seq) * hidden, (s + 1) * rowsEach * hidden);
    });
    return at;
  }

  /** Runs attention tasks, each thread's range in one record (ATTEND). */
  private dispatchTasks(taskPtr: number, ranges: readonly TaskRange[]): void {
    const records = ranges.map(({ start, end }) => {
      const at = this.arena.allocScratch(ATTEND_BYTES);
      this.arena.i32(at, 3).set([taskPtr, start, end]);
      return at;
    });
    this.host.dispatch(records, JOB_KIND.attendHeads, this.attendFn);
  }
}
