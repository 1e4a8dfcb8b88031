// Backend choice by name, for `SpladeEncoder.fromPretrained({ backend, gpuMode })` and the CLI.
// The gpu.js backend is reached only through a dynamic import, so the core (and its browser
// bundle file) never contains gpu.js, and gpu.js's `new Function` runs only when asked for.
import { SpladeError } from '../errors.js';
import type { Backend } from './backend.js';
import { ReferenceBackend } from './reference/reference-backend.js';
import type { GpuMode } from './gpu/gpu-js.js';

/** `cpu`: the CPU kernels; `gpu`: gpu.js (the best mode, or `gpuMode`); `auto`: a GPU when there is one, else the CPU. */
export type BackendChoice = 'auto' | 'cpu' | 'gpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'cpu', 'gpu'];
export type { GpuMode };
export const GPU_MODE_NAMES: readonly GpuMode[] = ['webgpu', 'webgl2', 'webasm'];

export interface BackendSelection {
  /** A backend instance, or a choice by name (default: `cpu`). */
  readonly backend?: Backend | BackendChoice;
  /** The gpu.js mode, with backend `gpu` or `auto`; unavailable means an error, never a fallback. */
  readonly gpuMode?: GpuMode;
}

/** A backend choice that cannot be honoured here. */
export class BackendChoiceError extends SpladeError {}

/**
 * The backend a selection names. `auto` takes a gpu.js mode (webgpu, then webgl2) that runs
 * on a GPU, else the CPU: software renderers (SwiftShader, llvmpipe) and gpu.js's webasm mode
 * are CPU modes, slower than the CPU backend, used only when asked for (`backend: 'gpu'`, or
 * a `gpuMode`).
 * @param cpu makes the CPU backend (default: the reference CPU backend)
 * @throws BackendChoiceError for an unknown name, or a `gpuMode` with backend `cpu`;
 *   GpuUnavailableError when the GPU or the mode asked for is not available here
 */
export async function selectBackend(
  selection: BackendSelection = {},
  cpu: () => Backend | Promise<Backend> = () => new ReferenceBackend(),
): Promise<Backend> {
  const { backend = 'cpu', gpuMode } = selection;
  if (typeof backend === 'object') {
    if (gpuMode !== undefined) throw new BackendChoiceError('gpuMode applies to backend \'gpu\' or \'auto\', not to a backend instance');
    return backend;
  }
  if (!BACKEND_CHOICES.includes(backend)) {
    throw new BackendChoiceError(`unknown backend '${String(backend)}' (choose from ${BACKEND_CHOICES.join(', ')})`);
  }
  if (gpuMode !== undefined && !GPU_MODE_NAMES.includes(gpuMode)) {
    throw new BackendChoiceError(`unknown gpuMode '${String(gpuMode)}' (choose from ${GPU_MODE_NAMES.join(', ')})`);
  }
  if (backend === 'cpu') {
    if (gpuMode !== undefined) throw new BackendChoiceError(`gpuMode '${gpuMode}' needs backend 'gpu' or 'auto', not 'cpu'`);
    return cpu();
  }
  const gpu = await import('./gpu/index.js');
  if (backend === 'gpu' || gpuMode !== undefined) return gpu.GpuBackend.create(gpuMode ? { mode: gpuMode } : {});
  // auto: a GPU mode when there is one; a software renderer (SwiftShader, llvmpipe) is the
  // CPU in disguise and slower than the CPU backend, so auto passes it by.
  let modes: GpuMode[] = [];
  try {
    modes = await gpu.availableGpuModes(await gpu.loadGpuJs());
  } catch {
    return cpu(); // no gpu.js installed: auto means what is there
  }
  for (const mode of modes) {
    if (mode !== 'webasm' && !(await gpu.isSoftwareMode(mode))) return gpu.GpuBackend.create({ mode });
  }
  return cpu();
}
