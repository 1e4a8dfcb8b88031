// The one factory: BackendOptions in, a Backend out. How threads start differs by platform
// (Web Workers in browsers, worker_threads under Node), so that part is a ThreadPlatform passed
// in: this module's `createBackend` uses Web Workers; the Node entry's `createBackend` binds
// worker_threads. The gpu.js backend is reached only through a dynamic import, so the core (and
// its browser bundle file) never contains gpu.js, and gpu.js's `new Function` runs only when
// asked for. Where the runtime refuses to compile WebAssembly at run time (Workers, a strict
// CSP), the CPU kernels fall back to TypeScript by themselves and say so (info.notes, one
// console notice); a precompiled `wasmModule` (the shipped kernels.wasm) brings SIMD back.
import type { Backend } from './backend.js';
import {
  checkBackendOptions, defaultThreads, BackendOptionsError, BACKEND_OPTION_NAMES, type BackendOptions, type GpuMode,
} from './backend-options.js';
import { checkOptionNames } from '../option-names.js';
import { CpuBackend } from './cpu/cpu-backend.js';
import { TypeScriptGemm } from './gemm/typescript-gemm.js';
import { WasmGemm, type JobRunner, type KernelHandle } from './gemm/wasm-gemm.js';
import { kernelModuleInfo } from './wasm/kernel-module.js';
import { sharedMemorySupported } from './wasm/arena.js';
import { ReferenceBackend } from './reference/reference-backend.js';
import { startWebWorkers, webWorkersUsable } from './wasm/web-workers.js';

/** How kernel threads start on one platform. */
export interface ThreadPlatform {
  /** Logical cores kernel threads may use here, or why threads cannot run here at all. */
  cores(): number | { readonly unavailable: string };
  /** Starts `threads - 1` workers on the kernel's shared memory; rejects when they cannot start. */
  startWorkers(kernel: KernelHandle, threads: number): JobRunner | Promise<JobRunner>;
}

/** Web Workers, in cross-origin isolated contexts (the only ones with SharedArrayBuffer). */
export const WEB_THREADS: ThreadPlatform = {
  cores: () => webWorkersUsable()
    ? (typeof navigator === 'undefined' ? 1 : navigator.hardwareConcurrency)
    : { unavailable: 'this context is not cross-origin isolated (no SharedArrayBuffer or Worker), so the kernels run on the calling thread' },
  startWorkers: startWebWorkers,
};

/**
 * A backend for `BertForMaskedLM.load` and `SpladeEncoder.fromPretrained({ backend })`; call
 * `disposeBackend` when done (it stops worker threads and frees GPU memory). In browsers the
 * threads are Web Workers where the context is cross-origin isolated, else there is one;
 * the Node entry's `createBackend` uses worker_threads. `backend.info` says what runs.
 * @throws BackendOptionsError for an unknown option name (a typo such as `thread`), a value
 *   that is unknown or of the wrong kind, and contradictory options; GpuUnavailableError
 *   (splade-ts/tensor) when the GPU or the gpu.js mode asked for is not available here
 */
export function createBackend(options: BackendOptions = {}): Promise<Backend> {
  return createBackendOn(WEB_THREADS, options);
}

/** `createBackend` with the threads of `platform` (the Node entry passes worker_threads; tests pass a fake core count). */
export async function createBackendOn(platform: ThreadPlatform, options: BackendOptions = {}): Promise<Backend> {
  checkOptionNames(options, BACKEND_OPTION_NAMES, 'createBackend', BackendOptionsError);
  checkBackendOptions(options);
  const choice = options.backend ?? 'cpu';
  if (choice === 'cpu') return createCpuBackend(platform, options, []);
  const gpu = await import('./gpu/index.js');
  if (choice === 'gpu' || options.gpuMode !== undefined) return gpu.GpuBackend.create(options.gpuMode ? { mode: options.gpuMode } : {});
  // auto: a GPU mode when there is one; a software renderer (SwiftShader, llvmpipe) is the CPU
  // in disguise and slower than the CPU kernels, and so is gpu.js's webasm mode: auto passes
  // them by.
  let modes: GpuMode[];
  try {
    modes = await gpu.availableGpuModes(await gpu.loadGpuJs());
  } catch (error) {
    return createCpuBackend(platform, options, [`auto chose the CPU: gpu.js could not be loaded (${(error as Error).message})`]);
  }
  for (const mode of modes) {
    if (mode !== 'webasm' && !(await gpu.isSoftwareMode(mode))) {
      return gpu.GpuBackend.create({ mode, notes: [`auto chose the GPU (gpu.js ${mode})`] });
    }
  }
  const seen = modes.length > 0 ? `gpu.js modes here: ${modes.join(', ')}, none on a hardware GPU` : 'no gpu.js mode runs here';
  return createCpuBackend(platform, options, [`auto chose the CPU: ${seen}`]);
}

/** The CPU kernels asked for (default: the fastest the runtime allows), with their threads. */
async function createCpuBackend(platform: ThreadPlatform, options: BackendOptions, notes: string[]): Promise<Backend> {
  if (options.kernels === 'reference') return new ReferenceBackend(notes);
  if (options.kernels === 'typescript') return new CpuBackend(new TypeScriptGemm(), { notes });
  const cores = platform.cores();
  const threads = options.threads ?? (typeof cores === 'number' ? defaultThreads(cores) : 1);
  // A precompiled module brings its own memory kind: kernels.wasm (not shared) has no threads.
  const moduleShared = options.wasmModule === undefined ? undefined : kernelModuleInfo(options.wasmModule).shared;
  // kernels-shared.wasm where no shared memory can be made (a page that is not cross-origin
  // isolated) cannot run; the kernels compiled here, unshared, still can where compiling is
  // allowed, and they are several times faster than the TypeScript fallback it used to get.
  const sharedUnusable = moduleShared === true && !sharedMemorySupported();
  if (sharedUnusable) {
    notes.push('kernels-shared.wasm was not used: it needs a shared WebAssembly.Memory, which this context cannot make (not cross-origin isolated?); pass kernels.wasm here');
  }
  const wasmModule = sharedUnusable ? undefined : options.wasmModule;
  const wantThreads = threads > 1 && typeof cores === 'number' && moduleShared !== false && !sharedUnusable;
  const made = WasmGemm.tryCreate({
    ...(wasmModule ? { module: wasmModule } : wantThreads ? {} : { shared: false }),
    threadedMinMacs: options.threadedMinMacs,
  });
  if (!made.engine) {
    if (options.kernels === 'wasm-simd') throw new BackendOptionsError(`kernels 'wasm-simd' cannot run here: ${made.reason}`);
    return typescriptFallback(made.reason, notes);
  }
  const engine = made.engine;
  if (threads > 1) {
    const why = typeof cores !== 'number' ? cores.unavailable
      : moduleShared === false ? 'the kernels module given (kernels.wasm) has no shared memory; kernels-shared.wasm has threads'
      : !engine.arena.shared ? 'SharedArrayBuffer is not available, so the kernels run on the calling thread'
      : await attachWorkers(engine, platform, threads);
    if (why) notes.push(`1 thread instead of ${threads}: ${why}`);
  }
  return new CpuBackend(engine, { notes });
}

/**
 * How to get the SIMD kernels where compiling them at run time is refused: a runtime that
 * loads WebAssembly shipped with the code (Workers) takes the prebuilt module; a page's CSP
 * blocks every WebAssembly compilation without 'wasm-unsafe-eval', prebuilt or not.
 */
export const WASM_MODULE_HINT =
  "pass the shipped kernels as wasmModule (Cloudflare Workers: import kernels from 'splade-ts/kernels.wasm'; SpladeEncoder.fromPretrained(files, { wasmModule: kernels })), or in a web page allow 'wasm-unsafe-eval' in its Content-Security-Policy";

let noticeShown = false;

/**
 * The TypeScript kernels standing in for WebAssembly ones that could not be made (no SIMD,
 * or compiling refused: Workers, a strict CSP). Where speed is to be had, the console hears it
 * once per program, since a silent 3-5x slowdown would otherwise go unnoticed.
 */
function typescriptFallback(reason: string, notes: string[]): Backend {
  const refused = !/no WebAssembly/.test(reason);
  const note = refused
    ? `TypeScript kernels: ${reason} (several times slower); for WebAssembly SIMD speed, ${WASM_MODULE_HINT}`
    : `TypeScript kernels: ${reason}`;
  if (refused && !noticeShown) {
    noticeShown = true;
    console.warn(`splade-ts: ${note}`);
  }
  return new CpuBackend(new TypeScriptGemm(), { notes: [...notes, note] });
}

/** Starts the worker threads on `engine`; a reason when they could not start (a CSP without `worker-src blob:`, say). */
async function attachWorkers(engine: WasmGemm, platform: ThreadPlatform, threads: number): Promise<string | undefined> {
  try {
    engine.attachRunner(await platform.startWorkers(engine.kernel, threads));
    return undefined;
  } catch (error) {
    return `the worker threads did not start (${(error as Error).message})`;
  }
}
