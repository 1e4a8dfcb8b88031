// How the calling thread and the kernel workers talk: through words at the bottom of the
// shared WebAssembly memory (PROTOCOL_WORDS), one 64-byte line per worker (so two workers
// never share a cache line), and a queue of job pointers that every thread takes from. The
// calling thread writes the queue, then bumps each worker's SEQ; the threads take jobs from
// the queue in order (an atomic counter, QUEUE_NEXT) until it is empty, each running the
// kernel a pointer's low bits name (JOB_KIND: `gemm(job)` for 0), and a worker then copies
// SEQ into DONE. Both spin for a few milliseconds before sleeping in Atomics.wait, because a
// multiply often takes less time than a sleep/wake-up round trip.
//
// Why a queue and not one job a thread: a thread that is slowed (another process on its core,
// a hypervisor, a cold cache) no longer holds the others up for the rest of its fixed share.
// A multiply comes as pieces, largest first (../gemm/panel-pieces.ts): whoever is ahead takes
// more of them, and the threads finish within about a small piece of each other.

import { MAX_THREADS } from '../gemm/max-threads.js';

/** Int32 words a worker's slot takes: one 64-byte cache line. */
const SLOT_WORDS = 16;
/** Most jobs one hand-off queues: four a thread. */
export const MAX_QUEUED_JOBS = 4 * MAX_THREADS;
/**
 * Int32 words of the protocol block: the queue's counters in slot 0, a slot for each of
 * MAX_THREADS - 1 workers (slots 1 and up), then the queue (MAX_QUEUED_JOBS job pointers).
 * The engine's job records start right after it (wasm-gemm.ts).
 */
export const PROTOCOL_WORDS = MAX_THREADS * SLOT_WORDS + MAX_QUEUED_JOBS;
/** Int32 index of the next queued job to take (slot 0's own cache line: every thread adds to it). */
export const QUEUE_NEXT = 0;
/** Int32 index of how many jobs are queued. */
export const QUEUE_COUNT = 1;
/** Int32 index of the first queued job pointer. */
export const QUEUE_JOBS = MAX_THREADS * SLOT_WORDS;

/** Int32 index of worker `slot`'s words. */
export function slotBase(slot: number): number {
  return slot * SLOT_WORDS;
}
export const SEQ = 0;
export const DONE = 1;
export const FAILED = 3;
/** How long this worker spins when idle before sleeping, in ms (written by the calling thread; see workerSpinMs). */
export const SPIN_MS = 4;
/**
 * The kernels a job may name, by their index in the worker's table (an export of the gemm
 * module each). The kind rides in the low bits of the job pointer (records are 64-byte
 * aligned), so a runner, or a wrapper around one, passes it on without knowing of it.
 */
export const JOB_KIND = { gemm: 0, gemmPool: 1, attendHeads: 2, layerNorm: 3, int8Quantize: 4, int8ColumnAbsMax: 5 } as const;
/** The job pointer bits that hold the kind. */
export const JOB_KIND_MASK = 63;
const KERNEL_EXPORTS = ['gemm', 'gemm_pool', 'attend_heads', 'layer_norm_rows', 'int8_quantize_rows', 'int8_column_absmax'] as const;
/** SEQ value that tells a worker to exit. */
export const STOP = -1;
/**
 * How long an idle worker spins before sleeping, in ms. Waking a sleeping thread takes tens
 * to hundreds of microseconds (more in a VM), as long as a whole small multiply (a query's
 * 12 x 768 x 768 takes ~0.4 ms): between the multiplies of one forward pass the workers must
 * stay awake, or a second thread gains nothing on short inputs.
 */
export const WORKER_SPIN_MS = 5;

/**
 * The spin policy: workers spin (WORKER_SPIN_MS) only when every thread has a core of its own.
 * With more threads than cores, a spinning worker would sit on a core that the calling
 * thread (or another worker with work) needs, so idle workers sleep at once.
 */
export function workerSpinMs(threads: number, cores: number): number {
  return threads <= cores ? WORKER_SPIN_MS : 0;
}

/**
 * The worker's whole program, as module source text (runtime-neutral apart from where it gets
 * its start message: `workerData` under Node, the first message in a browser). It is a fixed
 * string, not generated: a worker needs a script URL, and a data: URL of this text works the
 * same from TypeScript sources, a bundle or a browser, with no extra file to ship.
 */
export const WORKER_SOURCE = `
// A Web Worker (browsers, Deno) gets its start message; a worker_threads worker (Node, Bun,
// and Deno's node:worker_threads) its workerData. Deno has a \`process\` in Web Workers too,
// so the runtime is not sniffed: the listener is set before any await (so the message cannot
// be missed) and workerData, when there is some, wins.
const message = typeof self !== 'undefined' && typeof self.postMessage === 'function'
  ? new Promise((resolve) => { self.onmessage = (event) => resolve(event.data); })
  : undefined;
const start = async () => {
  if (typeof process !== 'undefined' && process.versions && process.versions.node) {
    const { workerData } = await import('node:worker_threads');
    if (workerData) return { data: workerData, web: false };
  }
  return { data: await message, web: true };
};
const { data: { module, memory, slot }, web } = await start();
let kernels;
try {
  const exported = new WebAssembly.Instance(module, { env: { memory } }).exports;
  kernels = ${JSON.stringify(KERNEL_EXPORTS)}.map((name) => exported[name]);
} catch (error) {
  if (web) self.postMessage({ ready: false, error: String(error) });
  throw error;
}
// A browser's starter waits for this before the first multiply (see web-workers.ts).
if (web) self.postMessage({ ready: true });
const words = new Int32Array(memory.buffer, 0, ${PROTOCOL_WORDS});
const base = slot * ${SLOT_WORDS};
let seen = 0;
for (;;) {
  let spins = 0;
  let since = performance.now();
  while (Atomics.load(words, base + ${SEQ}) === seen) {
    if ((++spins & 1023) === 0 && performance.now() - since >= Atomics.load(words, base + ${SPIN_MS})) {
      Atomics.wait(words, base + ${SEQ}, seen);
      since = performance.now();
    }
  }
  seen = Atomics.load(words, base + ${SEQ});
  if (seen === ${STOP}) break;
  try {
    // The queue's count is read after taking an index: the calling thread has written both
    // before bumping SEQ, and rewrites them only once every worker has said DONE.
    for (let i = Atomics.add(words, ${QUEUE_NEXT}, 1); i < Atomics.load(words, ${QUEUE_COUNT}); i = Atomics.add(words, ${QUEUE_NEXT}, 1)) {
      const job = Atomics.load(words, ${QUEUE_JOBS} + i);
      kernels[job & ${JOB_KIND_MASK}](job & ~${JOB_KIND_MASK});
    }
  } catch (error) {
    Atomics.store(words, base + ${FAILED}, 1);
  }
  Atomics.store(words, base + ${DONE}, seen);
  Atomics.notify(words, base + ${DONE});
}
`;
