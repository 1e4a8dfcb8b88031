// Starts the kernel workers with Node's worker_threads. The workers are unref'd: they never
// keep the process alive, and dispose() stops them explicitly.
import { Worker } from 'node:worker_threads';
import type { KernelHandle, JobRunner } from '../tensor/gemm/wasm-gemm.js';
import { SharedJobRunner } from '../tensor/wasm/shared-runner.js';
import { WORKER_SOURCE } from '../tensor/wasm/worker-protocol.js';

/** A runner with `threads - 1` workers plus the calling thread. */
export function startNodeWorkers(kernel: KernelHandle, threads: number): JobRunner {
  const url = new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`);
  const workers: Worker[] = [];
  for (let slot = 1; slot < threads; slot++) {
    const worker = new Worker(url, { workerData: { module: kernel.module, memory: kernel.memory, slot } });
    worker.unref();
    workers.push(worker);
  }
  return new SharedJobRunner(kernel.memory, workers.length, () => {
    for (const worker of workers) void worker.terminate();
  });
}
