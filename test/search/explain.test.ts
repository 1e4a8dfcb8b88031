// SparseIndex.explain: the query terms a hit shares with the query, both weights as search
// uses them and their products, largest first; its score equal to the bit to search's on
// random float32 and u8 indexes, for every hit of many queries, with and without pruning.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { QueryError, SparseIndex, buildIndex, type ImpactType } from '../../src/search/index.js';
import { takeVectors } from '../../tools/sparse-corpus.js';
import { mulberry32, randomInt } from '../../tools/random.js';

const vector = (pairs: Array<[number, number]>): { indices: Uint32Array; values: Float32Array } => ({
  indices: Uint32Array.from(pairs, ([t]) => t),
  values: Float32Array.from(pairs, ([, w]) => w),
});

async function smallIndex(impacts: ImpactType = 'float32'): Promise<SparseIndex> {
  return SparseIndex.open(await buildIndex([
    { id: 'a', vector: vector([[1, 0.5], [3, 2], [8, 1.25]]) },
    { id: 'b', vector: vector([[3, 0.75]]) },
    { id: 'c', vector: vector([[2, 4]]) },
  ], { impacts, blockSize: 2 }));
}

/** Every document's stored weight for every term, read back through postings(). */
function storedWeights(index: SparseIndex): Map<string, number> {
  const weights = new Map<string, number>();
  for (let t = 0; t < index.vocabSize; t++) {
    const list = index.postings(t);
    list.docs.forEach((d, k) => weights.set(`${d}:${t}`, list.weights[k]));
  }
  return weights;
}

for (const impacts of ['float32', 'u8'] as const) {
  test(`${impacts}: every hit's explanation adds up to its search score to the bit, from the stored weights`, async () => {
    const random = mulberry32(impacts === 'u8' ? 42 : 41);
    const docs = takeVectors(1200, { seed: 7, vocab: 400, minTerms: 1, maxTerms: 30, weightLevels: impacts === 'u8' ? undefined : 6 });
    const index = SparseIndex.open(await buildIndex(docs.map((d) => ({ id: d.id, vector: d })), { impacts, blockSize: randomInt(random, 2, 16) }));
    const stored = storedWeights(index);
    let hits = 0;
    let terms = 0;
    for (let q = 0; q < 60; q++) {
      const [query] = takeVectors(1, { seed: 1000 + q, vocab: 420, minTerms: 1, maxTerms: 25 });
      for (const pruning of [true, false]) {
        for (const hit of index.search(query, { topK: 50, pruning })) {
          const explained = index.explain(query, hit.doc);
          const where = `query ${q}, document ${hit.doc}`;
          assert.ok(Object.is(explained.score, hit.score), `${where}: ${explained.score} = ${hit.score}`);
          assert.is(explained.doc, hit.doc);
          assert.ok(explained.terms.length > 0, where);
          for (const [k, m] of explained.terms.entries()) {
            const at = query.indices.indexOf(m.term);
            assert.is(m.query, query.values[at], `${where}, term ${m.term}: query weight`);
            assert.is(m.document, stored.get(`${hit.doc}:${m.term}`), `${where}, term ${m.term}: document weight`);
            assert.is(m.contribution, m.query * m.document, `${where}, term ${m.term}: contribution`);
            const before = explained.terms[k - 1];
            if (before) assert.ok(before.contribution > m.contribution || (before.contribution === m.contribution && before.term < m.term), `${where}: order at ${k}`);
          }
          // Every term the document shares with the query, none else.
          const shared = [...query.indices].filter((t, k) => query.values[k] > 0 && stored.has(`${hit.doc}:${t}`));
          assert.equal(explained.terms.map((m) => m.term).sort((a, b) => a - b), shared, where);
          hits++;
          terms += explained.terms.length;
        }
      }
    }
    assert.ok(hits > 1000 && terms > hits, `enough hits (${hits}) with several terms (${terms})`);
  });
}

test('a document that shares only some query terms: those, largest contribution first', async () => {
  const index = await smallIndex();
  const query = vector([[1, 2], [2, 1], [3, 1], [5, 9], [8, 0.5]]);
  assert.equal(index.explain(query, 0), {
    doc: 0,
    score: 2 * 0.5 + 1 * 2 + 0.5 * 1.25,
    terms: [
      { term: 3, query: 1, document: 2, contribution: 2 },
      { term: 1, query: 2, document: 0.5, contribution: 1 },
      { term: 8, query: 0.5, document: 1.25, contribution: 0.625 },
    ],
  });
});

test('a hit with a single term; equal contributions by term id; a zero query weight is no match', async () => {
  const index = await smallIndex();
  assert.equal(index.explain(vector([[2, 0.25], [3, 0]]), 2), { doc: 2, score: 1, terms: [{ term: 2, query: 0.25, document: 4, contribution: 1 }] });
  assert.equal(index.explain(vector([[1, 4], [3, 1]]), 0).terms.map((m) => m.term), [1, 3]);
});

test('a document that shares no term: score 0 and no terms, as search does not find it', async () => {
  const index = await smallIndex();
  const query = vector([[2, 1], [99, 3]]);
  assert.equal(index.explain(query, 1), { doc: 1, score: 0, terms: [] });
  assert.equal(index.search(query).map((hit) => hit.doc), [2]);
});

test('u8: the document weight is the stored code × scale, as search scores it', async () => {
  const index = await smallIndex('u8');
  const scale = index.header.scale;
  const [m] = index.explain(vector([[3, 1]]), 1).terms;
  // 0.75 is stored as round(0.75 / scale) with scale = 4 / 255 (the largest weight over 255).
  assert.is(m.document, Math.round(0.75 / scale) * scale);
  assert.is(m.document, index.postings(3).weights[1]);
  assert.is.not(m.document, 0.75);
  assert.is(index.explain(vector([[3, 1]]), 1).score, index.search(vector([[3, 1]]))[1].score);
});

test('a document number past the corpus and a query search refuses are errors', async () => {
  const index = await smallIndex();
  for (const doc of [3, -1, 0.5]) {
    assert.throws(() => index.explain(vector([[1, 1]]), doc), (e: Error) => e instanceof RangeError && e.message === `document number ${doc} is not below 3`);
  }
  assert.throws(() => index.explain(vector([[3, 1], [1, 1]]), 0), (e: Error) => e instanceof QueryError && /position 1: term ids must be ascending/.test(e.message));
});

test.run();
