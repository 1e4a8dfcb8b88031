// A seeded randomized differential test of SparseIndex.search: MaxScore with block-max bounds
// (float32 and u8 impacts) against the exhaustive path and the brute force, on corpora shaped to
// stress pruning: few weight levels (thousands of exact ties), one term with a huge weight,
// very long and very short documents, tiny blocks, topK 0, 1 and past the corpus, queries with
// out-of-vocabulary terms, zero weights and no terms at all. Results, scores and tie order
// must be equal exactly, as docs/search.md promises.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { QueryError, SparseIndex, buildIndex } from '../../src/search/index.js';
import { mulberry32, randomInt } from '../../tools/random.js';
import { bruteForce, type Doc } from './brute-force.js';

interface Vector {
  readonly indices: Uint32Array;
  readonly values: Float32Array;
}

interface Shape {
  readonly name: string;
  readonly docs: number;
  readonly vocab: number;
  /** Terms of a document: drawn for each document. */
  readonly terms: (random: () => number) => number;
  /** A weight for term `term`. */
  readonly weight: (random: () => number, term: number) => number;
  readonly blockSize: number;
}

/** Distinct ascending term ids, `count` of them below `vocab`, frequent ones more often. */
function drawTerms(random: () => number, vocab: number, count: number): Uint32Array {
  const chosen = new Set<number>();
  const n = Math.min(count, vocab);
  // Squaring a uniform number favours small ids: some terms are in most documents.
  while (chosen.size < n) chosen.add(Math.floor(random() ** 2 * vocab));
  return Uint32Array.from(chosen).sort();
}

function drawVector(random: () => number, shape: Shape): Vector {
  const indices = drawTerms(random, shape.vocab, shape.terms(random));
  const values = Float32Array.from(indices, (t) => shape.weight(random, t));
  return { indices, values };
}

const SHAPES: Shape[] = [
  {
    name: 'ties: weights from 3 levels over 40 terms',
    docs: 1500, vocab: 40, blockSize: 4,
    terms: (r) => randomInt(r, 1, 5),
    weight: (r) => randomInt(r, 1, 3) / 4,
  },
  {
    name: 'one huge-weight term (term 7: ×10^4) among ordinary ones',
    docs: 1200, vocab: 300, blockSize: 8,
    terms: (r) => randomInt(r, 1, 30),
    weight: (r, t) => (t === 7 ? 1e4 : 1) * (0.01 + r()),
  },
  {
    name: 'very long and very short documents, tiny blocks',
    docs: 800, vocab: 500, blockSize: 2,
    terms: (r) => (r() < 0.1 ? randomInt(r, 300, 500) : randomInt(r, 0, 2)),
    weight: (r) => 0.05 + 3 * r() * r(),
  },
  {
    name: 'one block per list (block size past every list)',
    docs: 600, vocab: 120, blockSize: 100_000,
    terms: (r) => randomInt(r, 1, 12),
    weight: (r) => randomInt(r, 1, 8) / 8,
  },
  {
    name: 'weights spanning 12 orders of magnitude',
    docs: 700, vocab: 200, blockSize: 16,
    terms: (r) => randomInt(r, 1, 25),
    weight: (r) => 10 ** (12 * r() - 6),
  },
];

/** A query: some index terms, out-of-vocabulary ones, and zero weights. */
function drawQuery(random: () => number, shape: Shape): Vector {
  const indices = drawTerms(random, shape.vocab + 20, randomInt(random, 0, 12));
  const values = Float32Array.from(indices, (t) => {
    const x = random();
    if (x < 0.1) return 0;
    return t === 7 && x < 0.3 ? 5e3 * random() : x < 0.6 ? randomInt(random, 1, 3) / 2 : x * 4;
  });
  return { indices, values };
}

/** The weights the index stores (u8: code × scale), read back, as the brute force needs them. */
function storedDocs(index: SparseIndex, docs: readonly Vector[]): Doc[] {
  const stored = docs.map((d) => ({ indices: d.indices, values: new Float64Array(d.indices.length) }));
  for (let t = 0; t < index.vocabSize; t++) {
    const { docs: ds, weights } = index.postings(t);
    ds.forEach((n, k) => (stored[n].values[stored[n].indices.indexOf(t)] = weights[k]));
  }
  return stored;
}

for (const [s, shape] of SHAPES.entries()) {
  for (const impacts of ['float32', 'u8'] as const) {
    test(`${shape.name}, ${impacts}: pruned = exhaustive = brute force, ties included`, async () => {
      const random = mulberry32(1000 + 10 * s + (impacts === 'u8' ? 1 : 0));
      const docs = Array.from({ length: shape.docs }, () => drawVector(random, shape));
      const index = SparseIndex.open(await buildIndex(docs.map((vector, n) => ({ id: `d${n}`, vector })), { impacts, blockSize: shape.blockSize }));
      const stored = storedDocs(index, docs);
      let ties = 0;
      for (let q = 0; q < 60; q++) {
        const query = drawQuery(random, shape);
        for (const k of [0, 1, randomInt(random, 2, 40), shape.docs, shape.docs + 7]) {
          const expected = bruteForce(stored, query, k);
          const where = `query ${q} ${JSON.stringify([...query.indices])}, k ${k}`;
          assert.equal(index.searchDocs(query, { topK: k, pruning: false }), expected, `exhaustive, ${where}`);
          assert.equal(index.searchDocs(query, { topK: k }), expected, `pruned, ${where}`);
          ties += expected.filter((hit, i) => i > 0 && hit.score === expected[i - 1].score).length;
        }
      }
      if (s === 0) assert.ok(ties > 1000, `the tie corpus has ties (${ties})`);
    });
  }
}

test('empty queries, queries of unknown terms only, and all-zero queries find nothing', async () => {
  const random = mulberry32(77);
  const docs = Array.from({ length: 50 }, () => drawVector(random, SHAPES[0]));
  const index = SparseIndex.open(await buildIndex(docs.map((vector, n) => ({ id: `d${n}`, vector }))));
  const queries: Vector[] = [
    { indices: new Uint32Array(0), values: new Float32Array(0) },
    { indices: Uint32Array.of(40, 1000, 0xffffffff), values: Float32Array.of(1, 2, 3) },
    { indices: Uint32Array.of(0, 1, 2), values: Float32Array.of(0, 0, 0) },
  ];
  for (const query of queries) {
    for (const pruning of [true, false]) assert.equal(index.search(query, { topK: 10, pruning }), []);
  }
});

test('a repeated query term is refused by both paths, naming the position', async () => {
  const index = SparseIndex.open(await buildIndex([{ id: 'a', vector: { indices: Uint32Array.of(1, 2), values: Float32Array.of(1, 1) } }]));
  const query = { indices: Uint32Array.of(1, 2, 2), values: Float32Array.of(1, 1, 1) };
  for (const pruning of [true, false]) {
    assert.throws(() => index.search(query, { pruning }), (e: Error) => e instanceof QueryError && /position 2: term ids must be ascending and distinct \(2 then 2\)/.test(e.message));
  }
});

test('a topK far past the corpus returns every match without sizing anything by it', async () => {
  const index = SparseIndex.open(await buildIndex([
    { id: 'a', vector: { indices: Uint32Array.of(1), values: Float32Array.of(1) } },
    { id: 'b', vector: { indices: Uint32Array.of(1, 2), values: Float32Array.of(2, 1) } },
  ]));
  const query = { indices: Uint32Array.of(1), values: Float32Array.of(1) };
  for (const topK of [2 ** 32, Number.MAX_SAFE_INTEGER]) {
    for (const pruning of [true, false]) assert.equal(index.search(query, { topK, pruning }).map((hit) => hit.id), ['b', 'a'], `topK ${topK}`);
  }
});

test.run();
