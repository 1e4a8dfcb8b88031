// Test-page entry: the gpu.js backend and the CPU reference with the op checks, bundled for
// the browser by test/browser/gpu-ops.test.ts.
export { ReferenceBackend } from '../../../src/tensor/reference/reference-backend.js';
export { GpuBackend, availableGpuModes, isSoftwareMode, loadGpuJs } from '../../../src/tensor/gpu/index.js';
export { checkBackendOps, checkLargeVocabulary, describeFailures } from '../../tensor/gpu-op-cases.js';
export { checkBackendConformance } from '../../tensor/backend-conformance.js';
