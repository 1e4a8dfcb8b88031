// The Node flavour of createBackend: worker_threads for the kernels, one thread per core by default.
import type { Backend } from '../tensor/backend.js';
import { createBackend, type BackendOptions } from '../tensor/cpu/create-backend.js';
import { defaultThreadCount, startNodeWorkers } from './worker-threads.js';

/** Like `createBackend`, with worker threads (default: as many as cores) under Node. */
export function createNodeBackend(options: BackendOptions = {}): Backend {
  return createBackend({ threads: defaultThreadCount(), startWorkers: startNodeWorkers, ...options });
}
