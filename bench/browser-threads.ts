// The browser CPU backend with 1 vs N Web Workers threads, in one headless chromium run,
// inside a module Worker of a cross-origin isolated page (the way an app should run it).
//
//   npm run bench:browser-threads -- [--model DIR] [--seq 12,128] [--threads 1,2] [--runs N]
//
// Without --model a random bert-base-size model (the real 30,522-token vocab) is generated
// into $TMPDIR/splade-bench/bert-base (shared with bench/gpu.ts and bench/forward.ts). One
// encode = one sequence through embeddings, the layers, the MLM transform and SPLADE pooling.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { browserSkipReason, buildBundle, bundlePage, importBundles, launchChromium, openBundlePage, runInPage, StaticServer } from '../test/browser/harness.js';
import { benchModelDir, idsOfLength, median } from './common.js';

const { values: options } = parseArgs({
  options: {
    model: { type: 'string' },
    runs: { type: 'string', default: '5' },
    seq: { type: 'string', default: '12,128' },
    threads: { type: 'string', default: '1,2' },
  },
});
const runs = Number(options.runs);
const lengths = options.seq.split(',').map(Number);
const threadCounts = options.threads.split(',').map(Number);

/** The worker: for each thread count, load the model on createBackend({ threads }), one warm-up, then `runs` timed encodes per length. */
const BENCH_WORKER = `${importBundles('./splade.js')}
self.onmessage = async (event) => {
  const { base, threadCounts, lengths, runs, ids } = event.data;
  try {
    const rows = [];
    for (const threads of threadCounts) {
      const started = performance.now();
      const backend = await splade.createBackend({ threads });
      const encoder = await splade.SpladeEncoder.fromPretrained(base, { backend });
      const load = (performance.now() - started) / 1000;
      for (const seq of lengths) {
        const times = [];
        for (let run = 0; run <= runs; run++) {
          const t0 = performance.now();
          await encoder.encodeInputIds({ input_ids: [ids[seq]] });
          if (run > 0) times.push((performance.now() - t0) / 1000);
        }
        rows.push({ threads, info: encoder.backendInfo.name, seq, load, times });
      }
      encoder.dispose();
    }
    self.postMessage({ rows, isolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency });
  } catch (error) {
    self.postMessage({ error: String(error && error.stack || error) });
  }
};
`;

const IN_PAGE = `async (splade, args) => {
  const worker = new Worker('/coi/dist/bench-worker.js', { type: 'module' });
  try {
    const reply = await new Promise((resolve, reject) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => reject(new Error('bench worker failed: ' + event.message));
      worker.postMessage(args);
    });
    if (reply.error) throw new Error(reply.error);
    return reply;
  } finally {
    worker.terminate();
  }
}`;

interface Row { threads: number; info: string; seq: number; load: number; times: number[] }

const skip = browserSkipReason();
if (skip) {
  console.error(`not run: ${skip}`);
  process.exit(1);
}
const dir = await benchModelDir(options.model);
const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { vocab_size: number; num_hidden_layers: number; hidden_size: number };
const ids: Record<number, number[]> = {};
for (const seq of lengths) ids[seq] = idsOfLength(seq, config.vocab_size);

const bundle = await buildBundle();
writeFileSync(join(bundle.dir, 'bench-worker.js'), BENCH_WORKER);
const server = await StaticServer.start({ '/dist/': bundle.dir, '/model/': dir }, { '/index.html': bundlePage('/dist/splade.js') });
const chrome = await launchChromium();
try {
  const { page } = await openBundlePage(chrome.browser, `${server.origin}/coi/index.html`);
  const result = await runInPage<{ rows: Row[]; isolated: boolean; cores: number }>(page, IN_PAGE, {
    base: '/coi/model/', threadCounts, lengths, runs, ids,
  });
  const version = chrome.browser.version();
  console.log(`model: ${dir} (${config.num_hidden_layers} layers, hidden ${config.hidden_size}, vocab ${config.vocab_size}); chromium ${version}; ` +
    `inside a module Worker, crossOriginIsolated ${result.isolated}, hardwareConcurrency ${result.cores}; median of ${runs} runs after 1 warm-up\n`);
  console.log('| backendInfo | tokens | median s | runs (s) | speed-up vs first row of its length | model load s |');
  console.log('|---|---:|---:|---|---:|---:|');
  const base: Record<number, number> = {};
  for (const row of result.rows) {
    const m = median(row.times);
    base[row.seq] ??= m;
    console.log(`| ${row.info} | ${row.seq} | ${m.toFixed(3)} | ${row.times.map((t) => t.toFixed(3)).join(', ')} | ${(base[row.seq] / m).toFixed(2)}x | ${row.load.toFixed(1)} |`);
  }
} finally {
  await chrome.close();
  await server.close();
  bundle.dispose();
}
