// The SPLADE output: a sparse vector over the vocabulary, as sorted term ids and weights.
import { SpladeError } from '../errors.js';

/** A sparse vector: term ids in ascending order and their weights (all non-zero). */
export interface SparseVector {
  readonly indices: Uint32Array;
  readonly values: Float32Array;
}

/** A sparse vector that breaks the rules (unsorted, repeated or mismatched indices, a NaN weight). */
export class SparseVectorError extends SpladeError {}

/**
 * Refuses a vector the helpers would read wrongly without a word: a merge over unsorted ids
 * misses shared terms, mismatched lengths read past the weights, and NaN sorts nowhere.
 * @param where the function and argument, for the message (`dot: a`)
 */
function checkVector(vector: SparseVector, where: string): void {
  const { indices, values } = vector;
  if (indices.length !== values.length) {
    throw new SparseVectorError(`${where}: ${indices.length} indices but ${values.length} values`);
  }
  for (let k = 0; k < indices.length; k++) {
    if (k > 0 && !(indices[k] > indices[k - 1])) {
      throw new SparseVectorError(`${where}: index ${indices[k]} at position ${k} is not above index ${indices[k - 1]} before it (indices must ascend, each once: sparseVector() sorts them)`);
    }
    if (!Number.isFinite(values[k])) throw new SparseVectorError(`${where}: the value at position ${k} (index ${indices[k]}) is ${values[k]}`);
  }
}

/**
 * The entries of a dense vector above `threshold` (default 0: every active term).
 * @param dense e.g. one row of the SPLADE output [vocab]
 */
export function sparseFromDense(dense: ArrayLike<number>, threshold = 0): SparseVector {
  let count = 0;
  for (let i = 0; i < dense.length; i++) if (dense[i] > threshold) count++;
  const indices = new Uint32Array(count);
  const values = new Float32Array(count);
  let k = 0;
  for (let i = 0; i < dense.length; i++) {
    if (dense[i] > threshold) {
      indices[k] = i;
      values[k] = dense[i];
      k++;
    }
  }
  return { indices, values };
}

/**
 * Builds a sparse vector from (possibly unsorted) ids and weights, checking that the ids are
 * distinct non-negative integers and the weights finite; zero weights are dropped.
 * @throws SparseVectorError naming the position at fault
 */
export function sparseVector(indices: ArrayLike<number>, values: ArrayLike<number>): SparseVector {
  if (indices.length !== values.length) {
    throw new SparseVectorError(`sparseVector: ${indices.length} indices but ${values.length} values`);
  }
  const order = Array.from({ length: indices.length }, (_, i) => i).sort((a, b) => indices[a] - indices[b]);
  const kept = order.filter((i) => values[i] !== 0);
  const out = { indices: new Uint32Array(kept.length), values: new Float32Array(kept.length) };
  kept.forEach((from, k) => {
    const index = indices[from];
    if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) {
      throw new SparseVectorError(`sparseVector: index ${index} at position ${from} is not a term id`);
    }
    if (k > 0 && out.indices[k - 1] === index) throw new SparseVectorError(`sparseVector: index ${index} appears twice`);
    if (!Number.isFinite(values[from])) throw new SparseVectorError(`sparseVector: the value at position ${from} (index ${index}) is ${values[from]}`);
    out.indices[k] = index;
    out.values[k] = values[from];
  });
  return out;
}

/**
 * The dot product of two sparse vectors (the SPLADE relevance score of query and document).
 * @throws SparseVectorError for a malformed vector: unsorted or repeated indices, lengths that
 *   differ, a weight that is NaN or infinite (as for pruneTopK, pruneThreshold and decode)
 */
export function dot(a: SparseVector, b: SparseVector): number {
  checkVector(a, 'dot: a');
  checkVector(b, 'dot: b');
  let sum = 0;
  let i = 0;
  let j = 0;
  while (i < a.indices.length && j < b.indices.length) {
    if (a.indices[i] === b.indices[j]) sum += a.values[i++] * b.values[j++];
    else if (a.indices[i] < b.indices[j]) i++;
    else j++;
  }
  return sum;
}

/** Keeps the positions `keep` (ascending) of a vector. */
function select(vector: SparseVector, keep: number[]): SparseVector {
  return {
    indices: Uint32Array.from(keep, (k) => vector.indices[k]),
    values: Float32Array.from(keep, (k) => vector.values[k]),
  };
}

/** Positions of the vector's entries by decreasing weight (ties: smaller term id first). */
function byWeight(vector: SparseVector): number[] {
  return Array.from(vector.indices, (_, k) => k).sort((a, b) => vector.values[b] - vector.values[a] || a - b);
}

function checkTopK(k: number): number {
  if (!Number.isInteger(k) || k < 0) throw new SparseVectorError(`top-k must be a non-negative integer, got ${k}`);
  return k;
}

/**
 * The `k` heaviest terms (all of them when k is at least the count; none for 0), still sorted
 * by id.
 * @throws SparseVectorError when k is not a non-negative integer, or for a malformed vector
 */
export function pruneTopK(vector: SparseVector, k: number): SparseVector {
  checkVector(vector, 'pruneTopK');
  checkTopK(k);
  if (k >= vector.indices.length) return vector;
  return select(vector, byWeight(vector).slice(0, k).sort((a, b) => a - b));
}

/**
 * The terms whose weight is above `threshold`.
 * @throws SparseVectorError for a threshold that is NaN or no number, or a malformed vector
 */
export function pruneThreshold(vector: SparseVector, threshold: number): SparseVector {
  checkVector(vector, 'pruneThreshold');
  // NaN would keep nothing, silently.
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new SparseVectorError(`pruneThreshold: threshold must be a number, got ${String(threshold)}`);
  const keep: number[] = [];
  for (let k = 0; k < vector.values.length; k++) if (vector.values[k] > threshold) keep.push(k);
  return select(vector, keep);
}

/**
 * The vector as [token, weight] pairs, heaviest first: the model card's "bag of words".
 * @param tokenOf the vocabulary (e.g. `tokenizer.idToToken`); unknown ids read as `[id]`
 * @param options.topK at most this many pairs (default: all)
 * @throws SparseVectorError when topK is not a non-negative integer, or for a malformed vector
 */
export function decode(
  vector: SparseVector,
  tokenOf: (id: number) => string | undefined,
  options: { topK?: number } = {},
): Array<[token: string, weight: number]> {
  checkVector(vector, 'decode');
  let order = byWeight(vector);
  // Checked as pruneTopK checks it: slice(0, -1) would silently drop only the lightest term.
  if (options.topK !== undefined) order = order.slice(0, checkTopK(options.topK));
  return order.map((k) => [tokenOf(vector.indices[k]) ?? `[${vector.indices[k]}]`, vector.values[k]]);
}
