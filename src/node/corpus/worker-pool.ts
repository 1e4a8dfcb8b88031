// `--workers N`: N child processes, each loading its own encoder and taking whole windows, so a
// window is batched exactly as in one process and the vectors are the same. Child processes
// (not worker threads) because each encoder already runs kernel threads of its own, and a
// child is the `splade` command itself, so it works from the TypeScript source and the build.
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { SpladeError } from '../../errors.js';
import type { SparseVector } from '../../splade/sparse-vector.js';
import type { EncodeSettings, WindowEncoder } from './window-encoder.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

/** A worker process that failed or exited before its work was done. */
export class WorkerError extends SpladeError {}

interface Job {
  readonly texts: readonly string[];
  readonly resolve: (vectors: SparseVector[]) => void;
  readonly reject: (error: Error) => void;
}

class Worker {
  job: Job | undefined;
  constructor(readonly child: ChildProcess) {}
}

/**
 * Starts `count` workers running `entry` (the `splade` script) with the hidden command
 * `_encode-worker`; resolves once every one has loaded its model.
 */
export async function workerPool(entry: string, count: number, settings: EncodeSettings): Promise<WindowEncoder> {
  const threads = settings.backend.threads ?? Math.max(1, Math.floor(availableParallelism() / count));
  const waiting: Job[] = [];
  const workers: Worker[] = [];
  let failure: Error | undefined;

  const fail = (error: Error): void => {
    failure ??= error;
    for (const worker of workers) {
      worker.job?.reject(failure);
      worker.job = undefined;
    }
    for (const job of waiting.splice(0)) job.reject(failure);
  };
  const dispatch = (worker: Worker): void => {
    const job = waiting.shift();
    if (!job) return;
    worker.job = job;
    worker.child.send({ type: 'encode', texts: job.texts } satisfies ToWorker);
  };

  const ready = Array.from({ length: count }, (_, slot) => new Promise<void>((resolve, reject) => {
    const child = fork(entry, ['_encode-worker'], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const worker = new Worker(child);
    workers.push(worker);
    child.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        resolve();
        dispatch(worker);
      } else if (message.type === 'vectors') {
        const job = worker.job;
        worker.job = undefined;
        job?.resolve(message.vectors);
        dispatch(worker);
      } else {
        const error = new WorkerError(`worker ${slot}: ${message.message}`);
        reject(error);
        fail(error);
      }
    });
    child.on('exit', (code, signal) => {
      const error = new WorkerError(`worker ${slot} exited (${signal ?? `code ${code}`}) before its work was done`);
      reject(error);
      if (worker.job || waiting.length > 0) fail(error);
    });
    const cpu = (settings.backend.backend ?? 'cpu') === 'cpu';
    child.send({ type: 'load', settings: cpu ? { ...settings, backend: { ...settings.backend, threads } } : settings } satisfies ToWorker);
  }));

  const close = async (): Promise<void> => {
    await Promise.all(workers.map((worker) => new Promise<void>((resolve) => {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null) return resolve();
      worker.child.once('exit', () => resolve());
      worker.child.kill();
    })));
  };
  try {
    await Promise.all(ready);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    parallelism: count,
    encode: (texts) => new Promise<SparseVector[]>((resolve, reject) => {
      if (failure) return reject(failure);
      waiting.push({ texts, resolve, reject });
      const idle = workers.find((worker) => !worker.job);
      if (idle) dispatch(idle);
    }),
    close,
  };
}
