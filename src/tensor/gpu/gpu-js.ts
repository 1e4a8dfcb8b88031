// The part of gpu.js this backend uses, typed here (gpu.js's own typings are loose and its
// kernel signatures do not fit strict TypeScript). gpu.js is an optional dependency: it is
// only ever loaded by `loadGpuJs`, with a dynamic import, when a GPU backend is asked for.
import { SpladeError } from '../../errors.js';

/** The backends of gpu.js this project runs on. */
export type GpuMode = 'webgpu' | 'webgl2' | 'webasm';
export const GPU_MODES: readonly GpuMode[] = ['webgpu', 'webgl2', 'webasm'];

/** A gpu.js result that stays on the device: a GL texture, a WebGPU buffer, or (webasm) plain rows. */
export type DeviceArray = object;

/** A compiled gpu.js kernel: call it with device arrays or `input(...)` values. */
export interface GpuKernel {
  (...args: unknown[]): unknown;
  destroy(removeCanvasReferences?: boolean): void;
  /** The backend-specific kernel gpu.js picked (its `fallbackReason` is set when it degraded). */
  readonly kernel?: { readonly fallbackReason?: string | null; readonly constructor: { readonly name: string } };
}

export interface GpuKernelSettings {
  readonly output: number[];
  readonly constants?: Record<string, number>;
  readonly pipeline: boolean;
  readonly immutable: boolean;
  readonly precision: 'single';
  readonly tactic: 'precision';
  readonly loopMaxIterations?: number;
}

/** A kernel function as gpu.js reads it (its source text is what gets compiled). */
export type KernelSource = (this: never, ...args: never[]) => number;

export interface GpuInstance {
  createKernel(source: KernelSource, settings: GpuKernelSettings): GpuKernel;
  destroy(): unknown;
}

export interface GpuJs {
  readonly GPU: {
    new (settings: { mode: GpuMode }): GpuInstance;
    readonly isWebGL2Supported: boolean;
    readonly isWebGPUSupported: boolean;
    readonly isWebAssemblySupported: boolean;
    isWebGPUAvailable(): Promise<boolean>;
  };
  input(value: Float32Array, size: number[]): unknown;
  readonly WebGL2Kernel: { readonly features?: { readonly maxTextureSize: number } };
}

/** gpu.js is not installed, or failed to load. */
export class GpuUnavailableError extends SpladeError {}

/** Loads gpu.js (once). */
let loading: Promise<GpuJs> | undefined;
export function loadGpuJs(): Promise<GpuJs> {
  loading ??= import('gpu.js').then(
    (module: unknown) => {
      // gpu.js is CommonJS: its exports may sit on `default` depending on the loader.
      const m = module as Partial<GpuJs> & { default?: GpuJs };
      const api = m.GPU ? (m as GpuJs) : m.default;
      if (!api?.GPU) throw new GpuUnavailableError('gpu.js loaded but exports no GPU class');
      return api;
    },
    (error: unknown) => {
      loading = undefined;
      throw new GpuUnavailableError(
        `the GPU backend needs the optional dependency gpu.js, which could not be loaded (${error instanceof Error ? error.message : String(error)}); install it with npm install gpu.js, or use backend 'cpu'`,
        { cause: error },
      );
    },
  );
  return loading;
}

/** The gpu.js modes that work here, best first (WebGPU needs an adapter to answer). */
export async function availableGpuModes(gpu: GpuJs): Promise<GpuMode[]> {
  const modes: GpuMode[] = [];
  if (gpu.GPU.isWebGPUSupported && (await gpu.GPU.isWebGPUAvailable().catch(() => false))) modes.push('webgpu');
  if (gpu.GPU.isWebGL2Supported) modes.push('webgl2');
  if (gpu.GPU.isWebAssemblySupported) modes.push('webasm');
  return modes;
}

/** Names of software renderers in adapter and renderer strings (SwiftShader, Mesa's llvmpipe, WARP). */
const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|microsoft basic render|warp/i;

interface AdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: { readonly vendor?: string; readonly architecture?: string; readonly description?: string; readonly device?: string };
}

/**
 * Whether `mode` runs on a software renderer (on the CPU) rather than a GPU: a WebGPU
 * fallback adapter or SwiftShader, a WebGL renderer such as SwiftShader or llvmpipe.
 * webasm is always CPU. Unknown (no way to ask) counts as hardware.
 */
export async function isSoftwareMode(mode: GpuMode): Promise<boolean> {
  if (mode === 'webasm') return true;
  const scope = globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<AdapterLike | null> } }; OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: 'webgl2'): WebGL2RenderingContext | null } };
  if (mode === 'webgpu') {
    const adapter = await scope.navigator?.gpu?.requestAdapter();
    if (!adapter) return false;
    const info = adapter.info ?? {};
    return adapter.isFallbackAdapter === true || SOFTWARE.test(`${info.vendor ?? ''} ${info.architecture ?? ''} ${info.description ?? ''} ${info.device ?? ''}`);
  }
  if (!scope.OffscreenCanvas) return false;
  const gl = new scope.OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return false;
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return SOFTWARE.test(renderer);
}
