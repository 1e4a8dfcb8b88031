// Pruning a SPLADE vector, as OpenSearch's neural-search PruneUtils defines it:
// - top_k:N       keep the N heaviest terms
// - max_ratio:R   keep the terms whose weight / the largest weight >= R (0 < R < 1)
// - alpha_mass:A  keep the heaviest terms until their sum reaches A of the total (0 < A < 1;
//                 the term that reaches it is kept)
// - abs_value:V   keep the terms of weight >= V (V > 0)
// Thresholds compare in float32, as Java's floats do. sentence-transformers' `max_active_dims`
// is top_k. Special-token dimensions can be dropped (OpenSearch's reference code zeroes them in
// documents).
import { SpladeError } from '../errors.js';
import { pruneTopK, sparseVector, type SparseVector } from './sparse-vector.js';

/** The pruning types of OpenSearch. */
export const PRUNE_TYPES = ['top_k', 'max_ratio', 'alpha_mass', 'abs_value'] as const;
export type PruneType = (typeof PRUNE_TYPES)[number];

/** One of OpenSearch's prunings: `{ type: 'top_k', value: 64 }`, `{ type: 'max_ratio', value: 0.1 }`, ... */
export interface Prune {
  readonly type: PruneType;
  readonly value: number;
}

/** A pruning that OpenSearch would refuse (its isValidPruneRatio), or a malformed one. */
export class PruneError extends SpladeError {}

/** Checks a pruning as OpenSearch's isValidPruneRatio does. */
export function checkPrune(prune: Prune): Prune {
  const { type, value } = prune;
  if (!(PRUNE_TYPES as readonly string[]).includes(type)) throw new PruneError(`prune type must be one of ${PRUNE_TYPES.join(', ')}, got '${type}'`);
  const ok = type === 'top_k' ? Number.isInteger(value) && value > 0
    : type === 'abs_value' ? Number.isFinite(value) && value > 0
      : value > 0 && value < 1;
  if (!ok) {
    const what = type === 'top_k' ? 'a positive integer' : type === 'abs_value' ? 'a positive number' : 'a number strictly between 0 and 1';
    throw new PruneError(`prune ${type} needs ${what}, got ${value}`);
  }
  return prune;
}

/**
 * Parses `type:value` (the CLI's --prune), e.g. `top_k:64`, `max_ratio:0.1`.
 * @throws PruneError (a SpladeError) for malformed text or a value OpenSearch would refuse
 */
export function parsePrune(text: string): Prune {
  const match = /^([a-z_]+):(.+)$/.exec(text);
  if (!match) throw new PruneError(`prune must be TYPE:VALUE (${PRUNE_TYPES.map((t) => `${t}:N`).join(', ')}), got '${text}'`);
  const value = Number(match[2]);
  if (match[2].trim() === '' || Number.isNaN(value)) throw new PruneError(`prune value must be a number, got '${match[2]}'`);
  return checkPrune({ type: match[1] as PruneType, value });
}

/**
 * The vector pruned as OpenSearch's PruneUtils.pruningSparseVector does (terms stay sorted by id).
 * @throws PruneError (a SpladeError) for a pruning OpenSearch would refuse (see checkPrune)
 */
export function pruneVector(vector: SparseVector, prune: Prune): SparseVector {
  const { type, value } = checkPrune(prune);
  const { indices, values } = vector;
  if (type === 'top_k') return pruneTopK(vector, value);
  const keep = (predicate: (weight: number, k: number) => boolean): SparseVector => {
    const kept = Array.from(indices.keys()).filter((k) => predicate(values[k], k));
    return sparseVector(kept.map((k) => indices[k]), kept.map((k) => values[k]));
  };
  if (type === 'abs_value') return keep((w) => w >= Math.fround(value));
  if (type === 'max_ratio') {
    let max = 0;
    for (const w of values) max = Math.max(max, w);
    return keep((w) => Math.fround(w / max) >= Math.fround(value));
  }
  // alpha_mass: in float32 as Java's float arithmetic, heaviest first (ties by id).
  const order = Array.from(indices.keys()).sort((a, b) => values[b] - values[a] || indices[a] - indices[b]);
  let total = 0;
  for (const w of values) total += w;
  const sum = Math.fround(total);
  let top = 0;
  const kept = new Set<number>();
  for (const k of order) {
    top = Math.fround(top + values[k]);
    kept.add(k);
    if (Math.fround(top / sum) >= Math.fround(value)) break;
  }
  return keep((_, k) => kept.has(k));
}

/** The vector without the dimensions of `ids` (special tokens). */
export function dropTerms(vector: SparseVector, ids: ReadonlySet<number>): SparseVector {
  const kept = Array.from(vector.indices.keys()).filter((k) => !ids.has(vector.indices[k]));
  return sparseVector(kept.map((k) => vector.indices[k]), kept.map((k) => vector.values[k]));
}
