import { WasmGemm } from '../src/tensor/gemm/wasm-gemm.js';
import { WasmCompactGemm } from '../src/tensor/gemm/wasm-compact-gemm.js';
const e = WasmGemm.create({ shared: false, relaxedSimd: process.argv[2] === '1' })!;
const c = new WasmCompactGemm(e);
const m = 64, n = 768, k = 768;
const values = new Int8Array(n * k).map((_, i) => (i * 7) % 50 - 25); const scales = new Float32Array(n).fill(0.01);
const a = new Float32Array(m * k).map((_, i) => Math.sin(i));
const out = new Float32Array(m * n);
e.beginOperation();
const b8 = c.pack({ kind: 'int8', n, k, values, scales });
for (let r = 0; r < 200; r++) { e.beginOperation(); c.matmul({ m, a, b: b8, out }); }
const bf = e.packNK(new Float32Array(n * k).map((_, i) => Math.cos(i)), n, k);
for (let r = 0; r < 200; r++) { e.beginOperation(); e.matmul({ m, a, b: bf, out }); }
