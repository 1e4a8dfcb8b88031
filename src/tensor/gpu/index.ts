// The gpu.js backend. Import this module only through a dynamic import (see
// src/tensor/create-backend.ts): it pulls in gpu.js, which compiles kernels with `new Function`.
export { GpuBackend, GpuFallbackError, GpuLimitError, GpuLinear } from './gpu-backend.js';
export type { GpuBackendOptions } from './gpu-backend.js';
export { DeviceReadError, DeviceTensor, readTensorData } from './device-tensor.js';
export { GPU_MODES, GpuUnavailableError, availableGpuModes, isSoftwareMode, loadGpuJs } from './gpu-js.js';
export type { GpuMode } from './gpu-js.js';
