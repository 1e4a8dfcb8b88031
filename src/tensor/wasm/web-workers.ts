// Starts the kernel workers as Web Workers (browsers, Deno). Needs SharedArrayBuffer, i.e. a
// cross-origin isolated page; the worker program is WORKER_SOURCE from a blob: URL (same
// origin, so the shared memory may be posted to it). Not exercised by the Node test suite.
import type { JobRunner, KernelHandle } from '../gemm/wasm-gemm.js';
import { SharedJobRunner } from './shared-runner.js';
import { WORKER_SOURCE } from './worker-protocol.js';

/** A runner with `threads - 1` Web Workers plus the calling thread (which must be allowed to Atomics.wait: a worker itself, not a page's main thread). */
export function startWebWorkers(kernel: KernelHandle, threads: number): JobRunner {
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const workers: Worker[] = [];
  for (let slot = 1; slot < threads; slot++) {
    const worker = new Worker(url, { type: 'module' });
    worker.postMessage({ module: kernel.module, memory: kernel.memory, slot });
    workers.push(worker);
  }
  return new SharedJobRunner(kernel.memory, workers.length, () => {
    for (const worker of workers) worker.terminate();
    URL.revokeObjectURL(url);
  });
}
