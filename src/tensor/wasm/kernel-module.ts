// Where the WebAssembly kernels come from: compiled here from the bytes gemm-module.ts
// assembles, or handed in precompiled (the package's kernels.wasm, which the build writes
// from the same bytes). Some runtimes refuse the first way: Cloudflare Workers ("Wasm code
// generation disallowed by embedder") and pages whose Content-Security-Policy lacks
// 'wasm-unsafe-eval' only instantiate WebAssembly that shipped with the code.
import { SpladeError } from '../../errors.js';
import {
  BASELINE_FEATURES,
  buildGemmModule,
  DEFAULT_GEMM_SHAPE,
  KERNEL_FORMAT,
  KERNEL_SECTION,
  type GemmShape,
  type KernelDescription,
  type KernelFeatures,
} from './gemm-module.js';

/** A `wasmModule` that is not splade-ts's kernels (or from another version of it). */
export class KernelModuleError extends SpladeError {}

/** The kernels compiled, or why they could not be. */
export type KernelCompilation =
  | { readonly module: WebAssembly.Module; readonly reason?: undefined }
  | { readonly module?: undefined; readonly reason: string };

/** The memory limits every kernel module imports with (a 4 GiB maximum: the memory may grow that far). */
const MEMORY_PAGES = { initialPages: 16, maximumPages: 65536 } as const;

/** The module bytes for `shape`, its memory shared (threads) or not, with `features`. */
export function kernelBytes(shape: GemmShape, shared: boolean, features: KernelFeatures = BASELINE_FEATURES): Uint8Array<ArrayBuffer> {
  return buildGemmModule(shape, { ...MEMORY_PAGES, shared }, features);
}

/**
 * A module of one function using i32x4.relaxed_dot_i8x16_i7x16_add_s: it validates where the
 * runtime has relaxed SIMD.
 */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, // magic, version
  1, 5, 1, 96, 0, 1, 123, // type: [] -> [v128]
  3, 2, 1, 0, // one function of that type
  10, 61, 1, 59, 0, // code: one body of 59 bytes, no locals
  ...[0, 1, 2].flatMap(() => [0xfd, 12, ...new Array<number>(16).fill(1)]), // three v128.const
  0xfd, 0x93, 0x02, // i32x4.relaxed_dot_i8x16_i7x16_add_s
  0x0b,
]);

let relaxedSupport: boolean | undefined;

/**
 * V8 before 11.4 (Node 20) has relaxed SIMD only behind --experimental-wasm-relaxed-simd, and
 * that early version computes the int8 kernel wrongly (its second accumulator of a tile came out
 * zero, seen on Node 20.20): it is not used there. V8 11.4 (Chrome 114) shipped it.
 */
function v8BeforeShippedRelaxedSimd(): boolean {
  const v8 = (globalThis as { process?: { versions?: { v8?: string } } }).process?.versions?.v8;
  const match = v8 === undefined ? null : /^(\d+)\.(\d+)/.exec(v8);
  return match !== null && Number(match[1]) * 100 + Number(match[2]) < 1104;
}

/** Whether this runtime has relaxed SIMD (checked once). */
export function relaxedSimdSupported(): boolean {
  relaxedSupport ??= typeof WebAssembly !== 'undefined' && !v8BeforeShippedRelaxedSimd() && WebAssembly.validate(RELAXED_PROBE);
  return relaxedSupport;
}

/**
 * The files the build writes (package exports `splade-ts/kernels.wasm` and
 * `splade-ts/kernels-shared.wasm`): the default shape without relaxed SIMD (so that they load
 * on every runtime), exactly the bytes the run-time path compiles where relaxed SIMD is missing.
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
 * Compiles the kernels for `shape` (once per shape, sharing and features), or says why not: no
 * WebAssembly, no SIMD, or compilation at run time refused by the runtime. `relaxed` defaults
 * to whether the runtime has relaxed SIMD.
 */
export function compileKernels(shape: GemmShape, shared: boolean, relaxed = relaxedSimdSupported()): KernelCompilation {
  const key = `${shape.mr}x${shape.nr}u${shape.unroll}${shared ? 's' : ''}${relaxed ? 'r' : ''}`;
  let result = compiled.get(key);
  if (!result) {
    result = compileNow(shape, shared, { relaxed });
    compiled.set(key, result);
  }
  return result;
}

function compileNow(shape: GemmShape, shared: boolean, features: KernelFeatures): KernelCompilation {
  if (typeof WebAssembly === 'undefined') return { reason: 'this JavaScript runtime has no WebAssembly' };
  if (features.relaxed && !relaxedSimdSupported()) return { reason: 'this JavaScript runtime has no relaxed SIMD' };
  const bytes = kernelBytes(shape, shared, features);
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
  // The format first: another version's section may hold other fields.
  if (d && positive(d.format) && d.format !== KERNEL_FORMAT) {
    throw new KernelModuleError(
      `wasmModule is kernels format ${String(d.format)}, this splade-ts needs format ${KERNEL_FORMAT}: use the kernels.wasm of the same package version`,
    );
  }
  if (!d || d.format !== KERNEL_FORMAT || !positive(d.mr) || !positive(d.nr) || d.nr % 4 !== 0 || !positive(d.unroll)
    || typeof d.shared !== 'boolean' || typeof d.relaxed !== 'boolean') {
    throw new KernelModuleError(`wasmModule: its '${KERNEL_SECTION}' section is malformed`);
  }
  return { format: d.format, mr: d.mr, nr: d.nr, unroll: d.unroll, shared: d.shared, relaxed: d.relaxed };
}
