// The Node entry's createBackend: the same factory and options as the browser-safe one, with
// the kernel threads started as worker_threads (unref'd: they never keep the process alive).
import { availableParallelism } from 'node:os';
import type { Backend } from '../tensor/backend.js';
import type { BackendOptions } from '../tensor/backend-options.js';
import { createBackendOn, type ThreadPlatform } from '../tensor/create-backend.js';
import { startNodeWorkers } from './worker-threads.js';

/** worker_threads, one per available core by default (at most DEFAULT_MAX_THREADS). */
export const NODE_THREADS: ThreadPlatform = {
  cores: () => availableParallelism(),
  startWorkers: startNodeWorkers,
};

/**
 * A backend for `BertForMaskedLM.load` and `SpladeEncoder.fromPretrained({ backend })`, with
 * worker threads under Node; call `disposeBackend` when done. See the browser-safe
 * `createBackend` for the options.
 * @throws BackendOptionsError for an unknown option name (a typo such as `thread`), a value
 *   that is unknown or of the wrong kind, and contradictory options; GpuUnavailableError
 *   (splade-ts/tensor) when the GPU or the gpu.js mode asked for is not available here
 */
export function createBackend(options: BackendOptions = {}): Promise<Backend> {
  return createBackendOn(NODE_THREADS, options);
}
