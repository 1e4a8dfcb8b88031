// Where the WebAssembly kernels come from: compiled here from the bytes gemm-module.ts
// assembles, or handed in precompiled (the package's kernels.wasm, which the build writes
// from the same bytes). Some runtimes refuse the first way: Cloudflare Workers ("Wasm code
// generation disallowed by embedder") and pages whose Content-Security-Policy lacks
// 'wasm-unsafe-eval' only instantiate WebAssembly that shipped with the code.
import { SpladeError } from '../../errors.js';
import {
  buildGemmModule,
  DEFAULT_GEMM_SHAPE,
  KERNEL_FORMAT,
  KERNEL_SECTION,
  type GemmShape,
  type KernelDescription,
} from './gemm-module.js';

/** A `wasmModule` that is not splade-ts's kernels (or from another version of it). */
export class KernelModuleError extends SpladeError {}

/** The kernels compiled, or why they could not be. */
export type KernelCompilation =
  | { readonly module: WebAssembly.Module; readonly reason?: undefined }
  | { readonly module?: undefined; readonly reason: string };

/** The memory limits every kernel module imports with (a 4 GiB maximum: the memory may grow that far). */
const MEMORY_PAGES = { initialPages: 16, maximumPages: 65536 } as const;

/** The module bytes for `shape`, its memory shared (threads) or not. */
export function kernelBytes(shape: GemmShape, shared: boolean): Uint8Array<ArrayBuffer> {
  return buildGemmModule(shape, { ...MEMORY_PAGES, shared });
}

/**
 * The files the build writes (package exports `splade-ts/kernels.wasm` and
 * `splade-ts/kernels-shared.wasm`): the default shape, exactly the bytes the run-time path compiles.
 */
export const SHIPPED_KERNELS = [
  { file: 'kernels.wasm', shared: false },
  { file: 'kernels-shared.wasm', shared: true },
] as const;

/** The bytes of a shipped kernel file. */
export function shippedKernelBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  return kernelBytes(DEFAULT_GEMM_SHAPE, shared);
}

const compiled = new Map<string, KernelCompilation>();

/**
 * Compiles the kernels for `shape` (once per shape and sharing), or says why not: no
 * WebAssembly, no SIMD, or compilation at run time refused by the runtime.
 */
export function compileKernels(shape: GemmShape, shared: boolean): KernelCompilation {
  const key = `${shape.mr}x${shape.nr}u${shape.unroll}${shared ? 's' : ''}`;
  let result = compiled.get(key);
  if (!result) {
    result = compileNow(shape, shared);
    compiled.set(key, result);
  }
  return result;
}

function compileNow(shape: GemmShape, shared: boolean): KernelCompilation {
  if (typeof WebAssembly === 'undefined') return { reason: 'this JavaScript runtime has no WebAssembly' };
  const bytes = kernelBytes(shape, shared);
  if (!WebAssembly.validate(bytes)) return { reason: 'this JavaScript runtime has no WebAssembly SIMD' };
  try {
    return { module: new WebAssembly.Module(bytes) };
  } catch (error) {
    // Workers: "CompileError: WebAssembly.Module(): Wasm code generation disallowed by embedder".
    return { reason: `this runtime refuses to compile WebAssembly at run time (${String(error)})` };
  }
}

/**
 * The shape and sharing a precompiled kernels module was built with (its KERNEL_SECTION).
 * @throws KernelModuleError when `module` is not a WebAssembly.Module of splade-ts's kernels
 *   in this version's format
 */
export function kernelModuleInfo(module: WebAssembly.Module): KernelDescription {
  if (typeof WebAssembly === 'undefined' || !(module instanceof WebAssembly.Module)) {
    throw new KernelModuleError('wasmModule must be a WebAssembly.Module (splade-ts/kernels.wasm, compiled)');
  }
  const sections = WebAssembly.Module.customSections(module, KERNEL_SECTION);
  if (sections.length !== 1) {
    throw new KernelModuleError(`wasmModule is not splade-ts's kernels.wasm (no '${KERNEL_SECTION}' section)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(sections[0]));
  } catch {
    parsed = undefined;
  }
  const d = parsed as Partial<KernelDescription> | undefined;
  const positive = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
  if (!d || !positive(d.mr) || !positive(d.nr) || d.nr % 4 !== 0 || !positive(d.unroll) || typeof d.shared !== 'boolean') {
    throw new KernelModuleError(`wasmModule: its '${KERNEL_SECTION}' section is malformed`);
  }
  if (d.format !== KERNEL_FORMAT) {
    throw new KernelModuleError(
      `wasmModule is kernels format ${String(d.format)}, this splade-ts needs format ${KERNEL_FORMAT}: use the kernels.wasm of the same package version`,
    );
  }
  return { format: d.format, mr: d.mr, nr: d.nr, unroll: d.unroll, shared: d.shared };
}
