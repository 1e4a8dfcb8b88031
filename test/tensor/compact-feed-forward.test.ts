// The CPU backend's feed-forward block and its row blocks on compact weights: float16 and int8
// (whose activations are quantized per block of rows, outlier columns included) give exactly
// what the two linear ops give, and the loader's reuse of one buffer for compact weights
// (Backend.copiesCompactWeights) is only offered by backends that copy them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { preparedByCopy } from '../../src/models/bert/nn.js';
import { quantizeInt8Rows, toF16Weight, type CompactWeight } from '../../src/tensor/compact-weight.js';
import { CpuBackend } from '../../src/tensor/cpu/cpu-backend.js';
import { TypeScriptGemm } from '../../src/tensor/gemm/typescript-gemm.js';
import { WasmGemm } from '../../src/tensor/gemm/wasm-gemm.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { mulberry32, randomFloats } from '../../tools/random.js';

const [ROWS, HIDDEN, INTERMEDIATE] = [300, 16, 64];

function wasm(scratchBytes?: number): CpuBackend {
  const engine = WasmGemm.create({ shared: false });
  assert.ok(engine, 'Node has WebAssembly SIMD');
  return new CpuBackend(engine, scratchBytes === undefined ? {} : { scratchBytes });
}

function weight(dtype: 'int8' | 'f16', n: number, k: number, seed: number): CompactWeight {
  const w = randomFloats(mulberry32(seed), n * k, 0.5);
  return dtype === 'int8' ? quantizeInt8Rows(w, n, k) : toF16Weight(w, n, k);
}

/** How many multiplies one linear layer over ROWS rows takes on `backend`. */
function multipliesOfLinear(backend: CpuBackend, x: Tensor, layer: ReturnType<CpuBackend['prepareCompactLinear']>): number {
  let multiplies = 0;
  const matmul = backend.compact.matmul.bind(backend.compact);
  backend.compact.matmul = (args) => { multiplies++; matmul(args); };
  backend.linear(x, layer, 'gelu');
  backend.compact.matmul = matmul;
  return multiplies;
}

for (const dtype of ['int8', 'f16'] as const) {
  test(`${dtype}: feedForward equals the two linear ops, in the row blocks linear takes`, () => {
    const x = new Tensor([ROWS, HIDDEN], randomFloats(mulberry32(1), ROWS * HIDDEN, 2));
    // A planted outlier column: the int8 path quantizes it apart, per block.
    for (let r = 0; r < ROWS; r++) x.data[r * HIDDEN + 3] *= 80;
    const bias = (n: number, seed: number): Tensor => new Tensor([n], randomFloats(mulberry32(seed), n));
    const small = wasm(4096);
    const up = small.prepareCompactLinear('up', weight(dtype, INTERMEDIATE, HIDDEN, 2), bias(INTERMEDIATE, 3));
    const down = small.prepareCompactLinear('down', weight(dtype, HIDDEN, INTERMEDIATE, 4), bias(HIDDEN, 5));
    const expected = small.linear(small.linear(x, up, 'gelu'), down);
    assert.equal(small.feedForward(x, up, down, 'gelu').data, expected.data);
    // With 4 KiB of scratch one linear layer over ROWS rows goes in row blocks, float16 too:
    // the WebAssembly engine widens its panels a k block at a time as it multiplies them.
    const blocks = multipliesOfLinear(small, x, up);
    assert.ok(blocks > 4, `${blocks} row blocks`);
  });
}

test('f16 on the TypeScript engine, which widens all of a weight on each multiply: one block', () => {
  const x = new Tensor([ROWS, HIDDEN], randomFloats(mulberry32(1), ROWS * HIDDEN, 2));
  const backend = new CpuBackend(new TypeScriptGemm(), { scratchBytes: 4096 });
  const up = backend.prepareCompactLinear('up', weight('f16', INTERMEDIATE, HIDDEN, 2));
  assert.is(multipliesOfLinear(backend, x, up), 1);
  const int8 = backend.prepareCompactLinear('int8', weight('int8', INTERMEDIATE, HIDDEN, 2));
  assert.ok(multipliesOfLinear(backend, x, int8) > 4, 'int8 in row blocks there');
});

test('int8: feedForward with its residual LayerNorm, and linearNorm, run fused (intermediate and projection kept in WebAssembly memory) and equal the separate ops exactly', () => {
  const x = new Tensor([ROWS, HIDDEN], randomFloats(mulberry32(6), ROWS * HIDDEN, 2));
  for (let r = 0; r < ROWS; r++) x.data[r * HIDDEN + 5] *= 60;
  const residual = new Tensor([ROWS, HIDDEN], randomFloats(mulberry32(7), ROWS * HIDDEN, 1));
  const bias = (n: number, seed: number): Tensor => new Tensor([n], randomFloats(mulberry32(seed), n));
  const norm = { gamma: new Tensor([HIDDEN], randomFloats(mulberry32(8), HIDDEN, 2)), beta: bias(HIDDEN, 9), eps: 1e-12 };
  for (const scratchBytes of [4096, undefined]) {
    const backend = wasm(scratchBytes);
    const up = backend.prepareCompactLinear('up', weight('int8', INTERMEDIATE, HIDDEN, 10), bias(INTERMEDIATE, 11));
    const down = backend.prepareCompactLinear('down', weight('int8', HIDDEN, INTERMEDIATE, 12), bias(HIDDEN, 13));
    const dense = backend.prepareCompactLinear('dense', weight('int8', HIDDEN, HIDDEN, 14), bias(HIDDEN, 15));
    const ffExpected = backend.layerNorm(backend.linear(backend.linear(x, up, 'gelu'), down), x, norm.gamma, norm.beta, norm.eps);
    const lnExpected = backend.layerNorm(backend.linear(x, dense), residual, norm.gamma, norm.beta, norm.eps);
    // The fused paths never go through the compact engine's plain matmul.
    let plain = 0;
    const matmul = backend.compact.matmul.bind(backend.compact);
    backend.compact.matmul = (args) => { plain++; matmul(args); };
    assert.equal(backend.feedForward(x, up, down, 'gelu', norm).data, ffExpected.data, `feedForward, scratch ${scratchBytes}`);
    assert.equal(backend.linearNorm(x, dense, residual, norm).data, lnExpected.data, `linearNorm, scratch ${scratchBytes}`);
    assert.is(plain, 0, 'both ran fused');
  }
});

test('int8: linears quantizes its input once for all its layers and equals linear of each exactly; float16 and mixed shapes go layer by layer', () => {
  const x = new Tensor([ROWS, HIDDEN], randomFloats(mulberry32(16), ROWS * HIDDEN, 2));
  for (let r = 0; r < ROWS; r++) x.data[r * HIDDEN + 9] *= 90;
  const bias = (n: number, seed: number): Tensor => new Tensor([n], randomFloats(mulberry32(seed), n));
  for (const scratchBytes of [4096, undefined]) {
    const backend = wasm(scratchBytes);
    const layers = [17, 19, 21].map((seed) => backend.prepareCompactLinear(`p${seed}`, weight('int8', HIDDEN, HIDDEN, seed), seed === 19 ? undefined : bias(HIDDEN, seed + 1)));
    const expected = layers.map((layer) => backend.linear(x, layer).data);
    let each = 0;
    let plain = 0;
    const matmulEach = backend.compact.matmulEach!.bind(backend.compact);
    backend.compact.matmulEach = (args, outputs) => { each++; return matmulEach(args, outputs); };
    const matmul = backend.compact.matmul.bind(backend.compact);
    backend.compact.matmul = (args) => { plain++; matmul(args); };
    assert.equal(backend.linears(x, layers).map((t) => t.data), expected, `scratch ${scratchBytes}`);
    assert.is(plain, 0, 'no layer went through matmul alone');
    assert.ok(each >= 1 && (scratchBytes === undefined || each > 4), `${each} row blocks`);
    // Weights of another shape, or float16, cannot share one quantization: linear, one by one.
    const wide = backend.prepareCompactLinear('wide', weight('int8', INTERMEDIATE, HIDDEN, 23), bias(INTERMEDIATE, 24));
    const half = backend.prepareCompactLinear('half', weight('f16', HIDDEN, HIDDEN, 25), bias(HIDDEN, 26));
    assert.equal(backend.linears(x, [layers[0], wide]).map((t) => t.data), [expected[0], backend.linear(x, wide).data]);
    assert.equal(backend.linears(x, [half, layers[1]]).map((t) => t.data), [backend.linear(x, half).data, expected[1]]);
  }
});

test('only backends that copy compact weights (or widen them) let the loader reuse one buffer for them', () => {
  assert.is(wasm().copiesCompactWeights, true);
  assert.is(preparedByCopy(wasm()), true);
  assert.is(new CpuBackend(new TypeScriptGemm()).copiesCompactWeights, false);
  assert.is(preparedByCopy(new CpuBackend(new TypeScriptGemm())), false);
  assert.is(preparedByCopy(new ReferenceBackend()), true, 'no compact kernels: the weight is widened into an array of its own');
});

test.run();
