// The embedded index on generated SPLADE-like corpora (tools/sparse-corpus.ts: 100-200 terms a
// document out of 30,522, Zipf-like term frequencies, weights larger for rarer terms; queries of
// 20 terms): build time, peak memory of the build, file size, open time, and query latency
// (median, p99) with pruning (MaxScore + block-max), without (exhaustive term-at-a-time), and
// brute force (every document's vector scored); every result list compared with brute force.
//
//   npm run bench:search                       # 100,000 and 1,000,000 documents
//   npm run bench:search -- --docs 100000 --queries 100 --brute 10
//
// Each build runs in a child process so that its peak RSS is the build's alone (the corpus is
// generated as it is indexed, never held). Query timing runs in this process after a warm-up
// pass over all queries.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildIndexFile } from '../src/node/index-file.js';
import { SparseIndex } from '../src/search/sparse-index.js';
import type { ScoredDoc } from '../src/search/top-k.js';
import { sparseVectors, takeVectors, type SparseDoc } from '../tools/sparse-corpus.js';
import { median } from './common.js';

const CORPUS_SEED = 101;
const QUERY_SEED = 202;
const QUERY_OPTIONS = { seed: QUERY_SEED, minTerms: 20, maxTerms: 20 };

interface BuildReport {
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly fileBytes: number;
  readonly runs: number;
  readonly postings: number;
}

/**
 * This process's own peak resident memory in KiB: VmHWM on Linux. getrusage's maxRSS (the
 * fallback elsewhere) of a spawned child starts from its parent's at fork on Linux, so a build
 * spawned while the parent held an index read as the parent's size.
 */
function ownPeakRssKiB(): number {
  const status = existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '';
  const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
  return hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS;
}

/** Child: index `docs` generated documents into `out`; prints a BuildReport as JSON. */
async function buildChild(docs: number, out: string, impacts: 'float32' | 'u8'): Promise<void> {
  let generating = 0;
  async function* documents(): AsyncGenerator<{ id: string; vector: SparseDoc }> {
    const stream = sparseVectors({ seed: CORPUS_SEED });
    for (let n = 0; n < docs; n++) {
      const t = performance.now();
      const doc = stream.next().value as SparseDoc;
      generating += performance.now() - t;
      yield { id: doc.id, vector: doc };
    }
  }
  const started = performance.now();
  const stats = await buildIndexFile(out, documents(), { impacts });
  const report: BuildReport = {
    // The build alone: the time spent generating the corpus is taken out.
    seconds: (performance.now() - started - generating) / 1000,
    peakRssMiB: ownPeakRssKiB() / 1024,
    fileBytes: stats.fileLength,
    runs: stats.runs,
    postings: stats.postings,
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

function runBuild(docs: number, out: string, impacts: 'float32' | 'u8'): BuildReport {
  const self = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', String(docs), '--out', out, '--impacts', impacts], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build child failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as BuildReport;
}

/** The corpus as flat arrays (for brute force): offsets, terms, weights. */
function flatCorpus(docs: number): { starts: Uint32Array; terms: Uint32Array; weights: Float32Array } {
  const starts = new Uint32Array(docs + 1);
  let terms = new Uint32Array(docs * 150);
  let weights = new Float32Array(docs * 150);
  let n = 0;
  for (const doc of sparseVectors({ seed: CORPUS_SEED })) {
    if (n === docs) break;
    const end = starts[n] + doc.indices.length;
    if (end > terms.length) {
      const t = new Uint32Array(Math.ceil(end * 1.2));
      t.set(terms);
      terms = t;
      const w = new Float32Array(t.length);
      w.set(weights);
      weights = w;
    }
    terms.set(doc.indices, starts[n]);
    weights.set(doc.values, starts[n]);
    starts[++n] = end;
  }
  return { starts, terms, weights };
}

/** Brute force: every document scored (ascending term order, the index's own sum), top k. */
function bruteForce(corpus: ReturnType<typeof flatCorpus>, query: SparseDoc, k: number, unit: (w: number) => number): ScoredDoc[] {
  const dense = new Float64Array(30522);
  for (let i = 0; i < query.indices.length; i++) dense[query.indices[i]] = query.values[i];
  const hits: ScoredDoc[] = [];
  const { starts, terms, weights } = corpus;
  let kth = -Infinity;
  for (let d = 0; d + 1 < starts.length; d++) {
    let score = 0;
    let matched = false;
    for (let j = starts[d]; j < starts[d + 1]; j++) {
      const q = dense[terms[j]];
      if (q > 0) {
        score += q * unit(weights[j]);
        matched = true;
      }
    }
    if (matched && (hits.length < k || score > kth)) {
      hits.push({ doc: d, score });
      if (hits.length > 4 * k) {
        hits.sort((a, b) => b.score - a.score || a.doc - b.doc);
        hits.length = k;
        kth = hits[k - 1].score;
      }
    }
  }
  return hits.sort((a, b) => b.score - a.score || a.doc - b.doc).slice(0, k);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

const same = (a: ScoredDoc[], b: ScoredDoc[]): boolean => a.length === b.length && a.every((x, i) => x.doc === b[i].doc && x.score === b[i].score);

function timeQueries(index: SparseIndex, queries: SparseDoc[], k: number, pruning: boolean): { ms: number[]; results: ScoredDoc[][] } {
  for (const q of queries) index.searchDocs(q, { topK: k, pruning }); // warm-up
  const ms: number[] = [];
  const results: ScoredDoc[][] = [];
  for (const q of queries) {
    const t = performance.now();
    results.push(index.searchDocs(q, { topK: k, pruning }));
    ms.push(performance.now() - t);
  }
  return { ms, results };
}

async function benchCorpus(docs: number, dir: string, queryCount: number, bruteCount: number, k: number): Promise<string[]> {
  const rows: string[] = [];
  const queries = takeVectors(queryCount, QUERY_OPTIONS, 'q');
  let corpus: ReturnType<typeof flatCorpus> | undefined;
  for (const impacts of ['float32', 'u8'] as const) {
    const path = join(dir, `bench-${docs}-${impacts}.spladeidx`);
    console.error(`[${docs} ${impacts}] building ...`);
    const build = runBuild(docs, path, impacts);
    const bytes = await readFile(path);
    let t = performance.now();
    const index = SparseIndex.open(bytes);
    const openFull = performance.now() - t;
    t = performance.now();
    SparseIndex.open(bytes, { verify: 'quick' });
    const openQuick = performance.now() - t;
    console.error(`[${docs} ${impacts}] built in ${build.seconds.toFixed(1)} s; timing ${queryCount} queries ...`);
    const pruned = timeQueries(index, queries, k, true);
    const exhaustive = timeQueries(index, queries, k, false);
    const agree = pruned.results.every((r, q) => same(r, exhaustive.results[q]));
    corpus ??= flatCorpus(docs);
    const scale = index.header.scale;
    const unit = impacts === 'u8' ? (w: number) => Math.min(255, Math.max(1, Math.round(w / scale))) * scale : (w: number) => w;
    const bruteMs: number[] = [];
    let bruteAgree = true;
    for (let q = 0; q < bruteCount; q++) {
      const t0 = performance.now();
      const expected = bruteForce(corpus, queries[q], k, unit);
      bruteMs.push(performance.now() - t0);
      bruteAgree &&= same(expected, pruned.results[q]);
    }
    const fmt = (ms: number[]): string => `${median(ms).toFixed(2)} / ${percentile(ms, 99).toFixed(2)} ms`;
    rows.push(`| ${docs.toLocaleString('en')} | ${impacts} | ${(build.postings / 1e6).toFixed(1)} M | ${build.seconds.toFixed(1)} s (${build.runs} runs) | ${build.peakRssMiB.toFixed(0)} MiB | ${(build.fileBytes / 2 ** 20).toFixed(0)} MiB | ${(openFull / 1000).toFixed(2)} s / ${openQuick.toFixed(1)} ms | ${fmt(pruned.ms)} | ${fmt(exhaustive.ms)} | ${median(bruteMs).toFixed(0)} ms | ${agree && bruteAgree ? `yes (${queryCount} / ${bruteCount})` : 'NO'} |`);
    console.error(rows[rows.length - 1]);
    if (!agree || !bruteAgree) process.exitCode = 1;
    rmSync(path, { force: true });
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      out: { type: 'string' },
      impacts: { type: 'string' },
      docs: { type: 'string' },
      queries: { type: 'string' },
      brute: { type: 'string' },
      'top-k': { type: 'string' },
      dir: { type: 'string' },
    },
  });
  if (values.child !== undefined) return buildChild(Number(values.child), values.out!, values.impacts as 'float32' | 'u8');
  const sizes = (values.docs ?? '100000,1000000').split(',').map(Number);
  const queryCount = Number(values.queries ?? 200);
  const bruteCount = Number(values.brute ?? 20);
  const k = Number(values['top-k'] ?? 10);
  const dir = values.dir ?? join(tmpdir(), 'splade-bench-search');
  mkdirSync(dir, { recursive: true });
  const rows: string[] = [];
  for (const docs of sizes) rows.push(...(await benchCorpus(docs, dir, queryCount, bruteCount, k)));
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\n${new Date().toISOString()}, ${cpus().length} × ${cpu}, Node ${process.version}, top-${k}, ${queryCount} queries of 20 terms (brute force: the first ${bruteCount})\n`);
  console.log('| documents | impacts | postings | build | build peak RSS | file | open: full / quick verify | pruned median / p99 | no pruning median / p99 | brute force median | identical to brute force |');
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const row of rows) console.log(row);
}

await main();
