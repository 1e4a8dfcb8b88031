// The calling thread's half of the worker protocol (see worker-protocol.ts), independent of
// how the workers were started (worker_threads, Web Workers).
import { SpladeError } from '../../errors.js';
import type { JobRunner } from '../gemm/wasm-gemm.js';
import {
  DONE, FAILED, MAX_QUEUED_JOBS, PROTOCOL_WORDS, QUEUE_COUNT, QUEUE_JOBS, QUEUE_NEXT, SEQ, SPIN_MS, STOP, WORKER_SPIN_MS, slotBase,
} from './worker-protocol.js';

export class SharedJobRunner implements JobRunner {
  private readonly words: Int32Array;
  private seq = 0;
  private canWait = true;

  /**
   * `workers` are already started on `memory`, worker i (0-based) in protocol slot i + 1;
   * `spinMs`: how long idle workers spin before sleeping (see workerSpinMs).
   */
  constructor(memory: WebAssembly.Memory, private readonly workers: number, private readonly stop: () => void, spinMs: number = WORKER_SPIN_MS) {
    this.words = new Int32Array(memory.buffer, 0, PROTOCOL_WORDS);
    for (let w = 1; w <= workers; w++) Atomics.store(this.words, slotBase(w) + SPIN_MS, spinMs);
  }

  get threads(): number {
    return this.workers + 1;
  }

  run(jobs: readonly number[], local: (job: number) => void): void {
    if (jobs.length > MAX_QUEUED_JOBS) throw new SpladeError(`kernel workers: ${jobs.length} jobs in one hand-off, more than the queue's ${MAX_QUEUED_JOBS}`);
    const words = this.words;
    this.seq = (this.seq % 0x3fffffff) + 1;
    const seq = this.seq;
    // Every worker has said DONE for the previous hand-off, so none reads the queue now; the
    // atomic stores below publish these plain writes to the workers.
    words.set(jobs, QUEUE_JOBS);
    Atomics.store(words, QUEUE_COUNT, jobs.length);
    Atomics.store(words, QUEUE_NEXT, 0);
    const helpers = Math.min(jobs.length - 1, this.workers);
    for (let w = 1; w <= helpers; w++) {
      const base = slotBase(w);
      Atomics.store(words, base + SEQ, seq);
      Atomics.notify(words, base + SEQ);
    }
    for (let j = Atomics.add(words, QUEUE_NEXT, 1); j < jobs.length; j = Atomics.add(words, QUEUE_NEXT, 1)) local(jobs[j]);
    for (let w = 1; w <= helpers; w++) {
      const base = slotBase(w);
      let spins = 0;
      const since = performance.now();
      for (;;) {
        const done = Atomics.load(words, base + DONE);
        if (done === seq) break;
        // Spin (the worker is usually a fraction of a millisecond away), then sleep.
        if ((++spins & 1023) === 0 && this.canWait && performance.now() - since > WORKER_SPIN_MS) {
          try {
            Atomics.wait(words, base + DONE, done, 50);
          } catch {
            // A browser page's main thread may not block: keep spinning there.
            this.canWait = false;
          }
        }
      }
      if (Atomics.load(words, base + FAILED) !== 0) {
        throw new SpladeError(`kernel worker ${w} failed while running a kernel job`);
      }
    }
  }

  dispose(): void {
    for (let w = 1; w <= this.workers; w++) {
      Atomics.store(this.words, slotBase(w) + SEQ, STOP);
      Atomics.notify(this.words, slotBase(w) + SEQ);
    }
    this.stop();
  }
}
