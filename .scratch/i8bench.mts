// node --import tsx .scratch/i8bench.mts [relaxed=0|1] : single-thread int8 vs f32 GMAC/s
import { WasmGemm } from '../src/tensor/gemm/wasm-gemm.js';
import { WasmCompactGemm } from '../src/tensor/gemm/wasm-compact-gemm.js';
import { mulberry32, randomFloats } from '../tools/random.js';
const relaxed = process.argv[2] === '1';
const shapes: Array<[number, number, number]> = JSON.parse(process.argv[3] ?? '[[1024,3072,768],[12,3072,768]]');
const e = WasmGemm.create({ shared: false, relaxedSimd: relaxed })!;
const c = new WasmCompactGemm(e);
function time(f: () => void): number {
  f(); const s = performance.now(); while (performance.now() - s < 400) f();
  const t: number[] = []; for (let r = 0; r < 7; r++) { const a = performance.now(); f(); t.push(performance.now() - a); }
  t.sort((a, b) => a - b); return t[3];
}
for (const [m, n, k] of shapes) {
  const rnd = mulberry32(1);
  const a = randomFloats(rnd, m * k, 1);
  const w = randomFloats(rnd, n * k, 0.05);
  const values = new Int8Array(n * k); const scales = new Float32Array(n).fill(0.01);
  for (let i = 0; i < n * k; i++) values[i] = Math.round(Math.max(-127, Math.min(127, w[i] * 2540)));
  const out = new Float32Array(m * n);
  e.beginOperation();
  const b8 = c.pack({ kind: 'int8', n, k, values, scales });
  const bf = e.packNK(w, n, k);
  const ti = time(() => { e.beginOperation(); c.matmul({ m, a, b: b8, out }); });
  const tf = time(() => { e.beginOperation(); e.matmul({ m, a, b: bf, out }); });
  const g = (t: number) => (m * n * k / t / 1e6).toFixed(1);
  console.log(`${m}x${n}x${k} relaxed=${relaxed} int8 ${ti.toFixed(2)} ms ${g(ti)} GMAC/s | f32 ${tf.toFixed(2)} ms ${g(tf)} GMAC/s | ratio ${(tf / ti).toFixed(2)}`);
}
