// The WebAssembly softmax kernel (softmax_rows, through WasmGemm.softmaxResident) against
// float64 arithmetic, with padding columns at -Infinity as attention lays them out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WasmGemm } from '../../src/tensor/gemm/wasm-gemm.js';
import { mulberry32 } from '../../tools/random.js';

/** float32's smallest normal: anything nonzero below it is a subnormal. */
const MIN_NORMAL = 2 ** -126;

/** Runs softmax_rows on `rows` rows of `width` (a multiple of 4) with scale alpha; returns the result. */
function softmax(engine: WasmGemm, values: Float32Array, rows: number, width: number, alpha: number): Float32Array {
  engine.beginOperation();
  const ptr = engine.arena.allocScratch(rows * width * 4);
  engine.arena.f32(ptr, rows * width).set(values);
  engine.softmaxResident({ ptr, width }, rows, alpha);
  return Float32Array.from(engine.arena.f32(ptr, rows * width));
}

/** softmax_rows on `rows` rows of `width` floats, `real` of them scores and the rest padding, against float64. */
function checkAgainstFloat64(engine: WasmGemm, seed: number, rows: number, width: number, real: number): void {
  const next = mulberry32(seed);
  const values = new Float32Array(rows * width).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    // Scores from diffuse (small) to peaked (large), and some far below the row's largest.
    const spread = 0.1 * 2 ** (r % 10);
    for (let j = 0; j < real; j++) values[r * width + j] = (next() - 0.5) * spread - (j % 17 === 0 ? 200 : 0);
  }
  const alpha = 0.125;
  const out = softmax(engine, values, rows, width, alpha);
  for (let r = 0; r < rows; r++) {
    const row = values.subarray(r * width, r * width + real);
    const max = Math.max(...row);
    const sum = row.reduce((s, x) => s + Math.exp(alpha * (x - max)), 0);
    for (let j = 0; j < width; j++) {
      const got = out[r * width + j];
      if (j >= real && got !== 0) assert.unreachable(`row ${r}: padding column ${j} = ${got}`);
      if (got !== 0 && got < MIN_NORMAL) assert.unreachable(`row ${r}, column ${j}: subnormal ${got}`);
      if (j >= real) continue;
      const want = Math.exp(alpha * (row[j] - max)) / sum;
      // exp is a degree-6 fit after range reduction (~2 ulps), then a float32 sum and one
      // division: 8 ulps. Its argument alpha·x - alpha·max is rounded to float32 (two products
      // and a difference, half an ulp of each), an absolute error that exp turns relative.
      const argument = 2 * (Math.abs(alpha * row[j]) + Math.abs(alpha * max));
      if (!(Math.abs(got - want) <= (8 + argument) * 2 ** -23 * want + 1e-30)) assert.unreachable(`width ${width}, row ${r}, column ${j}: ${got}, float64 ${want}`);
    }
  }
}

test('softmax rows: float64 softmax within 8 float32 ulps (plus the argument\'s rounding), padding exactly 0, no subnormals', () => {
  checkAgainstFloat64(WasmGemm.create({ shared: false })!, 5, 40, 112, 100);
});

test('softmax rows of an odd number of vectors (the kernel takes two at a time, then the last) and of one', () => {
  const engine = WasmGemm.create({ shared: false })!;
  for (const [width, real] of [[4, 3], [8, 8], [12, 12], [20, 17], [36, 33]]) checkAgainstFloat64(engine, width, 7, width, real);
});

test('softmax rows: a NaN score makes its row NaN', () => {
  const engine = WasmGemm.create({ shared: false })!;
  const values = Float32Array.from({ length: 8 }, (_, i) => i / 8);
  values[2] = NaN;
  const out = softmax(engine, values, 1, 8, 1);
  assert.ok(out.every(Number.isNaN), `${[...out]}`);
});

test.run();
