import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReferenceBackend, erf, geluExact, geluTanh } from '../../src/tensor/reference/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { mulberry32, randomFloats } from '../../tools/random.js';

const backend = new ReferenceBackend();

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
      assert.unreachable(`${what}[${i}]: ${actual[i]} vs expected ${expected[i]} (tolerance ${tolerance})`);
    }
  }
}

/** A deterministic pseudo-random tensor in [-1, 1). */
function randomTensor(shape: number[], seed: number): Tensor {
  return new Tensor(shape, randomFloats(mulberry32(seed), shape.reduce((a, b) => a * b, 1)));
}

test('erf matches Python math.erf on both branches', () => {
  // Values printed by CPython's math.erf.
  const cases: Array<[number, number]> = [
    [-4.0, -0.9999999845827421], [-2.5, -0.999593047982555], [-1.3, -0.9340079449406524],
    [-0.2, -0.22270258921047847], [0, 0], [0.7, 0.6778011938374184], [1.99, 0.995111413199617],
    [2.01, 0.9955248493552482], [3.3, 0.9999969422902035], [6.0, 1.0],
  ];
  close(cases.map(([x]) => erf(x)), cases.map(([, y]) => y), 2e-9, 'erf');
});

test('GELU exact and tanh forms match torch.nn.functional.gelu', () => {
  const xs = [-5, -3, -1, -0.5, 0, 0.5, 1, 2, 3.5];
  // torch.nn.functional.gelu(x) and gelu(x, approximate='tanh'), float32.
  const exact = [-1.4901161193847656e-6, -0.004049867391586304, -0.1586552858352661, -0.1542687863111496, 0, 0.3457311987876892, 0.8413447141647339, 1.9544999599456787, 3.499185562133789];
  const tanh = [-2.980232238769531e-7, -0.0036374330520629883, -0.15880799293518066, -0.1542859971523285, 0, 0.3457140028476715, 0.8411920070648193, 1.9545977115631104, 3.4993836879730225];
  close(xs.map(geluExact), exact, 1e-6, 'gelu');
  close(xs.map(geluTanh), tanh, 1e-6, 'gelu_tanh');
});

test('linear computes x·Wᵀ + b with the [out, in] layout, activation fused', () => {
  const x = new Tensor([2, 3], Float32Array.from([1, 2, 3, -1, 0, 1]));
  const w = new Tensor([2, 3], Float32Array.from([1, 0, 0, 0.5, -1, 2]));
  const b = new Tensor([2], Float32Array.from([0.25, -10]));
  const layer = backend.prepareLinear('test', w, b);
  assert.equal(layer.inFeatures, 3);
  assert.equal(layer.outFeatures, 2);
  close(backend.linear(x, layer).data, [1.25, -5.5, -0.75, -8.5], 1e-6, 'linear');
  close(backend.linear(x, layer, 'relu').data, [1.25, 0, 0, 0], 0, 'linear+relu');
});

test('layerNorm normalises x + residual with biased variance', () => {
  const x = new Tensor([1, 4], Float32Array.from([1, 2, 3, 4]));
  const residual = new Tensor([1, 4], Float32Array.from([1, 0, -1, 0]));
  const gamma = new Tensor([4], Float32Array.from([1, 1, 2, 1]));
  const beta = new Tensor([4], Float32Array.from([0, 0, 0, 1]));
  // y = [2, 2, 2, 4]: mean 2.5, biased variance 0.75.
  const s = 1 / Math.sqrt(0.75 + 1e-12);
  const out = backend.layerNorm(x, residual, gamma, beta, 1e-12);
  close(out.data, [-0.5 * s, -0.5 * s, -1 * s, 1.5 * s + 1], 1e-6, 'layerNorm');
});

test('gather copies the named rows', () => {
  const table = new Tensor([3, 2], Float32Array.from([0, 1, 10, 11, 20, 21]));
  assert.equal(Array.from(backend.gather(table, Int32Array.from([2, 0, 2])).data), [20, 21, 0, 1, 20, 21]);
});

/** Attention written the naive way: materialise [seq, seq] scores per head. */
function naiveAttention(q: Tensor, k: Tensor, v: Tensor, mask: Uint8Array, batch: number, seq: number, heads: number): number[] {
  const hidden = q.shape[1];
  const hs = hidden / heads;
  const out = new Array<number>(q.size).fill(0);
  for (let b = 0; b < batch; b++) for (let h = 0; h < heads; h++) for (let i = 0; i < seq; i++) {
    const scores: number[] = [];
    for (let j = 0; j < seq; j++) {
      let s = 0;
      for (let d = 0; d < hs; d++) s += q.data[(b * seq + i) * hidden + h * hs + d] * k.data[(b * seq + j) * hidden + h * hs + d];
      scores.push(mask[b * seq + j] ? s / Math.sqrt(hs) : -3.4e38);
    }
    const m = Math.max(...scores);
    const e = scores.map((s) => Math.exp(s - m));
    const z = e.reduce((a, c) => a + c, 0);
    for (let d = 0; d < hs; d++) {
      let s = 0;
      for (let j = 0; j < seq; j++) s += (e[j] / z) * v.data[(b * seq + j) * hidden + h * hs + d];
      out[(b * seq + i) * hidden + h * hs + d] = s;
    }
  }
  return out;
}

test('attention masks padding keys and matches the naive computation', () => {
  const batch = 2, seq = 3, heads = 2, hidden = 4;
  const q = randomTensor([batch * seq, hidden], 1);
  const k = randomTensor([batch * seq, hidden], 2);
  const v = randomTensor([batch * seq, hidden], 3);
  const mask = Uint8Array.from([1, 1, 1, 1, 1, 0]);
  const { context, probs } = backend.attention(q, k, v, { batch, seq, mask }, { numHeads: heads, keepProbs: true });
  close(context.data, naiveAttention(q, k, v, mask, batch, seq, heads), 1e-6, 'context');
  assert.ok(probs);
  assert.equal(probs.shape, [batch, heads, seq, seq]);
  // Second sequence, every head and query: the padding key gets probability 0, rows sum to 1.
  for (let h = 0; h < heads; h++) for (let i = 0; i < seq; i++) {
    const row = probs.data.subarray(((1 * heads + h) * seq + i) * seq, ((1 * heads + h) * seq + i + 1) * seq);
    assert.is(row[2], 0);
    assert.ok(Math.abs(row[0] + row[1] - 1) < 1e-6);
  }
});

test('spladePool equals max over real tokens of log(1 + relu(logits)) computed in full', () => {
  const batch = 2, seq = 3, hidden = 5, vocab = 7;
  const states = randomTensor([batch * seq, hidden], 4);
  const w = randomTensor([vocab, hidden], 5);
  const b = randomTensor([vocab], 6);
  const mask = Uint8Array.from([1, 1, 0, 1, 0, 0]);
  const decoder = backend.prepareLinear('decoder', w, b);
  const logits = backend.linear(states, decoder);
  const expected: number[] = [];
  for (let s = 0; s < batch; s++) for (let t = 0; t < vocab; t++) {
    let m = 0;
    for (let i = 0; i < seq; i++) {
      if (mask[s * seq + i]) m = Math.max(m, Math.log(1 + Math.max(0, logits.data[(s * seq + i) * vocab + t])));
    }
    expected.push(m);
  }
  const pooled = backend.spladePool(states, decoder, { batch, seq, mask });
  assert.equal(pooled.shape, [batch, vocab]);
  close(pooled.data, expected, 1e-6, 'splade');
  assert.ok(expected.some((x) => x > 0) && expected.some((x) => x === 0), 'the case exercises both branches');
});

test.run();
