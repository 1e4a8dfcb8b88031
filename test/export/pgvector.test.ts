// The pgvector export loaded into a real PostgreSQL with pgvector (PGlite ships pgvector 0.8):
// its ORDER BY embedding <#> query top-10 must be the brute-force dot-product top-10, and the
// top-10 of `splade search` over an index of the same vectors.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { vector as pgvectorExtension } from '@electric-sql/pglite/vector';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dot, type SparseVector } from '../../src/splade/sparse-vector.js';
import { tempDir } from '../foundation/tmp.js';
import { randomVectors, vectorsJsonl } from './vectors.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = tempDir('pgvector');
const DIMS = 1000;
const docs = randomVectors(400, DIMS, 40, 3);
const ids = docs.map((_, i) => (i % 5 === 0 ? `it's doc ${i}` : `doc-${i}`)); // a quote to escape
const queries = randomVectors(25, DIMS, 12, 4);

function literal(query: SparseVector): string {
  return `{${Array.from(query.indices, (index, k) => `${index + 1}:${query.values[k]}`).join(',')}}/${DIMS}`;
}

/** `splade index` then `splade search --top-k 10` over the same vectors: query id -> the ids found, best first. */
function spladeSearchTop10(vectors: string): Map<string, string[]> {
  const index = join(dir, 'vectors.spladeidx');
  const queryFile = join(dir, 'queries.jsonl');
  writeFileSync(queryFile, vectorsJsonl(queries.map((_, q) => `q${q}`), queries));
  const cli = (args: string[]): string => {
    const run = spawnSync(process.execPath, [join(root, 'bin/splade.js'), ...args], { encoding: 'utf8' });
    assert.is(run.status, 0, run.stderr);
    return run.stdout;
  };
  cli(['index', '--vectors', vectors, '--out', index, '--vocab-size', String(DIMS)]);
  const lines = cli(['search', '--index', index, '--query-vectors', queryFile, '--top-k', '10']).trim().split('\n');
  const found = new Map<string, string[]>();
  for (const line of lines) {
    const { qid, hits } = JSON.parse(line) as { qid: string; hits: Array<{ id: string }> };
    found.set(qid, hits.map((h) => h.id));
  }
  return found;
}

test('PGlite: ORDER BY embedding <#> query LIMIT 10 equals the brute-force dot-product top-10 and splade search', async () => {
  const vectors = join(dir, 'vectors.jsonl');
  writeFileSync(vectors, vectorsJsonl(ids, docs));
  const sqlPath = join(dir, 'vectors.sql');
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), 'export', '--vectors', vectors, '--to', 'pgvector', '--out', sqlPath, '--dimensions', String(DIMS)], { encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr);

  const db = await PGlite.create({ extensions: { vector: pgvectorExtension } });
  try {
    await db.exec(readFileSync(sqlPath, 'utf8'));
    const columns = await db.query<{ name: string; type: string }>(
      "SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'splade_vectors'::regclass AND attnum > 0 ORDER BY attnum",
    );
    assert.equal(columns.rows.map((r) => [r.name, r.type]), [['id', 'text'], ['embedding', `sparsevec(${DIMS})`]]);
    const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM splade_vectors');
    assert.is(count.rows[0].n, docs.length);

    const searched = spladeSearchTop10(vectors);
    for (const [q, query] of queries.entries()) {
      const scores = docs.map((doc) => dot(query, doc));
      const expected = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, 10);
      // splade search lists only documents that share a term with the query (score above 0).
      const fromSearch = searched.get(`q${q}`)!;
      assert.is(fromSearch.length, Math.min(10, scores.filter((x) => x > 0).length), `splade search, query ${q}`);
      const rows = (await db.query<{ id: string; score: number }>(
        'SELECT id, (embedding <#> $1::sparsevec) AS score FROM splade_vectors ORDER BY embedding <#> $1::sparsevec LIMIT 10',
        [literal(query)],
      )).rows;
      assert.is(rows.length, 10);
      rows.forEach((row, rank) => {
        const doc = ids.indexOf(row.id);
        // <#> is the negative inner product, computed by pgvector in float32 over the same
        // float32 weights: 1e-5 relative covers its rounding against the float64 sum here.
        const tolerance = 1e-5 * Math.max(1, Math.abs(scores[doc]));
        assert.ok(Math.abs(-row.score - scores[doc]) <= tolerance, `query ${q} rank ${rank}: <#> ${row.score} vs dot ${scores[doc]}`);
        // The same document, or one tied with it to within that rounding.
        if (doc !== expected[rank]) {
          assert.ok(Math.abs(scores[doc] - scores[expected[rank]]) <= tolerance, `query ${q} rank ${rank}: ${row.id} instead of ${ids[expected[rank]]}`);
        }
        // splade search (exact on the same float32 weights) has this document here, or one tied with it.
        if (rank >= fromSearch.length) {
          assert.is(scores[doc], 0, `query ${q} rank ${rank}: past splade search's hits, PGlite's ${row.id} scores 0 too`);
          return;
        }
        const other = ids.indexOf(fromSearch[rank]);
        if (other !== doc) {
          assert.ok(Math.abs(scores[doc] - scores[other]) <= tolerance, `query ${q} rank ${rank}: PGlite ${row.id}, splade search ${fromSearch[rank]}`);
        }
      });
    }
  } finally {
    await db.close();
  }
});

test('pgvector-queries: each SELECT, run in PGlite, gives the top 10 that ORDER BY <#> gives, with the inner product as score', async () => {
  const vectors = join(dir, 'vectors-q.jsonl');
  writeFileSync(vectors, vectorsJsonl(ids, docs));
  const queryVectors = join(dir, 'query-vectors.jsonl');
  const empty = { indices: new Uint32Array(0), values: new Float32Array(0) };
  const zeros = { indices: Uint32Array.of(3), values: Float32Array.of(0) };
  writeFileSync(queryVectors, vectorsJsonl([...queries.map((_, q) => `q'${q}`), 'empty', 'zeros'], [...queries, empty, zeros]));
  const cli = (args: string[]): void => {
    const run = spawnSync(process.execPath, [join(root, 'bin/splade.js'), 'export', ...args], { encoding: 'utf8' });
    assert.is(run.status, 0, run.stderr);
  };
  cli(['--vectors', vectors, '--to', 'pgvector', '--out', join(dir, 'load.sql'), '--dimensions', String(DIMS)]);
  cli(['--vectors', queryVectors, '--to', 'pgvector-queries', '--out', join(dir, 'queries.sql'), '--dimensions', String(DIMS)]);
  const statements = readFileSync(join(dir, 'queries.sql'), 'utf8').split('\n').filter((line) => line.startsWith('SELECT'));
  assert.is(statements.length, queries.length + 2);
  const db = await PGlite.create({ extensions: { vector: pgvectorExtension } });
  try {
    await db.exec(readFileSync(join(dir, 'load.sql'), 'utf8'));
    for (const [q, query] of queries.entries()) {
      const rows = (await db.query<{ query: string; id: string; score: number }>(statements[q])).rows;
      const direct = (await db.query<{ id: string }>('SELECT id FROM splade_vectors ORDER BY embedding <#> $1::sparsevec LIMIT 10', [literal(query)])).rows;
      assert.equal(rows.map((r) => r.id), direct.map((r) => r.id), `query ${q}`);
      assert.ok(rows.every((r) => r.query === `q'${q}`), 'the query id, quote and all');
      rows.forEach((row) => {
        const expected = dot(query, docs[ids.indexOf(row.id)]);
        // pgvector's float32 inner product against the float64 sum: 1e-5 relative, as above.
        assert.ok(Math.abs(row.score - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `query ${q}: ${row.score} vs ${expected}`);
      });
    }
    assert.equal((await db.query(statements[queries.length])).rows, [], 'an empty query selects nothing');
    assert.equal((await db.query(statements[queries.length + 1])).rows, [], 'nor does one whose weights are all 0');
  } finally {
    await db.close();
  }
});

test('PGlite: awkward ids and weights load exactly (quotes, backslashes, unicode; exponents, subnormals, float32 max)', async () => {
  // Ids PostgreSQL must get back byte for byte (standard_conforming_strings: only ' doubles),
  // and weights whose shortest float32 text has an exponent (strtof reads it, pgvector
  // src/sparsevec.c sparsevec_in), down to the smallest subnormal and up to float32's max.
  const odd = ["it's", 'back\\slash', 'say "hi"', 'snow\u2603man', 'smile\u{1F600}', 'tab\there', '-0', ':/{}'];
  const weights = [1e-7, 1.401298464324817e-45, 3.4028234663852886e38, 0.1, 1.1754943508222875e-38, 123456.789, 2e-10, 1];
  const vectors = odd.map((_, i) => ({ indices: Uint32Array.of(i, DIMS - 1 - i), values: Float32Array.of(weights[i], weights[(i + 3) % weights.length]) }));
  const path = join(dir, 'odd.jsonl');
  writeFileSync(path, vectorsJsonl(odd, vectors));
  const sqlPath = join(dir, 'odd.sql');
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), 'export', '--vectors', path, '--to', 'pgvector', '--out', sqlPath, '--dimensions', String(DIMS), '--table', 'odd'], { encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr);
  assert.match(readFileSync(sqlPath, 'utf8'), /:1e-7,/, 'exponent notation is written as such');
  const db = await PGlite.create({ extensions: { vector: pgvectorExtension } });
  try {
    await db.exec(readFileSync(sqlPath, 'utf8'));
    for (const [i, id] of odd.entries()) {
      const rows = (await db.query<{ text: string }>('SELECT embedding::text AS text FROM odd WHERE id = $1', [id])).rows;
      assert.is(rows.length, 1, `id ${JSON.stringify(id)}`);
      // pgvector prints shortest float32 text, so the cells compare as float32 values.
      const cells = /^\{(.*)\}\/(\d+)$/.exec(rows[0].text)!;
      assert.is(Number(cells[2]), DIMS);
      const back = cells[1].split(',').map((cell) => cell.split(':').map(Number));
      assert.equal(back.map(([index, value]) => [index - 1, Math.fround(value)]), Array.from(vectors[i].indices, (index, k) => [index, vectors[i].values[k]]), `id ${JSON.stringify(id)}`);
    }
  } finally {
    await db.close();
  }
});

test.run();
