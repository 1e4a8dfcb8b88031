import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SparseVectorError, decode, dot, pruneThreshold, pruneTopK, sparseFromDense, sparseVector } from '../../src/splade/index.js';

const v = sparseFromDense(Float32Array.from([0, 0.5, 0, 2, 0.25, 0, 1]));

test('sparseFromDense keeps the positive entries in id order', () => {
  assert.equal(Array.from(v.indices), [1, 3, 4, 6]);
  assert.equal(Array.from(v.values), [0.5, 2, 0.25, 1]);
  assert.equal(Array.from(sparseFromDense([0.1, 0.3], 0.2).indices), [1]);
});

test('sparseVector sorts, drops zeros and rejects repeated or bad ids', () => {
  const s = sparseVector([9, 2, 5], [1, 3, 0]);
  assert.equal(Array.from(s.indices), [2, 9]);
  assert.equal(Array.from(s.values), [3, 1]);
  // Each message names the function, as dot's, pruneTopK's and decode's do (not 'sparse vector').
  assert.throws(() => sparseVector([1, 1], [1, 2]), (e: unknown) => e instanceof SparseVectorError && /^sparseVector: index 1 appears twice/.test(e.message));
  assert.throws(() => sparseVector([-1], [1]), (e: unknown) => e instanceof SparseVectorError && /^sparseVector: index -1 at position 0 /.test(e.message));
  assert.throws(() => sparseVector([1], [1, 2]), (e: unknown) => e instanceof SparseVectorError && /^sparseVector: 1 indices but 2 values/.test(e.message));
});

test('dot multiplies the shared terms only', () => {
  const w = sparseVector([3, 6, 7], [2, -1, 100]);
  assert.is(dot(v, w), 2 * 2 + 1 * -1);
  assert.is(dot(w, v), dot(v, w));
  assert.is(dot(v, sparseVector([], [])), 0);
});

test('pruneTopK keeps the heaviest terms, still sorted by id', () => {
  const top = pruneTopK(v, 2);
  assert.equal(Array.from(top.indices), [3, 6]);
  assert.equal(Array.from(top.values), [2, 1]);
  assert.is(pruneTopK(v, 10), v);
  assert.throws(() => pruneTopK(v, -1), (e: unknown) => e instanceof SparseVectorError);
});

test('pruneThreshold keeps weights above the threshold', () => {
  assert.equal(Array.from(pruneThreshold(v, 0.5).indices), [3, 6]);
});

test('decode lists tokens by decreasing weight, topK and unknown ids', () => {
  const vocab = ['a', 'b', 'c', 'd', 'e'];
  assert.equal(decode(v, (id) => vocab[id]), [['d', 2], ['[6]', 1], ['b', 0.5], ['e', 0.25]]);
  assert.equal(decode(v, (id) => vocab[id], { topK: 1 }), [['d', 2]]);
  assert.equal(decode(v, (id) => vocab[id], { topK: 0 }), []);
  // A negative or fractional topK is a mistake, not "all but the lightest" (slice(0, -1)).
  for (const topK of [-1, 1.5, Number.NaN]) assert.throws(() => decode(v, (id) => vocab[id], { topK }), (e: unknown) => e instanceof SparseVectorError);
});

test('the helpers refuse a malformed vector, naming the argument and position, instead of a wrong answer', () => {
  const malformed = (indices: number[], values: number[]) => ({ indices: Uint32Array.from(indices), values: Float32Array.from(values) });
  const cases: Array<[ReturnType<typeof malformed>, RegExp]> = [
    [malformed([5, 2], [1, 2]), /index 2 at position 1 is not above index 5 before it \(indices must ascend, each once: sparseVector\(\) sorts them\)/],
    [malformed([2, 2], [1, 2]), /index 2 at position 1 is not above index 2 before it/],
    [malformed([1, 2, 3], [1]), /3 indices but 1 values/],
    [malformed([1, 2], [Number.NaN, 1]), /the value at position 0 \(index 1\) is NaN/],
    [malformed([1], [Number.POSITIVE_INFINITY]), /the value at position 0 \(index 1\) is Infinity/],
  ];
  const well = sparseVector([2, 5], [1, 1]);
  const calls: Array<[string, (x: ReturnType<typeof malformed>) => unknown]> = [
    ['dot: a', (x) => dot(x, well)],
    ['dot: b', (x) => dot(well, x)],
    ['pruneTopK', (x) => pruneTopK(x, 1)],
    ['pruneThreshold', (x) => pruneThreshold(x, 0)],
    ['decode', (x) => decode(x, String)],
  ];
  for (const [name, call] of calls) {
    for (const [vector, message] of cases) {
      assert.throws(() => call(vector), (e: unknown) => e instanceof SparseVectorError && e.message.startsWith(`${name}: `) && message.test(e.message), `${name} ${message}`);
    }
  }
  assert.throws(() => sparseVector([1, 2], [Number.NaN, 1]), (e: unknown) => e instanceof SparseVectorError && /sparseVector: the value at position 0 \(index 1\) is NaN/.test(e.message));
  assert.throws(() => pruneThreshold(v, Number.NaN), (e: unknown) => e instanceof SparseVectorError && /threshold must be a number, got NaN/.test(e.message));
});

test.run();
