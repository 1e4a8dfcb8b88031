// Picks the backend: the fast CPU backend on WebAssembly SIMD where the runtime has it (with
// worker threads when a way to start them is given and SharedArrayBuffer works), else on the
// pure TypeScript kernel; the reference backend on request. Where the runtime refuses to
// compile WebAssembly at run time (Workers, a strict CSP), `auto` falls back to TypeScript by
// itself, says so in the backend's notes and once on the console; a precompiled `wasmModule`
// (the shipped kernels.wasm) brings the SIMD kernels back there.
import { SpladeError } from '../../errors.js';
import type { Backend } from '../backend.js';
import { ReferenceBackend } from '../reference/reference-backend.js';
import { TypeScriptGemm } from '../gemm/typescript-gemm.js';
import { WasmGemm, MAX_THREADS, type JobRunner, type KernelHandle } from '../gemm/wasm-gemm.js';
import { kernelModuleInfo } from '../wasm/kernel-module.js';
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
  /**
   * The WebAssembly kernels precompiled: `splade-ts/kernels.wasm` (one thread) or
   * `kernels-shared.wasm` (threads), for runtimes that only run WebAssembly shipped with the
   * code (Cloudflare Workers: `import kernels from 'splade-ts/kernels.wasm'`).
   */
  readonly wasmModule?: WebAssembly.Module;
}

/**
 * How to get the SIMD kernels where compiling them at run time is refused: a runtime that
 * loads WebAssembly shipped with the code (Workers) takes the prebuilt module; a page's CSP
 * blocks every WebAssembly compilation without 'wasm-unsafe-eval', prebuilt or not.
 */
export const WASM_MODULE_HINT =
  "pass the shipped kernels as wasmModule (Cloudflare Workers: import kernels from 'splade-ts/kernels.wasm'; SpladeEncoder.fromPretrained(files, { wasmModule: kernels })), or in a web page allow 'wasm-unsafe-eval' in its Content-Security-Policy";

let noticeShown = false;

/** Tells the console once per program that the slow kernels run, and how to get the fast ones. */
function noticeOnce(note: string): void {
  if (noticeShown) return;
  noticeShown = true;
  console.warn(`splade-ts: ${note}`);
}

/** The TypeScript kernels standing in for the WebAssembly ones that could not be made. */
function typescriptFallback(reason: string): Backend {
  const note = `${reason}: running the TypeScript kernels instead (several times slower); for WebAssembly SIMD speed, ${WASM_MODULE_HINT}`;
  noticeOnce(note);
  return new CpuBackend(new TypeScriptGemm(), { notes: [note] });
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
      const { wasmModule, startWorkers } = options;
      // A precompiled module without shared memory runs on the calling thread alone.
      const canThread = wasmModule === undefined || kernelModuleInfo(wasmModule).shared;
      const wantThreads = threads > 1 && startWorkers !== undefined && canThread;
      const made = WasmGemm.tryCreate(wasmModule ? { module: wasmModule } : wantThreads ? {} : { shared: false });
      if (!made.engine) {
        if (name === 'wasm-simd') throw new SpladeError(`backend wasm-simd: ${made.reason}`);
        return typescriptFallback(made.reason);
      }
      const engine = made.engine;
      // Without SharedArrayBuffer (e.g. a page that is not cross-origin isolated) the memory
      // is not shared and the engine stays on the calling thread.
      if (wantThreads && engine.arena.shared && startWorkers) {
        engine.attachRunner(startWorkers(engine.kernel, threads));
      }
      const notes = threads > 1 && !canThread ? ['the kernels module given (kernels.wasm) has no shared memory, so it runs on one thread; kernels-shared.wasm has threads'] : [];
      return new CpuBackend(engine, { notes });
    }
    default:
      throw new SpladeError(`unknown backend '${String(name)}' (choose from ${BACKEND_NAMES.join(', ')})`);
  }
}
