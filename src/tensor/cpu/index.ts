export { CpuBackend, CpuLinear } from './cpu-backend.js';
export { erf, geluExact, geluTanh } from './activations.js';
