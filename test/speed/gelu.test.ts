import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { geluExact } from '../../src/tensor/reference/activations.js';
import { geluFast } from '../../src/tensor/gemm/gemm.js';
import { WasmGemm } from '../../src/tensor/gemm/wasm-gemm.js';

test('geluFast is the exact GELU within 2 float32 ulps (plus 1e-15) on [-12, 12]', () => {
  let worst = 0;
  for (let i = -120000; i <= 120000; i++) {
    const x = i / 10000;
    const reference = geluExact(x);
    const error = Math.abs(geluFast(x) - reference);
    // Far below zero the reference's 1 + erf cancels to ~1e-16 absolute: that is its precision there.
    const ulp = Math.abs(reference) * 2 ** -23 + 1e-15;
    worst = Math.max(worst, error / ulp);
  }
  assert.ok(worst <= 2, `worst error ${worst} ulps`);
});

test('the WebAssembly SIMD GELU is within 4 ulps of the output plus 1 ulp of the input on [-12, 12]', () => {
  const engine = WasmGemm.create({ shared: false })!;
  const n = 240004;
  const ptr = engine.arena.allocScratch(n * 4);
  const xs = Float32Array.from({ length: n }, (_, i) => (i - n / 2) / 10000);
  engine.arena.f32(ptr, n).set(xs);
  engine.geluSpan(ptr, n / 4);
  const ys = engine.arena.f32(ptr, n);
  for (let i = 0; i < n; i++) {
    const reference = geluExact(xs[i]);
    const bound = 2 ** -23 * (4 * Math.abs(reference) + Math.abs(xs[i])) + 1e-15;
    if (!(Math.abs(ys[i] - reference) <= bound)) assert.unreachable(`gelu(${xs[i]}) = ${ys[i]}, exact ${reference}`);
  }
  // Far out: no overflow, no NaN.
  engine.arena.f32(ptr, 4).set([-1000, 1000, -0, 80]);
  engine.geluSpan(ptr, 1);
  const [far, big, zero, eighty] = engine.arena.f32(ptr, 4);
  assert.ok(Math.abs(far) < 1e-30, `gelu(-1000) = ${far}`);
  assert.equal([big, zero + 0, eighty], [1000, 0, 80]);
  // Below -13.5 the exact GELU is under 1e-40 in magnitude: the kernel gives 0 (exp's clamp once
  // gave ~1e-38 there, through subnormal products, which x86 multiplies by a slow microcode assist).
  const below = Float32Array.from({ length: 1000 }, (_, i) => -13.5 - i * 0.1);
  engine.arena.f32(ptr, below.length).set(below);
  engine.geluSpan(ptr, below.length / 4);
  engine.arena.f32(ptr, below.length).forEach((y, i) => { if (y !== 0) assert.unreachable(`gelu(${below[i]}) = ${y}`); });
});

test('the WebAssembly SIMD GELU changes exactly the floats of its span (two vectors at a time, then the last)', () => {
  const engine = WasmGemm.create({ shared: false })!;
  for (const vectors of [1, 2, 3, 4, 5]) {
    const ptr = engine.arena.allocScratch((vectors + 2) * 16);
    const xs = Float32Array.from({ length: (vectors + 2) * 4 }, (_, i) => (i % 7) - 3.25);
    engine.arena.f32(ptr, xs.length).set(xs);
    engine.geluSpan(ptr + 16, vectors);
    const ys = engine.arena.f32(ptr, xs.length);
    ys.forEach((y, i) => {
      const inside = i >= 4 && i < 4 + vectors * 4;
      const want = inside ? geluExact(xs[i]) : xs[i];
      if (!(Math.abs(y - want) <= 2 ** -23 * (4 * Math.abs(want) + Math.abs(xs[i])) + 1e-15)) assert.unreachable(`${vectors} vectors, float ${i}: ${y}, want ${want}`);
      if (!inside && y !== xs[i]) assert.unreachable(`${vectors} vectors: float ${i} outside the span changed`);
    });
  }
});

test.run();
