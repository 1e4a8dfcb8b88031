// Picks the backend: the fast CPU backend on WebAssembly SIMD where the runtime has it (with
// worker threads when a way to start them is given and SharedArrayBuffer works), else on the
// pure TypeScript kernel; the reference backend on request.
import { SpladeError } from '../../errors.js';
import type { Backend } from '../backend.js';
import { ReferenceBackend } from '../reference/reference-backend.js';
import { TypeScriptGemm } from '../gemm/typescript-gemm.js';
import { WasmGemm, MAX_THREADS, type JobRunner, type KernelHandle } from '../gemm/wasm-gemm.js';
import { CpuBackend } from './cpu-backend.js';

/** `auto`: wasm-simd where available, else typescript. */
export type BackendName = 'auto' | 'wasm-simd' | 'typescript' | 'reference';
export const BACKEND_NAMES: readonly BackendName[] = ['auto', 'wasm-simd', 'typescript', 'reference'];

export interface BackendOptions {
  /** Which kernels to run; default `auto`. */
  readonly backend?: BackendName;
  /** Threads for the WebAssembly kernels (default 1 here; the Node entry defaults to the core count). */
  readonly threads?: number;
  /** Starts `threads - 1` workers on the kernel's shared memory (Node: worker_threads). */
  readonly startWorkers?: (kernel: KernelHandle, threads: number) => JobRunner;
}

/** A backend to pass to `BertForMaskedLM.load`; call `disposeBackend` when done to stop its workers. */
export function createBackend(options: BackendOptions = {}): Backend {
  const name = options.backend ?? 'auto';
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new SpladeError(`threads must be an integer from 1 to ${MAX_THREADS}, got ${threads}`);
  }
  switch (name) {
    case 'reference':
      return new ReferenceBackend();
    case 'typescript':
      return new CpuBackend(new TypeScriptGemm());
    case 'wasm-simd':
    case 'auto': {
      const wantThreads = threads > 1 && options.startWorkers !== undefined;
      const engine = WasmGemm.create(wantThreads ? {} : { shared: false });
      if (!engine) {
        if (name === 'wasm-simd') throw new SpladeError('this JavaScript runtime has no WebAssembly SIMD (backend wasm-simd)');
        return new CpuBackend(new TypeScriptGemm());
      }
      // Without SharedArrayBuffer (e.g. a page that is not cross-origin isolated) the memory
      // is not shared and the engine stays on the calling thread.
      if (wantThreads && engine.arena.shared && options.startWorkers) {
        engine.attachRunner(options.startWorkers(engine.kernel, threads));
      }
      return new CpuBackend(engine);
    }
    default:
      throw new SpladeError(`unknown backend '${String(name)}' (choose from ${BACKEND_NAMES.join(', ')})`);
  }
}
