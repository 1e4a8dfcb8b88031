export { ReferenceBackend, CpuLinear } from './reference-backend.js';
export { erf, geluExact, geluTanh } from './activations.js';
