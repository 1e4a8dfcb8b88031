// Every op of a backend against the reference CPU backend on random shapes (in the spirit of
// ggml's test-backend-ops). Runtime-neutral: the Node test (gpu.js webasm) and the browser
// test (webgl2, webgpu) both run these cases, the latter from a bundle built for the page.
import type { Activation, Backend, TokenLayout } from '../../src/tensor/backend.js';
import { readTensorData } from '../../src/tensor/gpu/device-tensor.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** One op on one shape: the largest difference from the reference and the tolerance. */
export interface OpCheck {
  readonly op: string;
  readonly shape: string;
  readonly maxError: number;
  readonly tolerance: number;
  readonly ok: boolean;
}

/** A small deterministic generator (LCG), so every runtime sees the same cases. */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state / 2 ** 32;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  tensor(shape: number[], scale = 1): Tensor {
    const t = new Tensor(shape);
    for (let i = 0; i < t.size; i++) t.data[i] = (this.next() * 2 - 1) * scale;
    return t;
  }
}

function maxError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= worst)) worst = Number.isNaN(error) ? Infinity : error;
  }
  return worst;
}

async function check(op: string, shape: string, actual: Tensor, expected: Tensor, tolerance: number): Promise<OpCheck> {
  const sameShape = actual.shape.join() === expected.shape.join();
  const error = sameShape ? maxError(await readTensorData(actual), expected.data) : Infinity;
  return { op, shape, maxError: error, tolerance, ok: error <= tolerance };
}

/** Random padding; the first sequence is always full, one may be all padding when batch > 2. */
function randomTokens(random: Random, batch: number, seq: number): TokenLayout {
  const mask = new Uint8Array(batch * seq);
  for (let b = 0; b < batch; b++) {
    const length = b === 0 ? seq : b === 2 ? 0 : random.int(1, seq);
    for (let t = 0; t < length; t++) mask[b * seq + t] = 1;
  }
  return { batch, seq, mask };
}

const ACTIVATIONS: Activation[] = ['gelu', 'gelu_tanh', 'quick_gelu', 'relu', 'silu'];

/** Runs every case on `backend` and on `reference`; returns one OpCheck per (op, shape). */
export async function checkBackendOps(backend: Backend, reference: Backend, seed = 7, rounds = 3): Promise<OpCheck[]> {
  const random = new Random(seed);
  const results: OpCheck[] = [];
  for (let round = 0; round < rounds; round++) {
    const rows = random.int(1, 9);
    const inF = random.int(1, 40);
    const outF = random.int(1, 40);
    const x = random.tensor([rows, inF]);
    const w = random.tensor([outF, inF]);
    const b = random.tensor([outF]);
    const shape = `rows ${rows}, in ${inF}, out ${outF}`;
    const layer = await backend.prepareLinear('test.linear', w, b);
    const refLayer = await reference.prepareLinear('test.linear', w, b);
    const tol = 2e-6 * inF + 1e-6;
    results.push(await check('linear', shape, await backend.linear(x, layer), await reference.linear(x, refLayer), tol));
    const noBias = await backend.prepareLinear('test.nobias', w);
    results.push(await check('linear (no bias)', shape, await backend.linear(x, noBias), await reference.linear(x, await reference.prepareLinear('n', w)), tol));
    for (const act of ACTIVATIONS) {
      const big = random.tensor([rows, outF], 6);
      results.push(await check(`activate ${act}`, `[${rows}, ${outF}]`, await backend.activate(big, act), await reference.activate(big, act), 2e-6));
      results.push(await check(`linear + ${act}`, shape, await backend.linear(x, layer, act), await reference.linear(x, refLayer, act), tol * 2));
    }
    const y = random.tensor([rows, inF]);
    results.push(await check('add', `[${rows}, ${inF}]`, await backend.add(x, y), await reference.add(x, y), 1e-7));
    const gamma = random.tensor([inF]);
    const beta = random.tensor([inF]);
    const shifted = random.tensor([rows, inF], 3);
    results.push(await check('layerNorm', `[${rows}, ${inF}]`, await backend.layerNorm(shifted, null, gamma, beta, 1e-12), await reference.layerNorm(shifted, null, gamma, beta, 1e-12), 2e-5));
    results.push(await check('layerNorm + residual', `[${rows}, ${inF}]`, await backend.layerNorm(shifted, y, gamma, beta, 1e-5), await reference.layerNorm(shifted, y, gamma, beta, 1e-5), 2e-5));
    const table = random.tensor([random.int(5, 30), inF]);
    const ids = Int32Array.from({ length: rows }, () => random.int(0, table.shape[0] - 1));
    results.push(await check('gather', `${rows} of [${table.shape.join(', ')}]`, await backend.gather(table, ids), await reference.gather(table, ids), 0));

    // Attention: batch up to 3 (the third sequence all padding), heads 1-4.
    const batch = random.int(1, 3);
    const seq = random.int(1, 7);
    const heads = random.int(1, 4);
    const headSize = random.int(1, 9);
    const hidden = heads * headSize;
    const tokens = randomTokens(random, batch, seq);
    const [q, k, v] = [0, 1, 2].map(() => random.tensor([batch * seq, hidden], 2));
    const options = { numHeads: heads, keepProbs: true };
    const got = await backend.attention(q, k, v, tokens, options);
    const want = await reference.attention(q, k, v, tokens, options);
    const attnShape = `batch ${batch}, seq ${seq}, heads ${heads}, head size ${headSize}`;
    results.push(await check('attention probs', attnShape, got.probs!, want.probs!, 2e-6));
    results.push(await check('attention context', attnShape, got.context, want.context, 1e-5));

    // SPLADE pooling fused with the vocabulary projection.
    const vocab = random.int(1, 70);
    const decoderWeight = random.tensor([vocab, hidden]);
    const decoderBias = random.tensor([vocab], 0.5);
    const states = random.tensor([batch * seq, hidden]);
    const decoder = await backend.prepareLinear('test.decoder', decoderWeight, decoderBias);
    const refDecoder = await reference.prepareLinear('test.decoder', decoderWeight, decoderBias);
    results.push(await check(
      'spladePool',
      `batch ${batch}, seq ${seq}, hidden ${hidden}, vocab ${vocab}`,
      await backend.spladePool(states, decoder, tokens),
      await reference.spladePool(states, refDecoder, tokens),
      2e-6 * hidden + 1e-6,
    ));
  }
  return results;
}

/**
 * SPLADE pooling over bert-base's 30,522-term vocabulary (a small hidden size keeps it quick):
 * its decoder has more rows than a WebGL texture has pixels on a side.
 */
export async function checkLargeVocabulary(backend: Backend, reference: Backend): Promise<OpCheck> {
  const random = new Random(3);
  const [vocab, hidden, seq] = [30522, 16, 3];
  const weight = random.tensor([vocab, hidden]);
  const bias = random.tensor([vocab], 0.5);
  const states = random.tensor([seq, hidden]);
  const tokens: TokenLayout = { batch: 1, seq, mask: Uint8Array.from([1, 1, 1]) };
  const got = await backend.spladePool(states, await backend.prepareLinear('decoder', weight, bias), tokens);
  const want = await reference.spladePool(states, await reference.prepareLinear('decoder', weight, bias), tokens);
  return check('spladePool', `vocab ${vocab}, hidden ${hidden}`, got, want, 2e-6 * hidden + 1e-6);
}

/** The failed checks as readable lines. */
export function describeFailures(results: readonly OpCheck[]): string[] {
  return results.filter((r) => !r.ok).map((r) => `${r.op} (${r.shape}): max error ${r.maxError} > ${r.tolerance}`);
}
