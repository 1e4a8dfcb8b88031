// `--workers N`: N child processes, each loading its own encoder and taking whole windows, so a
// window is batched exactly as in one process and the vectors are the same. Child processes
// (not worker threads) because each encoder already runs kernel threads of its own, and a
// child is the `splade` command itself, so it works from the TypeScript source and the build.
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { SpladeError } from '../../errors.js';
import type { EncodedWindow } from './text-counts.js';
import type { EncodeSettings, WindowEncoder } from './window-encoder.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

/** A worker process that failed or exited before its work was done. */
export class WorkerError extends SpladeError {}

interface Job {
  readonly texts: readonly string[];
  readonly resolve: (window: EncodedWindow) => void;
  readonly reject: (error: Error) => void;
}

class Worker {
  job: Job | undefined;
  constructor(readonly child: ChildProcess) {}
}

/** The workers, the jobs waiting for one, and the first failure (after which every job fails). */
class Pool {
  private readonly waiting: Job[] = [];
  private readonly workers: Worker[] = [];
  private failure: Error | undefined;

  constructor(private readonly entry: string) {}

  /** Forks worker `slot` and has it load the model; resolves when it is ready. */
  start(slot: number, settings: EncodeSettings): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const child = fork(this.entry, ['_encode-worker'], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const worker = new Worker(child);
      this.workers.push(worker);
      child.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          resolve();
          this.dispatch(worker);
        } else if (message.type === 'vectors') {
          const job = worker.job;
          worker.job = undefined;
          job?.resolve({ vectors: message.vectors, counts: message.counts });
          this.dispatch(worker);
        } else {
          const error = new WorkerError(`worker ${slot}: ${message.message}`);
          reject(error);
          this.fail(error);
        }
      });
      child.on('exit', (code, signal) => {
        const error = new WorkerError(`worker ${slot} exited (${signal ?? `code ${code}`}) before its work was done`);
        reject(error);
        if (worker.job || this.waiting.length > 0) this.fail(error);
      });
      child.send({ type: 'load', settings } satisfies ToWorker);
    });
  }

  /** Queues `texts` for the first idle worker; rejects at once after a failure. */
  encode(texts: readonly string[]): Promise<EncodedWindow> {
    return new Promise<EncodedWindow>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.waiting.push({ texts, resolve, reject });
      const idle = this.workers.find((worker) => !worker.job);
      if (idle) this.dispatch(idle);
    });
  }

  /** Ends every worker process; resolves when all have exited. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => new Promise<void>((resolve) => {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null) return resolve();
      worker.child.once('exit', () => resolve());
      worker.child.kill();
    })));
  }

  private dispatch(worker: Worker): void {
    const job = this.waiting.shift();
    if (!job) return;
    worker.job = job;
    worker.child.send({ type: 'encode', texts: job.texts } satisfies ToWorker);
  }

  /** Rejects the jobs in flight and waiting with the first failure; later jobs are refused with it. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const worker of this.workers) {
      worker.job?.reject(this.failure);
      worker.job = undefined;
    }
    for (const job of this.waiting.splice(0)) job.reject(this.failure);
  }
}

/**
 * Starts `count` workers running `entry` (the `splade` script) with the hidden command
 * `_encode-worker`; resolves once every one has loaded its model.
 */
export async function workerPool(entry: string, count: number, settings: EncodeSettings): Promise<WindowEncoder> {
  // CPU workers share the cores: cores/N kernel threads each unless --threads says otherwise.
  const threads = settings.backend.threads ?? Math.max(1, Math.floor(availableParallelism() / count));
  const cpu = (settings.backend.backend ?? 'cpu') === 'cpu';
  const workerSettings = cpu ? { ...settings, backend: { ...settings.backend, threads } } : settings;
  const pool = new Pool(entry);
  const ready = Array.from({ length: count }, (_, slot) => pool.start(slot, workerSettings));
  try {
    await Promise.all(ready);
  } catch (error) {
    await pool.close();
    throw error;
  }
  return { parallelism: count, encode: (texts) => pool.encode(texts), close: () => pool.close() };
}
