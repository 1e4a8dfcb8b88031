// The browser flavour of createBackend: the WebAssembly SIMD kernels with Web Workers where
// the context is cross-origin isolated (SharedArrayBuffer), else on the calling thread alone.
import type { Backend } from '../backend.js';
import { MAX_THREADS, WasmGemm } from '../gemm/wasm-gemm.js';
import { startWebWorkers, webWorkersUsable } from '../wasm/web-workers.js';
import { kernelModuleInfo } from '../wasm/kernel-module.js';
import { createBackend } from './create-backend.js';
import { CpuBackend } from './cpu-backend.js';

/** Most threads the browser default takes: beyond this a forward pass gains little and the page loses its cores. */
export const WEB_DEFAULT_MAX_THREADS = 8;

export interface WebBackendOptions {
  /** Threads, the calling one included (default: `navigator.hardwareConcurrency`, at most WEB_DEFAULT_MAX_THREADS). */
  readonly threads?: number;
  /** Multiply-adds below which a multiply stays on the calling thread (see WasmGemmOptions; tests use 0). */
  readonly threadedMinMacs?: number;
  /** The kernels precompiled (see BackendOptions.wasmModule); kernels-shared.wasm keeps the Web Workers. */
  readonly wasmModule?: WebAssembly.Module;
}

/** The browser default thread count: the logical cores, capped at WEB_DEFAULT_MAX_THREADS. */
export function defaultWebThreadCount(): number {
  const cores = typeof navigator === 'undefined' ? 1 : navigator.hardwareConcurrency;
  return Math.max(1, Math.min(Number.isInteger(cores) ? cores : 1, WEB_DEFAULT_MAX_THREADS));
}

/**
 * The fast CPU backend with Web Workers when they can run (a cross-origin isolated page or
 * worker: `crossOriginIsolated`, `Worker` and `SharedArrayBuffer`), else single-threaded.
 * A worker that fails to start (a Content-Security-Policy without `worker-src blob:`, say)
 * also means single-threaded: `backend.name` says which runs (`cpu-wasm-simd x4`, `cpu-wasm-simd`).
 * Call `disposeBackend` when done: it terminates the workers.
 */
export async function createWebBackend(options: WebBackendOptions = {}): Promise<Backend> {
  const threads = options.threads ?? defaultWebThreadCount();
  const { wasmModule } = options;
  // createBackend throws for an invalid count, makes every single-threaded backend and
  // falls back to the TypeScript kernels (with a note) where WebAssembly is refused.
  const single = (): Backend => createBackend({ threads: 1, wasmModule });
  const valid = Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS;
  if (!valid) return createBackend({ threads });
  if (threads === 1 || !webWorkersUsable() || (wasmModule && !kernelModuleInfo(wasmModule).shared)) return single();
  const made = WasmGemm.tryCreate(wasmModule ? { module: wasmModule, threadedMinMacs: options.threadedMinMacs } : { shared: true, threadedMinMacs: options.threadedMinMacs });
  if (!made.engine) return single();
  try {
    made.engine.attachRunner(await startWebWorkers(made.engine.kernel, threads));
  } catch {
    return single();
  }
  return new CpuBackend(made.engine);
}
