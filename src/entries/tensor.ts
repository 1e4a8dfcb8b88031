// splade-ts/tensor: tensors, dtypes and the backends (the kernel interface and its
// implementations), for people who run the model's ops themselves or add a backend.
export { Tensor, ShapeError, assertShape, elementCount } from '../tensor/tensor.js';
export type { DType, TensorInfo, TensorSource } from '../tensor/tensor-source.js';
export { DTYPE_SIZE, DTYPES } from '../tensor/dtype.js';
export {
  bf16ToF32, f16ToF32, f32ToBf16, f32ToF16, bf16ArrayToF32, f16ArrayToF32, f32ArrayToBf16, f32ArrayToF16,
} from '../tensor/half.js';
export { disposeBackend } from '../tensor/backend.js';
export type {
  Activation, AttentionOptions, AttentionResult, Backend, LinearHandle, MaybePromise, TokenLayout,
} from '../tensor/backend.js';
export { ReferenceBackend } from '../tensor/reference/reference-backend.js';
export { CpuBackend } from '../tensor/cpu/cpu-backend.js';
export { BACKEND_NAMES, createBackend, type BackendName, type BackendOptions } from '../tensor/cpu/create-backend.js';
export { WEB_DEFAULT_MAX_THREADS, createWebBackend, defaultWebThreadCount, type WebBackendOptions } from '../tensor/cpu/web-backend.js';
export { WebWorkerStartError, startWebWorkers, webWorkersUsable } from '../tensor/wasm/web-workers.js';
export { BACKEND_CHOICES, BackendChoiceError, GPU_MODE_NAMES, selectBackend } from '../tensor/select-backend.js';
export type { BackendChoice, BackendSelection, GpuMode } from '../tensor/select-backend.js';
export { readTensorData } from '../tensor/gpu/device-tensor.js';
