// The fast backend's fused ops against the reference backend on random inputs with padding.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { disposeBackend } from '../../src/tensor/backend.js';
import { createBackend } from '../../src/node/backend.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { CpuBackend } from '../../src/tensor/cpu/cpu-backend.js';
import { TypeScriptGemm } from '../../src/tensor/gemm/typescript-gemm.js';
import { WasmGemm } from '../../src/tensor/gemm/wasm-gemm.js';
import { checkBackendConformance } from '../tensor/backend-conformance.js';
import type { Backend, TokenLayout } from '../../src/tensor/backend.js';
import { mulberry32 } from '../../tools/random.js';

/** Uniform numbers in [-1, 1) for a seed. */
function random(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() * 2 - 1;
}

function tensor(shape: number[], next: () => number, scale = 1): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return new Tensor(shape, Float32Array.from({ length: size }, () => next() * scale));
}

/** Lengths per sequence -> a right-padded layout. */
function layout(lengths: number[], seq: number): TokenLayout {
  const mask = new Uint8Array(lengths.length * seq);
  lengths.forEach((len, b) => mask.fill(1, b * seq, b * seq + len));
  return { batch: lengths.length, seq, mask };
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

const reference = new ReferenceBackend();
const paths: Array<[string, () => Backend | Promise<Backend>]> = [
  ['wasm-simd', () => createBackend({ kernels: 'wasm-simd', threads: 1 })],
  ['wasm-simd x2', () => createBackend({ kernels: 'wasm-simd', threads: 2 })],
  ['typescript', () => createBackend({ kernels: 'typescript' })],
  ['wasm-simd, small pooling blocks', () => new CpuBackend(WasmGemm.create({ shared: false })!, { poolBlockFloats: 1000 })],
  ['typescript, small pooling blocks', () => new CpuBackend(new TypeScriptGemm(), { poolBlockFloats: 777 })],
];

for (const [label, make] of paths) {
  const ops = suite(`fast backend ops on ${label} equal the reference`);
  let backend: Backend;
  ops.before(async () => { backend = await make(); });
  ops.after(() => disposeBackend(backend));

  ops('attention: padded batch, odd sizes, a sequence without real tokens, with and without probabilities', async () => {
    const next = random(11);
    const seq = 37, heads = 3, headSize = 20, hidden = heads * headSize;
    const tokens = layout([37, 5, 0, 21], seq);
    const [q, k, v] = [0, 1, 2].map(() => tensor([4 * seq, hidden], next, 2));
    const expected = await reference.attention(q, k, v, tokens, { numHeads: heads, keepProbs: true });
    for (const keepProbs of [false, true]) {
      const actual = await backend.attention(q, k, v, tokens, { numHeads: heads, keepProbs });
      const rel = maxRelDiff(actual.context.data, expected.context.data);
      assert.ok(rel < 2e-6, `context differs by ${rel} (keepProbs ${keepProbs})`);
      if (keepProbs) assert.ok(maxRelDiff(actual.probs!.data, expected.probs!.data) < 2e-6);
    }
  });

  ops('linear with bias and GELU, and SPLADE pooling over a padded batch', async () => {
    const next = random(12);
    const layer = tensor([70, 33], next, 0.3);
    const bias = tensor([70], next);
    const x = tensor([50, 33], next);
    const mine = await backend.linear(x, await backend.prepareLinear('l', layer, bias), 'gelu');
    const theirs = await reference.linear(x, await reference.prepareLinear('l', layer, bias), 'gelu');
    assert.ok(maxRelDiff(mine.data, theirs.data) < 2e-6);

    const vocab = 3001, width = 24, seq = 25;
    const decoder = tensor([vocab, width], next);
    const decoderBias = tensor([vocab], next, 2);
    const tokens = layout([25, 1, 0, 13], seq);
    const hidden = tensor([4 * seq, width], next);
    const pooled = await backend.spladePool(hidden, await backend.prepareLinear('d', decoder, decoderBias), tokens);
    const expected = await reference.spladePool(hidden, await reference.prepareLinear('d', decoder, decoderBias), tokens);
    assert.equal(pooled.shape, [4, vocab]);
    assert.ok(maxRelDiff(pooled.data, expected.data) < 2e-6);
    assert.ok(pooled.data.subarray(2 * vocab, 3 * vocab).every((w) => w === 0), 'a sequence without tokens pools to zero');
  });
  ops.run();
}

// The model helper's conformance suite (every op, awkward sizes) on every fast path.
const conformance = suite('backend conformance (test/tensor/backend-conformance.ts) on every fast path');
for (const [label, make] of paths) {
  conformance(label, async () => {
    const backend = await make();
    try {
      assert.equal(await checkBackendConformance(backend), []);
    } finally {
      disposeBackend(backend);
    }
  });
}
conformance.run();
