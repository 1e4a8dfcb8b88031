// One case of each op run on the backend under test and on the reference, on the same seeded
// inputs, compared within the bounds of bounds.ts. Every op returns its OpChecks; inputs are
// checked unchanged afterwards (the Backend contract: ops never modify what they are given).
import { runInScope, type Activation, type Backend, type TokenLayout } from '../../../src/tensor/backend.js';
import { ReferenceBackend } from '../../../src/tensor/reference/reference-backend.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { mulberry32, randomFloats } from '../../../tools/random.js';
import {
  activationBound, attentionContextBounds, attentionProbBounds, attentionRowErrors, layerNormBounds, linearBounds, spladePoolBounds,
} from './bounds.js';
import { type Batch, type OpCase, describeCase } from './cases.js';
import { compare, problem, type OpCheck } from './compare.js';

export const ACTIVATIONS: readonly Activation[] = ['none', 'gelu', 'gelu_tanh', 'quick_gelu', 'relu', 'silu'];

const reference = new ReferenceBackend();

/** Seeded inputs for one case: every tensor of a case drawn from the case's own sequence. */
class Inputs {
  private readonly random: () => number;
  private readonly made: Array<[string, Tensor, Float32Array]> = [];
  constructor(seed: number) {
    this.random = mulberry32(seed);
  }
  tensor(name: string, shape: number[], scale = 1, offset = 0): Tensor {
    const data = randomFloats(this.random, shape.reduce((a, b) => a * b, 1), scale).map((v) => v + offset);
    const t = new Tensor(shape, data);
    this.made.push([name, t, data.slice()]);
    return t;
  }
  /** Checks that no input changed; one OpCheck per changed tensor. */
  unchanged(op: string, shape: string): OpCheck[] {
    return this.made
      .filter(([, t, copy]) => t.data.some((v, i) => !Object.is(v, copy[i])))
      .map(([name]) => problem(op, shape, `modified its input ${name}`));
  }
}

function absolute(t: Tensor): Tensor {
  return new Tensor(t.shape, t.data.map(Math.abs));
}

function layout(batch: Batch): TokenLayout {
  const seq = batch.seq ?? Math.max(1, ...batch.lengths);
  const mask = new Uint8Array(batch.lengths.length * seq);
  batch.lengths.forEach((n, b) => mask.fill(1, b * seq, b * seq + n));
  return { batch: batch.lengths.length, seq, mask };
}

/**
 * Compares, then hands the backend's result back (Backend.release) poisoned with NaN, as the
 * model hands back an activation it is done with: a later op that gets the buffer again fails
 * its case unless the backend clears or fully overwrites it.
 */
async function check(
  backend: Backend, op: string, shape: string, actual: Tensor | undefined, expected: Tensor, bounds: Float64Array | number,
): Promise<OpCheck> {
  const result = await compare(op, shape, actual, expected, bounds);
  if (actual && backend.release) {
    actual.data.fill(Number.NaN);
    backend.release(actual);
  }
  return result;
}

type Runner<C extends OpCase> = (backend: Backend, c: C, inputs: Inputs, shape: string) => Promise<OpCheck[]>;

const linear: Runner<Extract<OpCase, { op: 'linear' }>> = async (backend, c, inputs, shape) => {
  const [x, w, b] = [inputs.tensor('x', [c.rows, c.inF], 2), inputs.tensor('weight', [c.outF, c.inF], 0.5), inputs.tensor('bias', [c.outF])];
  const results: OpCheck[] = [];
  for (const [bias, label] of [[b, ''], [undefined, ' without bias']] as const) {
    const layer = await backend.prepareLinear('conformance.dense', w, bias);
    if (layer.inFeatures !== c.inF || layer.outFeatures !== c.outF) {
      results.push(problem('prepareLinear', shape, `handle says [${layer.outFeatures}, ${layer.inFeatures}]`));
    }
    const mine = reference.prepareLinear('r', w, bias);
    const pre = reference.linear(x, mine).data;
    const magnitude = reference.linear(absolute(x), reference.prepareLinear('m', absolute(w), bias && absolute(bias))).data;
    for (const activation of bias ? ACTIVATIONS : (['none'] as const)) {
      const bounds = linearBounds(c.inF, magnitude, pre, activation);
      results.push(await check(backend, `linear ${activation}${label}`, shape, await backend.linear(x, layer, activation), reference.linear(x, mine, activation), bounds));
    }
    // linearNorm (optional) is the backend's own linear then layerNorm in one op: equal to them exactly.
    if (backend.linearNorm) {
      const residual = inputs.tensor(`residual${label}`, [c.rows, c.outF]);
      const norm = { gamma: inputs.tensor(`gamma${label}`, [c.outF], 1, 1), beta: inputs.tensor(`beta${label}`, [c.outF]), eps: 1e-12 };
      const expected = await backend.layerNorm(await backend.linear(x, layer), residual, norm.gamma, norm.beta, norm.eps);
      results.push(await check(backend, `linearNorm${label}`, shape, await backend.linearNorm(x, layer, residual, norm), expected, 0));
    }
    // linears (optional) is the backend's own linear of each layer in one op: equal to it exactly.
    if (backend.linears) {
      const other = await backend.prepareLinear('conformance.other', inputs.tensor(`other${label}`, [c.outF, c.inF], 0.5), bias);
      const [first, second] = await backend.linears(x, [layer, other]);
      results.push(await check(backend, `linears, first layer${label}`, shape, first, await backend.linear(x, layer), 0));
      results.push(await check(backend, `linears, second layer${label}`, shape, second, await backend.linear(x, other), 0));
    }
  }
  return results;
};

// feedForward (optional) is the backend's own two linear ops (and, with a norm, its layerNorm
// of their result plus x) in one op: equal to them exactly (bound 0), whatever blocks of rows
// it takes them in.
const feedForward: Runner<Extract<OpCase, { op: 'feedForward' }>> = async (backend, c, inputs, shape) => {
  if (!backend.feedForward) return [];
  const x = inputs.tensor('x', [c.rows, c.hidden], 2);
  const upWeight = inputs.tensor('up', [c.intermediate, c.hidden], 0.5);
  const downWeight = inputs.tensor('down', [c.hidden, c.intermediate], 0.5);
  const up = await backend.prepareLinear('conformance.intermediate.dense', upWeight, inputs.tensor('upBias', [c.intermediate]));
  const down = await backend.prepareLinear('conformance.output.dense', downWeight, inputs.tensor('downBias', [c.hidden]));
  const projected = await backend.linear(await backend.linear(x, up, 'gelu'), down);
  const norm = { gamma: inputs.tensor('gamma', [c.hidden], 1, 1), beta: inputs.tensor('beta', [c.hidden]), eps: 1e-12 };
  const normalized = await backend.layerNorm(projected, x, norm.gamma, norm.beta, norm.eps);
  return [
    await check(backend, 'feedForward gelu', shape, await backend.feedForward(x, up, down, 'gelu'), projected, 0),
    await check(backend, 'feedForward gelu + residual LayerNorm', shape, await backend.feedForward(x, up, down, 'gelu', norm), normalized, 0),
  ];
};

const activate: Runner<Extract<OpCase, { op: 'activate' }>> = async (backend, c, inputs, shape) => {
  const x = inputs.tensor('x', [c.rows, c.cols], c.scale);
  const results: OpCheck[] = [];
  for (const activation of ACTIVATIONS) {
    const bounds = Float64Array.from(x.data, (value) => activationBound(activation, value));
    results.push(await check(backend, `activate ${activation}`, shape, await backend.activate(x, activation), reference.activate(x, activation), bounds));
  }
  return results;
};

// add, gather and gatherLinearRows have a bound of 0: one float32 rounding of an exact sum
// (the reference's double sum of two floats rounds to the same float), and copies.
const add: Runner<Extract<OpCase, { op: 'add' }>> = async (backend, c, inputs, shape) => {
  const [a, b] = [inputs.tensor('a', [c.rows, c.cols], 3), inputs.tensor('b', [c.rows, c.cols], 3)];
  return [await check(backend, 'add', shape, await backend.add(a, b), reference.add(a, b), 0)];
};

const gather: Runner<Extract<OpCase, { op: 'gather' }>> = async (backend, c, inputs, shape) => {
  const table = inputs.tensor('table', [c.tableRows, c.cols]);
  const ids = Int32Array.from(c.ids);
  return [await check(backend, 'gather', shape, await backend.gather(table, ids), reference.gather(table, ids), 0)];
};

const gatherLinearRows: Runner<Extract<OpCase, { op: 'gatherLinearRows' }>> = async (backend, c, inputs, shape) => {
  if (!backend.gatherLinearRows) return []; // optional: only backends that copy linear weights
  const weight = inputs.tensor('weight', [c.outF, c.inF]);
  const ids = Int32Array.from(c.ids);
  const layer = await backend.prepareLinear('conformance.tied', weight, inputs.tensor('bias', [c.outF]));
  return [await check(backend, 'gatherLinearRows', shape, await backend.gatherLinearRows(layer, ids), reference.gather(weight, ids), 0)];
};

const layerNorm: Runner<Extract<OpCase, { op: 'layerNorm' }>> = async (backend, c, inputs, shape) => {
  const [x, residual] = [inputs.tensor('x', [c.rows, c.cols], 3, c.offset), inputs.tensor('residual', [c.rows, c.cols])];
  const [gamma, beta] = [inputs.tensor('gamma', [c.cols], 1, 1), inputs.tensor('beta', [c.cols])];
  const results: OpCheck[] = [];
  for (const [r, eps, label] of [[null, 1e-12, 'layerNorm'], [residual, 1e-5, 'layerNorm + residual']] as const) {
    const bounds = layerNormBounds(x.data, r?.data ?? null, gamma.data, beta.data, c.cols, eps);
    results.push(await check(backend, label, shape, await backend.layerNorm(x, r, gamma, beta, eps), reference.layerNorm(x, r, gamma, beta, eps), bounds));
  }
  return results;
};

const attention: Runner<Extract<OpCase, { op: 'attention' }>> = async (backend, c, inputs, shape) => {
  const tokens = layout(c.batch);
  const sizes = { batch: tokens.batch, seq: tokens.seq, heads: c.heads, headSize: c.headSize };
  const rowShape = [tokens.batch * tokens.seq, c.heads * c.headSize];
  const [q, k, v] = [inputs.tensor('query', rowShape, 2), inputs.tensor('key', rowShape, 2), inputs.tensor('value', rowShape)];
  const want = reference.attention(q, k, v, tokens, { numHeads: c.heads, keepProbs: true });
  const rho = attentionRowErrors(q.data, k.data, tokens.mask, sizes);
  const contextBounds = attentionContextBounds(reference.attention(q, k, absolute(v), tokens, { numHeads: c.heads, keepProbs: false }).context.data, rho, sizes);
  const results: OpCheck[] = [];
  for (const keepProbs of [true, false]) {
    const got = await backend.attention(q, k, v, tokens, { numHeads: c.heads, keepProbs });
    const label = keepProbs ? 'attention' : 'attention without probs';
    results.push(await check(backend, `${label}: context`, shape, got.context, want.context, contextBounds));
    if (keepProbs) results.push(await check(backend, `${label}: probs`, shape, got.probs, want.probs!, attentionProbBounds(want.probs!.data, rho, tokens.seq)));
  }
  if (backend.selfAttention) results.push(...(await selfAttention(backend, c, inputs, shape)));
  return results;
};

// selfAttention (optional) is the backend's own linears (query, key, value) then attention in
// one op: equal to them exactly (bound 0), context and probabilities.
async function selfAttention(backend: Backend, c: Extract<OpCase, { op: 'attention' }>, inputs: Inputs, shape: string): Promise<OpCheck[]> {
  const tokens = layout(c.batch);
  const hidden = c.heads * c.headSize;
  const x = inputs.tensor('hidden states', [tokens.batch * tokens.seq, hidden], 2);
  const project = async (name: string) =>
    backend.prepareLinear(`conformance.${name}`, inputs.tensor(`${name} weight`, [hidden, hidden], 0.5), inputs.tensor(`${name} bias`, [hidden], 0.5));
  const projections = { query: await project('query'), key: await project('key'), value: await project('value') };
  const results: OpCheck[] = [];
  for (const keepProbs of [true, false]) {
    const options = { numHeads: c.heads, keepProbs };
    const label = keepProbs ? 'selfAttention' : 'selfAttention without probs';
    const [q, k, v] = await Promise.all([projections.query, projections.key, projections.value].map((l) => backend.linear(x, l)));
    const want = await backend.attention(q, k, v, tokens, options);
    const got = await backend.selfAttention!(x, projections, tokens, options);
    results.push(await check(backend, `${label}: context`, shape, got.context, want.context, 0));
    if (keepProbs) results.push(await check(backend, `${label}: probs`, shape, got.probs, want.probs!, 0));
  }
  return results;
}

const spladePool: Runner<Extract<OpCase, { op: 'spladePool' }>> = async (backend, c, inputs, shape) => {
  const tokens = layout(c.batch);
  const states = inputs.tensor('hidden', [tokens.batch * tokens.seq, c.hidden], 2);
  const [w, b] = [inputs.tensor('decoder', [c.vocab, c.hidden], 0.5), inputs.tensor('decoder bias', [c.vocab], 0.5)];
  const want = reference.spladePool(states, reference.prepareLinear('r', w, b), tokens);
  const magnitude = reference.linear(absolute(states), reference.prepareLinear('m', absolute(w), absolute(b))).data;
  const bounds = spladePoolBounds(c.hidden, magnitude, tokens.mask, tokens.batch, tokens.seq, want.data);
  const got = await backend.spladePool(states, await backend.prepareLinear('conformance.decoder', w, b), tokens);
  return [await check(backend, 'spladePool', shape, got, want, bounds)];
};

/** Runs one case; a throw is reported as the case's failure, never lost. */
export async function runCase(backend: Backend, c: OpCase, seed: number): Promise<OpCheck[]> {
  const shape = describeCase(c);
  const inputs = new Inputs(seed);
  try {
    // Every case runs in the backend's forward-pass scope, as the model runs its ops: results
    // are compared inside it, and a scope that released too early would fail them.
    const results = await runInScope(backend, () => runners[c.op](backend, c as never, inputs, shape));
    return [...results, ...inputs.unchanged(c.op, shape)];
  } catch (error) {
    return [problem(c.op, shape, `threw ${(error as Error).message}`)];
  }
}

const runners: { [K in OpCase['op']]: Runner<Extract<OpCase, { op: K }>> } = {
  linear, feedForward, activate, add, layerNorm, gather, gatherLinearRows, attention, spladePool,
};
