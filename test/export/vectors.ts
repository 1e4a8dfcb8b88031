// Random sparse vectors for the export tests (seeded: the same every run).
import { mulberry32 } from '../../tools/random.js';
import type { SparseVector } from '../../src/splade/sparse-vector.js';

/** `count` vectors over `dimensions` terms, each with up to `maxTerms` positive float32 weights. */
export function randomVectors(count: number, dimensions: number, maxTerms: number, seed: number): SparseVector[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const terms = new Set<number>();
    const want = 1 + Math.floor(random() * maxTerms);
    while (terms.size < want) terms.add(Math.floor(random() * dimensions));
    const indices = Uint32Array.from([...terms].sort((a, b) => a - b));
    const values = Float32Array.from(indices, () => 0.01 + 3 * random());
    return { indices, values };
  });
}

/** vectors.jsonl text, as splade encode --output writes it. */
export function vectorsJsonl(ids: ReadonlyArray<string | number>, vectors: readonly SparseVector[]): string {
  return vectors.map((v, k) => `${JSON.stringify({ id: ids[k], indices: Array.from(v.indices), values: Array.from(v.values) })}\n`).join('');
}
