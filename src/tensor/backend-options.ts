// The one vocabulary for choosing what computes, shared by createBackend, SpladeEncoder and the
// CLI: `backend` picks the device, `threads` the CPU threads, and for experts `kernels` picks
// the CPU kernels and `gpuMode` the gpu.js mode. Checked here once, so every door refuses the
// same contradictions with the same words.
import { SpladeError } from '../errors.js';
import type { GpuMode } from './gpu/gpu-js.js';
import { MAX_THREADS } from './gemm/max-threads.js';

export type { GpuMode };

/**
 * `cpu`: the fastest CPU kernels the runtime allows (WebAssembly SIMD, else TypeScript);
 * `gpu`: gpu.js (the best mode, or `gpuMode`); `auto`: a GPU through gpu.js when there is a
 * hardware one, else the CPU.
 */
export type BackendChoice = 'auto' | 'cpu' | 'gpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'cpu', 'gpu'];

/**
 * The CPU kernels, for experts: `wasm-simd` (WebAssembly SIMD, threads; an error where the
 * runtime lacks SIMD), `typescript` (the pure TypeScript fallback, one thread) or `reference`
 * (ReferenceBackend: plain loops, the yardstick, slow).
 */
export type KernelChoice = 'wasm-simd' | 'typescript' | 'reference';
export const KERNEL_CHOICES: readonly KernelChoice[] = ['wasm-simd', 'typescript', 'reference'];

export const GPU_MODE_NAMES: readonly GpuMode[] = ['webgpu', 'webgl2', 'webasm'];

/** Most threads the default takes: beyond this a forward pass gains little, and a 128-core machine is not an error. */
export const DEFAULT_MAX_THREADS = 16;
export { MAX_THREADS };

/** What `createBackend` (and `SpladeEncoder.fromPretrained`, and the CLI's flags) accept. */
export interface BackendOptions {
  /** What computes (default `cpu`). */
  readonly backend?: BackendChoice;
  /**
   * CPU threads, the calling one included: an integer from 1 to MAX_THREADS (32). Default:
   * the core count (Node: `os.availableParallelism()`; browsers: `navigator.hardwareConcurrency`
   * in cross-origin isolated contexts, else 1), at most DEFAULT_MAX_THREADS (16). Only the
   * `wasm-simd` kernels run threads.
   */
  readonly threads?: number;
  /** The CPU kernels (default: `wasm-simd` where the runtime has SIMD, else `typescript`). Not with backend `gpu`. */
  readonly kernels?: KernelChoice;
  /** The gpu.js mode, with backend `gpu` or `auto`; one that is not available is an error, never a fallback. */
  readonly gpuMode?: GpuMode;
  /**
   * Tuning, mostly for tests: multiply-adds below which a multiply stays on the calling thread
   * (tiny test models set 0 so that their multiplies reach the worker threads).
   */
  readonly threadedMinMacs?: number;
  /**
   * The WebAssembly kernels precompiled, for runtimes that refuse to compile WebAssembly at run
   * time (Cloudflare Workers: `import kernels from 'splade-ts/kernels.wasm'`, then
   * `{ wasmModule: kernels }`). `kernels.wasm` runs on one thread; `kernels-shared.wasm` keeps
   * the worker threads where there are any. Without it such runtimes fall back to the
   * TypeScript kernels (with a note). Not with backend `gpu` or other kernels.
   */
  readonly wasmModule?: WebAssembly.Module;
}

/**
 * What runs, exactly: `encoder.backendInfo` and `backend.info`.
 * ```ts
 * { backend: 'cpu', kernels: 'wasm-simd', threads: 4, name: 'cpu-wasm-simd x4', notes: [] }
 * { backend: 'gpu', kernels: 'gpu.js', threads: 1, gpuMode: 'webgl2', name: 'gpu.js webgl2', notes: [] }
 * ```
 */
export interface BackendInfo {
  /** The device. */
  readonly backend: 'cpu' | 'gpu';
  /** The kernels that run. */
  readonly kernels: KernelChoice | 'gpu.js';
  /** Threads that run kernels, the calling one included (1 on the GPU: the device has its own). */
  readonly threads: number;
  /** The gpu.js mode, on the GPU. */
  readonly gpuMode?: GpuMode;
  /** A short name for logs and benchmarks (`cpu-wasm-simd x4`, `cpu-reference`, `gpu.js webasm`). */
  readonly name: string;
  /** Why what runs differs from what was asked or from the default (a fallback, a choice of `auto`), one sentence each. */
  readonly notes: readonly string[];
}

/** Backend options that are unknown, cannot be honoured or contradict each other. */
export class BackendOptionsError extends SpladeError {}

/** Every name of BackendOptions: `createBackend` refuses any other (a typo such as `thread`). */
export const BACKEND_OPTION_NAMES = ['backend', 'threads', 'kernels', 'gpuMode', 'threadedMinMacs', 'wasmModule'] as const satisfies readonly (keyof BackendOptions)[];
// The list stays complete: a name added to BackendOptions alone fails to compile here.
true satisfies Exclude<keyof BackendOptions, (typeof BACKEND_OPTION_NAMES)[number]> extends never ? true : never;

/**
 * How messages spell an option and its value: the API's words (`backend 'gpu'`) by default;
 * the CLI passes its flags' (`--backend gpu`), so both say the same thing in their own terms.
 */
export type OptionSpelling = (field: keyof BackendOptions, value?: string | number) => string;

/** `backend 'gpu'`, `threads 2`. */
export const API_SPELLING: OptionSpelling = (field, value) =>
  value === undefined ? field : `${field} ${typeof value === 'string' ? `'${value}'` : String(value)}`;

/**
 * Refuses unknown values, values of the wrong kind and contradictions (kernels or threads with
 * backend `gpu`, gpuMode with `cpu` or with kernels, threads above 1 on single-threaded
 * kernels, a thread count out of range), so every door gives the same message.
 * @throws BackendOptionsError
 */
export function checkBackendOptions(options: BackendOptions, spell: OptionSpelling = API_SPELLING): void {
  const { backend, threads, kernels, gpuMode } = options;
  if (backend !== undefined && !BACKEND_CHOICES.includes(backend)) {
    throw new BackendOptionsError(`unknown ${spell('backend', String(backend))} (choose from ${BACKEND_CHOICES.join(', ')})`);
  }
  if (kernels !== undefined && !KERNEL_CHOICES.includes(kernels)) {
    throw new BackendOptionsError(`unknown ${spell('kernels', String(kernels))} (choose from ${KERNEL_CHOICES.join(', ')})`);
  }
  if (gpuMode !== undefined && !GPU_MODE_NAMES.includes(gpuMode)) {
    throw new BackendOptionsError(`unknown ${spell('gpuMode', String(gpuMode))} (choose from ${GPU_MODE_NAMES.join(', ')})`);
  }
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) {
    throw new BackendOptionsError(`${spell('threads')} must be an integer from 1 to ${MAX_THREADS}, got ${String(threads)}`);
  }
  checkTuning(options, spell);
  if (backend === 'gpu' && kernels !== undefined) {
    throw new BackendOptionsError(`${spell('kernels', kernels)} chooses CPU kernels: it does not go with ${spell('backend', 'gpu')}`);
  }
  if (backend === 'gpu' && threads !== undefined) {
    throw new BackendOptionsError(`${spell('threads')} are CPU threads: they do not go with ${spell('backend', 'gpu')}`);
  }
  if (gpuMode !== undefined && (backend ?? 'cpu') === 'cpu') {
    throw new BackendOptionsError(`${spell('gpuMode', gpuMode)} needs ${spell('backend', 'gpu')} or ${spell('backend', 'auto')}`);
  }
  if (gpuMode !== undefined && kernels !== undefined) {
    throw new BackendOptionsError(`${spell('gpuMode', gpuMode)} asks for the GPU and ${spell('kernels', kernels)} for the CPU: give one`);
  }
  if (options.wasmModule !== undefined && (backend === 'gpu' || kernels === 'typescript' || kernels === 'reference')) {
    throw new BackendOptionsError(`${spell('wasmModule')} holds the wasm-simd kernels: it does not go with ${backend === 'gpu' ? spell('backend', 'gpu') : spell('kernels', kernels)}`);
  }
  if (threads !== undefined && threads > 1 && (kernels === 'typescript' || kernels === 'reference')) {
    throw new BackendOptionsError(`${spell('kernels', kernels)} run on one thread, got ${spell('threads', threads)} (threads need ${spell('kernels', 'wasm-simd')})`);
  }
}

/** The values of the options for experts and runtimes, whose wrong kinds would fail far from here. */
function checkTuning({ threadedMinMacs, wasmModule }: BackendOptions, spell: OptionSpelling): void {
  if (threadedMinMacs !== undefined && !(typeof threadedMinMacs === 'number' && threadedMinMacs >= 0)) {
    throw new BackendOptionsError(`${spell('threadedMinMacs')} must be a number of at least 0, got ${JSON.stringify(threadedMinMacs) ?? String(threadedMinMacs)}`);
  }
  if (wasmModule !== undefined && !(typeof WebAssembly !== 'undefined' && wasmModule instanceof WebAssembly.Module)) {
    const got = typeof wasmModule === 'object' && wasmModule !== null ? (wasmModule as object).constructor.name : typeof wasmModule;
    throw new BackendOptionsError(`${spell('wasmModule')} must be a WebAssembly.Module (splade-ts/kernels.wasm compiled), got ${got}`);
  }
}

/** The default thread count on a machine with `cores` logical cores: all of them, at most DEFAULT_MAX_THREADS. */
export function defaultThreads(cores: number): number {
  return Number.isInteger(cores) && cores >= 1 ? Math.min(cores, DEFAULT_MAX_THREADS, MAX_THREADS) : 1;
}
