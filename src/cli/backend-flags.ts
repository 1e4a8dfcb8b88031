// The flags that choose what computes, shared by every command that runs the model (encode,
// inspect, explain): --backend, --threads, --kernels, --gpu-mode. Parsed and checked here once,
// with checkBackendOptions, so the CLI refuses exactly what the API refuses, as usage errors.
import {
  BACKEND_CHOICES, GPU_MODE_NAMES, KERNEL_CHOICES, MAX_THREADS, DEFAULT_MAX_THREADS,
  checkBackendOptions, type BackendChoice, type BackendOptions, type GpuMode, type KernelChoice, type OptionSpelling,
} from '../tensor/backend-options.js';
import { SpladeError } from '../errors.js';
import { oneOf, wholeNumber } from './args.js';
import { UsageError } from './command.js';
import { optionUsage } from './option-usage.js';

/** The parseArgs option definitions of the backend flags (spread into a command's `options`). */
export const BACKEND_FLAGS = {
  backend: { type: 'string' },
  threads: { type: 'string' },
  kernels: { type: 'string' },
  'gpu-mode': { type: 'string' },
} as const;

/** The backend flags' lines for a command's --help, descriptions at `column` (that of its other options). */
export function backendUsage(column: number): string {
  return [
    optionUsage('--backend NAME', 'cpu (default: the fastest CPU kernels here), gpu (gpu.js) or auto (a GPU when there is one, else the CPU)', column),
    optionUsage('--threads N', `CPU threads, 1 to ${MAX_THREADS} (default: the cores, at most ${DEFAULT_MAX_THREADS})`, column),
    optionUsage('--kernels NAME', `for experts, the CPU kernels: ${KERNEL_CHOICES.join(', ')}`, column),
    optionUsage('--gpu-mode MODE', `${GPU_MODE_NAMES.join(', ')} (with --backend gpu or auto); in Node only webasm exists; a mode that is not available is an error`, column),
  ].join('\n');
}

/** What parseArgs gives for the backend flags. */
export interface BackendFlagValues {
  readonly backend?: string;
  readonly threads?: string;
  readonly kernels?: string;
  readonly 'gpu-mode'?: string;
}

/**
 * The backend flags as BackendOptions (for SpladeEncoder.fromPretrained).
 * @throws UsageError (exit 2) for an unknown name, a thread count that is not an integer from 1
 *   to MAX_THREADS, or contradictory flags
 */
export function backendOptionsFromFlags(values: BackendFlagValues): BackendOptions {
  const backend = oneOf<BackendChoice>('backend', values.backend, BACKEND_CHOICES);
  const kernels = oneOf<KernelChoice>('kernels', values.kernels, KERNEL_CHOICES);
  const gpuMode = oneOf<GpuMode>('gpu-mode', values['gpu-mode'], GPU_MODE_NAMES);
  const threads = wholeNumber('threads', values.threads, { min: 1, max: MAX_THREADS });
  const options: BackendOptions = {
    ...(backend !== undefined ? { backend } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(kernels !== undefined ? { kernels } : {}),
    ...(gpuMode !== undefined ? { gpuMode } : {}),
  };
  try {
    checkBackendOptions(options, FLAG_SPELLING);
  } catch (error) {
    if (error instanceof SpladeError) throw new UsageError(error.message);
    throw error;
  }
  return options;
}

const FLAGS: Record<keyof BackendOptions, string> = {
  backend: '--backend', threads: '--threads', kernels: '--kernels', gpuMode: '--gpu-mode', threadedMinMacs: '--threaded-min-macs',
  // No flag: Node compiles the kernels itself; a precompiled module is for Workers and the like.
  wasmModule: 'wasmModule',
};

/** `--backend gpu`, `--threads 2`: the API's checks in the flags' words. */
const FLAG_SPELLING: OptionSpelling = (field, value) => (value === undefined ? FLAGS[field] : `${FLAGS[field]} ${value}`);
