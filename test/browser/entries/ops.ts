// Test-page entry: the gpu.js backend and the op-conformance harness, bundled for the browser
// by test/browser/gpu-ops.test.ts.
export { GpuBackend, availableGpuModes, isSoftwareMode, loadGpuJs } from '../../../src/tensor/gpu/index.js';
export { checkConformance } from '../../tensor/conformance/index.js';
