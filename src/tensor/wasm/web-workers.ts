// Starts the kernel workers as Web Workers (browsers). Needs SharedArrayBuffer, i.e. a
// cross-origin isolated page or worker; the worker program is WORKER_SOURCE from a blob: URL
// (same origin, so the shared memory may be posted to it; a Content-Security-Policy must
// allow `worker-src blob:`).
import { SpladeError } from '../../errors.js';
import type { JobRunner, KernelHandle } from '../gemm/wasm-gemm.js';
import { sharedMemorySupported } from './arena.js';
import { SharedJobRunner } from './shared-runner.js';
import { WORKER_SOURCE, workerSpinMs } from './worker-protocol.js';

/** How long a worker may take to start and compile the kernel before we give up on threads. */
export const WEB_WORKER_START_MS = 10_000;

/** Web Workers could not be started (blocked by a CSP, out of resources, too slow). */
export class WebWorkerStartError extends SpladeError {}

/**
 * Whether this context can run kernel workers: Worker and a shared WebAssembly.Memory, in a
 * browser only when cross-origin isolated. Deno has Web Workers and SharedArrayBuffer but no
 * `crossOriginIsolated` (no origins to isolate): there the workers run too.
 */
export function webWorkersUsable(): boolean {
  const scope = globalThis as { crossOriginIsolated?: boolean };
  return scope.crossOriginIsolated !== false && typeof Worker === 'function' && sharedMemorySupported();
}

/**
 * A runner with `threads - 1` Web Workers plus the calling thread. Resolves once every worker
 * has compiled the kernel: a browser may start a worker only when its creator returns to the
 * event loop, so a first multiply issued before that would spin forever waiting for it.
 * The calling thread sleeps in Atomics.wait between jobs where it may (a worker) and spins
 * where it may not (a page's main thread, which is busy with the forward pass either way).
 * @throws WebWorkerStartError when a worker fails to start or to compile the kernel in time
 *   (every worker started is then terminated)
 */
export async function startWebWorkers(kernel: KernelHandle, threads: number): Promise<JobRunner> {
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const workers: Worker[] = [];
  const stop = (): void => {
    for (const worker of workers) worker.terminate();
    URL.revokeObjectURL(url);
  };
  try {
    const ready: Array<Promise<void>> = [];
    for (let slot = 1; slot < threads; slot++) {
      const worker = new Worker(url, { type: 'module' });
      workers.push(worker);
      ready.push(workerReady(worker, slot));
      worker.postMessage({ module: kernel.module, memory: kernel.memory, slot });
    }
    await Promise.all(ready);
  } catch (error) {
    stop();
    throw error instanceof WebWorkerStartError ? error : new WebWorkerStartError(`kernel Web Workers did not start: ${String(error)}`);
  }
  const cores = typeof navigator === 'undefined' ? threads : navigator.hardwareConcurrency || threads;
  return new SharedJobRunner(kernel.memory, workers.length, stop, workerSpinMs(threads, cores));
}

/** Resolves on the worker's `{ ready: true }` message; rejects on an error or after WEB_WORKER_START_MS. */
function workerReady(worker: Worker, slot: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new WebWorkerStartError(`kernel Web Worker ${slot} did not start: ${why}`));
    };
    const timer = setTimeout(() => fail(`no answer within ${WEB_WORKER_START_MS} ms`), WEB_WORKER_START_MS);
    worker.onerror = (event) => fail(event.message || 'worker script error (is `worker-src blob:` allowed?)');
    worker.onmessage = (event: MessageEvent<{ ready?: boolean; error?: string }>) => {
      clearTimeout(timer);
      worker.onmessage = null;
      if (event.data.ready === true) resolve();
      else fail(event.data.error ?? 'unexpected message');
    };
  });
}
