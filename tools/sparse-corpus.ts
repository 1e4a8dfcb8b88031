// Generated SPLADE-like sparse vectors for the search tests and benchmark: each document has
// a uniform number of distinct terms in [minTerms, maxTerms] out of a BERT-size vocabulary,
// drawn with Zipf-like frequencies (term of popularity rank r has probability ∝ 1/(r+10)^s,
// ranks scattered over the ids by a fixed permutation), and positive float32 weights skewed
// towards small values and larger for rarer terms, as SPLADE's log(1 + relu) weights are (they
// act like IDF: frequent words weigh little). Deterministic for a seed.
import { mulberry32 } from './random.js';

export interface SparseCorpusOptions {
  readonly seed: number;
  readonly vocab?: number;
  readonly minTerms?: number;
  readonly maxTerms?: number;
  /** Zipf exponent (default 1). */
  readonly skew?: number;
  /** Weights are drawn from this many distinct values when set (to provoke equal scores). */
  readonly weightLevels?: number;
}

export interface SparseDoc {
  readonly id: string;
  readonly indices: Uint32Array;
  readonly values: Float32Array;
}

/** Draws term ids by the Zipf table; `rarity` of an id is in [0, 1): 0 for the most frequent. */
function termSampler(vocab: number, skew: number, random: () => number): { sample: () => number; rarity: Float64Array } {
  const cdf = new Float64Array(vocab);
  let total = 0;
  for (let r = 0; r < vocab; r++) cdf[r] = total += 1 / Math.pow(r + 10, skew);
  const permutation = Uint32Array.from({ length: vocab }, (_, i) => i);
  const shuffle = mulberry32(0x5eed);
  for (let i = vocab - 1; i > 0; i--) {
    const j = Math.floor(shuffle() * (i + 1));
    [permutation[i], permutation[j]] = [permutation[j], permutation[i]];
  }
  const rarity = new Float64Array(vocab);
  permutation.forEach((id, rank) => (rarity[id] = Math.log(rank + 10) / Math.log(vocab + 10)));
  const sample = (): number => {
    const x = random() * total;
    let lo = 0;
    let hi = vocab - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return permutation[lo];
  };
  return { sample, rarity };
}

/** An endless deterministic stream of vectors; take as many as needed. */
export function* sparseVectors(options: SparseCorpusOptions, idPrefix = 'doc'): Generator<SparseDoc> {
  const vocab = options.vocab ?? 30522;
  const minTerms = options.minTerms ?? 100;
  const maxTerms = options.maxTerms ?? 200;
  const random = mulberry32(options.seed);
  const { sample, rarity } = termSampler(vocab, options.skew ?? 1, random);
  const chosen = new Set<number>();
  for (let n = 0; ; n++) {
    const count = Math.min(vocab, minTerms + Math.floor(random() * (maxTerms - minTerms + 1)));
    chosen.clear();
    while (chosen.size < count) chosen.add(sample());
    const indices = Uint32Array.from(chosen).sort();
    const values = new Float32Array(count);
    for (let k = 0; k < count; k++) {
      const u = random();
      values[k] = options.weightLevels
        ? (1 + Math.floor(u * options.weightLevels)) / 4
        : 0.01 + (0.2 + 2.8 * rarity[indices[k]] ** 2) * u * u;
    }
    yield { id: `${idPrefix}${n}`, indices, values };
  }
}
/** The first `count` vectors of a stream. */
export function takeVectors(count: number, options: SparseCorpusOptions, idPrefix = 'doc'): SparseDoc[] {
  const out: SparseDoc[] = [];
  for (const doc of sparseVectors(options, idPrefix)) {
    if (out.length === count) break;
    out.push(doc);
  }
  return out;
}

/** A vector as the JSON line `splade encode` writes. */
export function vectorLine(doc: SparseDoc): string {
  return `{"id":${JSON.stringify(doc.id)},"indices":[${doc.indices.join(',')}],"values":[${doc.values.join(',')}]}`;
}
