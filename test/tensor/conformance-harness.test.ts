// The op-conformance harness (test/tensor/conformance/) checked on itself: it passes the
// reference against itself on every op, and it catches backends that are wrong in the ways
// kernels go wrong (a dropped term, a lost mask, a swapped activation, a row off by one, an
// input overwritten, a throw), naming the op, the shape and the element.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Activation, AttentionOptions, LinearHandle, TokenLayout } from '../../src/tensor/backend.js';
import { CpuBackend } from '../../src/tensor/cpu/cpu-backend.js';
import { WasmGemm } from '../../src/tensor/gemm/wasm-gemm.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { OPS_EXERCISED, checkConformance, describeFailures, type OpCheck } from './conformance/index.js';

/** The failures whose line starts with `prefix`, and whether all failures do. */
function failuresOf(results: OpCheck[], prefix: string): { matching: string[]; others: string[] } {
  const lines = describeFailures(results);
  return { matching: lines.filter((l) => l.startsWith(prefix)), others: lines.filter((l) => !l.startsWith(prefix)) };
}

test('the reference passes against itself, and every op of the Backend interface is exercised', async () => {
  const results = await checkConformance(new ReferenceBackend());
  assert.equal(describeFailures(results), []);
  const ops = new Set(results.map((r) => r.op.split(/[ :]/)[0]));
  for (const [op, cases] of Object.entries(OPS_EXERCISED)) {
    // Optional ops the reference has none of: checked on wasm-simd (below, and in op-conformance.test.ts).
    if (op === 'gatherLinearRows' || op === 'feedForward' || op === 'linearNorm') continue;
    assert.ok(cases.some((c) => ops.has(c)), `${op} is not exercised`);
  }
  assert.ok(results.length > 200, `${results.length} checks`);
});

test('a linear kernel that drops the last input feature fails, naming op, shape and element', async () => {
  class DropsLast extends ReferenceBackend {
    override prepareLinear(name: string, weight: Tensor, bias?: Tensor): LinearHandle {
      const [out, inF] = weight.shape;
      const w = weight.data.slice();
      if (inF > 1) for (let o = 0; o < out; o++) w[o * inF + inF - 1] = 0;
      return super.prepareLinear(name, new Tensor(weight.shape, w), bias);
    }
  }
  const results = await checkConformance(new DropsLast(), { ops: ['linear'] });
  const lines = describeFailures(results);
  // Every shape with more than one input feature fails; the line says where and by how much.
  assert.ok(lines.some((l) => /^linear none \(rows 7, in 33, out 65\): element \[\d+, \d+\] is -?[\d.e-]+, the reference -?[\d.e-]+ \(error [\d.e+-]+ > bound [\d.e+-]+\)$/.test(l)), lines.join('\n'));
  assert.not.ok(lines.some((l) => l.includes('(rows 1, in 1, out 1)')), 'a single feature has nothing to drop');
});

test('attention that ignores the padding mask fails on padded batches only', async () => {
  class MaskBlind extends ReferenceBackend {
    override attention(q: Tensor, k: Tensor, v: Tensor, tokens: TokenLayout, options: AttentionOptions) {
      return super.attention(q, k, v, { ...tokens, mask: new Uint8Array(tokens.mask.length).fill(1) }, options);
    }
  }
  const { matching, others } = failuresOf(await checkConformance(new MaskBlind(), { ops: ['attention'] }), 'attention');
  assert.ok(matching.some((f) => f.startsWith('attention: probs (lengths [7, 3, 1], 4 heads of 8)')), matching.join('\n'));
  assert.not.ok(matching.some((f) => f.includes('(lengths [5], 1 heads of 8)')), 'an unpadded sequence has no mask to lose');
  assert.equal(others, []);
});

test('the tanh GELU posing as the exact one fails activate gelu and nothing else', async () => {
  class Approximate extends ReferenceBackend {
    override activate(x: Tensor, activation: Activation) {
      return super.activate(x, activation === 'gelu' ? 'gelu_tanh' : activation);
    }
  }
  const { matching, others } = failuresOf(await checkConformance(new Approximate()), 'activate gelu (');
  assert.ok(matching.length > 0);
  assert.equal(others, []);
});

test('gatherLinearRows one row off fails; the optional op is checked where a backend has it', async () => {
  const engine = WasmGemm.create({ shared: false })!;
  const offByOne = new CpuBackend(engine);
  const right = offByOne.gatherLinearRows!;
  Object.defineProperty(offByOne, 'gatherLinearRows', {
    value: (layer: LinearHandle, ids: Int32Array) => right(layer, ids.map((id) => Math.min(id + 1, layer.outFeatures - 1))),
  });
  const results = await checkConformance(offByOne, { ops: ['gatherLinearRows'] });
  assert.ok(results.length >= 5, `${results.length} gatherLinearRows checks`);
  assert.ok(describeFailures(results).some((l) => l.startsWith('gatherLinearRows (25 rows of a prepared [7, 5])')), describeFailures(results).join('\n'));
  offByOne.dispose();
});

test('an op that writes into its input, or throws, is reported, and the other cases still run', async () => {
  class Careless extends ReferenceBackend {
    override add(a: Tensor, b: Tensor) {
      const sum = super.add(a, b);
      a.data[0] = 0;
      return sum;
    }
    override layerNorm(): Tensor {
      throw new Error('kernel exploded');
    }
  }
  const lines = describeFailures(await checkConformance(new Careless(), { ops: ['add', 'layerNorm', 'gather'] }));
  assert.ok(lines.includes('add ([9, 37]): modified its input a'), lines.join('\n'));
  assert.ok(lines.includes('layerNorm ([3, 5]): threw kernel exploded'), lines.join('\n'));
  assert.not.ok(lines.some((l) => l.startsWith('gather')));
});

test('the random shapes are the same for a seed and differ between seeds', async () => {
  const shapes = async (seed: number): Promise<string[]> =>
    (await checkConformance(new ReferenceBackend(), { fixed: false, seed, rounds: 2 })).map((r) => `${r.op} ${r.shape}`);
  assert.equal(await shapes(5), await shapes(5));
  assert.not.equal(await shapes(5), await shapes(6));
});

test.run();
