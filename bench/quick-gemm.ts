import { WasmGemm } from '../src/tensor/gemm/wasm-gemm.js';
import { ReferenceGemm } from '../src/tensor/gemm/reference-gemm.js';
const e = WasmGemm.create({ shared: false })!;
const r = new ReferenceGemm();
for (const [m, n, k] of [[1,1,1],[3,17,5],[17,63,65],[65,9,130]]) {
  const a = Float32Array.from({length: m*k}, () => Math.random()-0.5);
  const w = Float32Array.from({length: n*k}, () => Math.random()-0.5);
  const o1 = new Float32Array(m*n), o2 = new Float32Array(m*n);
  e.beginOperation();
  e.matmul({ m, a, b: e.packNK(w, n, k), out: o1 });
  r.matmul({ m, a, b: r.packNK(w, n, k), out: o2 });
  let d = 0; for (let i = 0; i < m*n; i++) d = Math.max(d, Math.abs(o1[i]-o2[i]));
  console.log(m, n, k, d);
}
for (const [m, n, k] of [[1024, 768, 768], [1024, 3072, 768], [1024, 768, 3072], [12, 768, 768]]) {
  const a = Float32Array.from({length: m*k}, () => Math.random()-0.5);
  const w = Float32Array.from({length: n*k}, () => Math.random()-0.5);
  const out = new Float32Array(m*n);
  const b = e.packNK(w, n, k);
  let best = Infinity;
  for (let it = 0; it < 8; it++) { const t = performance.now(); e.beginOperation(); e.matmul({ m, a, b, out }); best = Math.min(best, performance.now() - t); }
  console.log(m, n, k, best.toFixed(2), 'ms', (2*m*n*k/best/1e6).toFixed(1), 'GFLOP/s');
}
