// Checks any Backend against the reference ReferenceBackend, op by op, on random inputs of awkward
// sizes (odd widths, padding, a sequence with no real token, several head sizes). Faster
// backends (WASM SIMD, gpu.js) run it in their tests:
//
//   const failures = await checkBackendConformance(new MyBackend());
//   assert.equal(failures, []);
import type { Activation, Backend, TokenLayout } from '../../src/tensor/backend.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** max |actual - expected| / max |expected|: float32 kernels with other summation orders stay far below. */
export const CONFORMANCE_TOLERANCE = 1e-5;

function random(shape: number[], seed: number, scale = 1): Tensor {
  const t = new Tensor(shape);
  let state = (seed * 2654435761) >>> 0;
  for (let i = 0; i < t.size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    t.data[i] = (state / 2 ** 31 - 1) * scale;
  }
  return t;
}

function compare(what: string, actual: Tensor | undefined, expected: Tensor, failures: string[]): void {
  if (!actual) {
    failures.push(`${what}: no result`);
    return;
  }
  if (actual.shape.join() !== expected.shape.join()) {
    failures.push(`${what}: shape [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]`);
    return;
  }
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.size; i++) {
    diff = Math.max(diff, Math.abs(actual.data[i] - expected.data[i]));
    scale = Math.max(scale, Math.abs(expected.data[i]));
  }
  const relative = scale === 0 ? diff : diff / scale;
  if (!(relative <= CONFORMANCE_TOLERANCE)) failures.push(`${what}: relative difference ${relative.toExponential(2)}`);
}

function layout(lengths: number[]): TokenLayout {
  const seq = Math.max(...lengths, 1);
  const mask = new Uint8Array(lengths.length * seq);
  lengths.forEach((n, b) => mask.fill(1, b * seq, b * seq + n));
  return { batch: lengths.length, seq, mask };
}

/** Runs every op of `backend` and of the reference on the same inputs; returns the mismatches. */
export async function checkBackendConformance(backend: Backend): Promise<string[]> {
  const ref = new ReferenceBackend();
  const failures: string[] = [];
  const activations: Activation[] = ['none', 'gelu', 'gelu_tanh', 'quick_gelu', 'relu', 'silu'];

  for (const [rows, inF, outF] of [[1, 8, 4], [7, 33, 65], [13, 64, 48], [128, 96, 130]]) {
    const x = random([rows, inF], rows + inF, 2);
    const w = random([outF, inF], outF, 0.5);
    const b = random([outF], inF);
    const mine = await backend.prepareLinear('conformance', w, b);
    const theirs = ref.prepareLinear('conformance', w, b);
    for (const act of activations) {
      compare(`linear ${rows}x${inF}->${outF} ${act}`, await backend.linear(x, mine, act), ref.linear(x, theirs, act), failures);
    }
    const noBias = await backend.prepareLinear('conformance.nobias', w);
    compare(`linear without bias ${rows}x${inF}->${outF}`, await backend.linear(x, noBias), ref.linear(x, ref.prepareLinear('n', w)), failures);
  }

  const x = random([9, 37], 1, 3);
  const y = random([9, 37], 2, 3);
  const gamma = random([37], 3);
  const beta = random([37], 4);
  for (const act of activations) compare(`activate ${act}`, await backend.activate(x, act), ref.activate(x, act), failures);
  compare('add', await backend.add(x, y), ref.add(x, y), failures);
  compare('layerNorm', await backend.layerNorm(x, null, gamma, beta, 1e-12), ref.layerNorm(x, null, gamma, beta, 1e-12), failures);
  compare('layerNorm + residual', await backend.layerNorm(x, y, gamma, beta, 1e-5), ref.layerNorm(x, y, gamma, beta, 1e-5), failures);
  const table = random([50, 12], 5);
  const ids = Int32Array.from([0, 49, 7, 7, 3]);
  compare('gather', await backend.gather(table, ids), ref.gather(table, ids), failures);

  for (const [lengths, heads, headSize] of [[[5], 1, 8], [[7, 3, 1], 4, 8], [[12, 0, 5], 3, 12], [[16, 16], 2, 64]] as Array<[number[], number, number]>) {
    const tokens = layout(lengths);
    const rows = tokens.batch * tokens.seq;
    const hidden = heads * headSize;
    const [q, k, v] = [random([rows, hidden], 6, 2), random([rows, hidden], 7, 2), random([rows, hidden], 8)];
    const what = `attention lengths [${lengths.join(', ')}], ${heads} heads of ${headSize}`;
    const mine = await backend.attention(q, k, v, tokens, { numHeads: heads, keepProbs: true });
    const theirs = ref.attention(q, k, v, tokens, { numHeads: heads, keepProbs: true });
    compare(`${what}: context`, mine.context, theirs.context, failures);
    compare(`${what}: probs`, mine.probs, theirs.probs!, failures);
    const withoutProbs = await backend.attention(q, k, v, tokens, { numHeads: heads, keepProbs: false });
    compare(`${what}: context without probs`, withoutProbs.context, theirs.context, failures);
  }

  for (const [lengths, hidden, vocab] of [[[4], 16, 100], [[9, 2, 0], 24, 1031], [[30, 17], 64, 3000]] as Array<[number[], number, number]>) {
    const tokens = layout(lengths);
    const states = random([tokens.batch * tokens.seq, hidden], 9, 2);
    const w = random([vocab, hidden], 10, 0.5);
    const b = random([vocab], 11, 0.5);
    compare(
      `spladePool lengths [${lengths.join(', ')}], hidden ${hidden}, vocab ${vocab}`,
      await backend.spladePool(states, await backend.prepareLinear('decoder', w, b), tokens),
      ref.spladePool(states, ref.prepareLinear('decoder', w, b), tokens),
      failures,
    );
  }
  return failures;
}
