// splade-ts/tensor: tensors, dtypes and the backends (the kernel interface and its
// implementations), for people who run the model's ops themselves or add a backend.
export { Tensor, ShapeError, assertShape, elementCount } from '../tensor/tensor.js';
export type { DType, TensorInfo, TensorSource } from '../tensor/tensor-source.js';
export { DTYPE_SIZE, DTYPES } from '../tensor/dtype.js';
export {
  bf16ToF32, f16ToF32, f32ToBf16, f32ToF16, bf16ArrayToF32, f16ArrayToF32, f32ArrayToBf16, f32ArrayToF16,
} from '../tensor/half.js';
export { disposeBackend, runInScope } from '../tensor/backend.js';
export type {
  Activation, AttentionOptions, AttentionResult, Backend, LinearHandle, MaybePromise, TokenLayout,
} from '../tensor/backend.js';
export { createBackend } from '../tensor/create-backend.js';
export {
  BACKEND_CHOICES, BackendOptionsError, DEFAULT_MAX_THREADS, GPU_MODE_NAMES, KERNEL_CHOICES, MAX_THREADS,
} from '../tensor/backend-options.js';
export type { BackendChoice, BackendInfo, BackendOptions, GpuMode, KernelChoice } from '../tensor/backend-options.js';
export { ReferenceBackend } from '../tensor/reference/reference-backend.js';
export {
  WEIGHT_DTYPES, WEIGHT_DTYPE_BYTES, layerNormOutlierDims, parseWeightDType, quantizeInt8Rows, readWeightRows, toF16Weight, widenWeight,
} from '../tensor/compact-weight.js';
export type { CompactWeight, F16Weight, FloatColumns, Int8Weight, WeightDType } from '../tensor/compact-weight.js';
export { CpuBackend } from '../tensor/cpu/cpu-backend.js';
export { WebWorkerStartError, startWebWorkers, webWorkersUsable } from '../tensor/wasm/web-workers.js';
export { KernelModuleError } from '../tensor/wasm/kernel-module.js';
// createBackend throws it (a GPU or gpu.js mode not available here); gpu-js.ts imports gpu.js
// only dynamically, so exporting the class keeps gpu.js out of this entry.
export { GpuUnavailableError } from '../tensor/gpu/gpu-js.js';
export { readTensorData } from '../tensor/gpu/device-tensor.js';
