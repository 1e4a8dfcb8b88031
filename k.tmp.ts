import { WasmGemm } from './src/tensor/gemm/wasm-gemm.js';
import { WasmCompactGemm } from './src/tensor/gemm/wasm-compact-gemm.js';
import { quantizeInt8Rows, toF16Weight } from './src/tensor/compact-weight.js';
const e = WasmGemm.create({ shared: false })!;
const c = new WasmCompactGemm(e);
for (const [m, n, k] of [[12, 768, 768], [12, 30522, 768], [1024, 3072, 768], [1024, 768, 3072]]) {
  const w = Float32Array.from({ length: n * k }, () => Math.random() - 0.5);
  const a = Float32Array.from({ length: m * k }, () => Math.random() - 0.5);
  const out = new Float32Array(m * n);
  const f32 = e.packNK(w, n, k), f16 = c.pack(toF16Weight(w, n, k)), i8 = c.pack(quantizeInt8Rows(w, n, k));
  const time = (f: () => void) => { f(); const ts: number[] = []; for (let r = 0; r < 5; r++) { const t = performance.now(); f(); ts.push(performance.now() - t); } return Math.min(...ts); };
  const t32 = time(() => { e.beginOperation(); e.matmul({ m, a, b: f32, out }); });
  const t16 = time(() => { e.beginOperation(); c.matmul({ m, a, b: f16, out }); });
  const t8 = time(() => { e.beginOperation(); c.matmul({ m, a, b: i8, out }); });
  console.log(`${m}x${n}x${k}: f32 ${t32.toFixed(1)} ms, f16 ${t16.toFixed(1)} ms, int8 ${t8.toFixed(1)} ms; int8 speed-up ${(t32 / t8).toFixed(2)}x, f16 ${(t32 / t16).toFixed(2)}x`);
}
