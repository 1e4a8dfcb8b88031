// Web Workers for the CPU kernels in headless chromium. In a cross-origin isolated page
// (served under /coi/ with COOP/COEP), the default SpladeEncoder runs threaded, inside a
// module Worker and on the page's main thread, and every PyTorch parity fixture matches; in a
// page that is not isolated (no SharedArrayBuffer) the same code falls back to one thread and
// still matches; a CSP that forbids blob: workers also means one thread; dispose() terminates
// every kernel worker. The shipped kernels as `wasmModule`: kernels-shared.wasm threads an
// isolated page; in a page that is not isolated it cannot run, and the kernels compiled there
// take its place (SIMD on one thread, with a note), not the TypeScript fallback.
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { browserSuite, bundlePage, importBundles, runInPage } from './harness.js';
import { shippedKernelBytes } from '../../src/tensor/wasm/kernel-module.js';

const FIXTURES = fileURLToPath(new URL('../parity/fixtures/', import.meta.url));
const CASES = readdirSync(FIXTURES).sort();

/**
 * Encodes every fixture (the model fetched from `base + name + '/'`) with the default
 * encoder, or with `createBackend({ threads })` when `threads` is given, and compares with
 * PyTorch's expected.safetensors (within 1e-4, same active terms). Also counts the Web Workers
 * the bundle creates and terminates (by wrapping the global Worker), so a test can see that
 * dispose() terminated them. Runs in a worker and on a page, so it uses only `globalThis`.
 */
const CHECK_ALL = `async (splade, { base, cases, threads }) => {
  const live = new Set();
  let started = 0;
  const RealWorker = globalThis.Worker;
  if (RealWorker) {
    globalThis.Worker = class extends RealWorker {
      constructor(...args) { super(...args); started++; live.add(this); }
      terminate() { live.delete(this); super.terminate(); }
    };
  }
  const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
  const results = [];
  try {
    for (const name of cases) {
      const options = threads === undefined ? {} : { backend: await splade.createBackend({ threads, threadedMinMacs: 0 }) };
      const encoder = await splade.SpladeEncoder.fromPretrained(base + name + '/', options);
      const liveWhileLoaded = live.size;
      const failures = [];
      try {
        const inputs = JSON.parse(new TextDecoder().decode(await bytes(base + name + '/inputs.json')));
        const vectors = await encoder.encodeInputIds(inputs);
        const expected = splade.readSafetensors(await bytes(base + name + '/expected.safetensors')).float32('splade');
        const vocab = expected.length / vectors.length;
        vectors.forEach((vector, row) => {
          const dense = new Float32Array(vocab);
          vector.indices.forEach((id, k) => { dense[id] = vector.values[k]; });
          for (let id = 0; id < vocab; id++) {
            const want = expected[row * vocab + id];
            if (!(Math.abs(dense[id] - want) <= 1e-4)) failures.push(name + ' row ' + row + ' term ' + id + ': ' + dense[id] + ' vs torch ' + want);
            if ((want > 1e-3) !== (dense[id] > 1e-3)) failures.push(name + ' row ' + row + ' term ' + id + ': active set differs');
          }
        });
      } finally {
        encoder.dispose();
      }
      results.push({ name, failures: failures.slice(0, 5), backendInfo: encoder.backendInfo.name, liveWhileLoaded, liveAfterDispose: live.size });
    }
  } finally {
    if (RealWorker) globalThis.Worker = RealWorker;
  }
  return {
    results, started,
    isolated: globalThis.crossOriginIsolated === true,
    cores: globalThis.navigator.hardwareConcurrency,
    defaultThreads: Math.min(globalThis.navigator.hardwareConcurrency, splade.DEFAULT_MAX_THREADS),
  };
}`;

/** The module worker that runs CHECK_ALL on the bundle next to it and posts back the result. */
const CHECK_WORKER = `${importBundles('./splade.js')}
const check = ${CHECK_ALL};
self.onmessage = async (event) => {
  try {
    self.postMessage({ ok: await check(splade, event.data) });
  } catch (error) {
    self.postMessage({ error: String(error && error.stack || error) });
  }
};
`;

/** In the page: runs CHECK_ALL in a fresh module Worker. */
const IN_WORKER = `async (splade, { worker, args }) => {
  const w = new Worker(worker, { type: 'module' });
  try {
    const reply = await new Promise((resolve, reject) => {
      w.onmessage = (event) => resolve(event.data);
      w.onerror = (event) => reject(new Error('check worker failed: ' + event.message));
      w.postMessage(args);
    });
    if (reply.error) throw new Error(reply.error);
    return reply.ok;
  } finally {
    w.terminate();
  }
}`;

interface CaseResult {
  name: string;
  failures: string[];
  backendInfo: string;
  liveWhileLoaded: number;
  liveAfterDispose: number;
}
interface CheckResult {
  results: CaseResult[];
  started: number;
  isolated: boolean;
  cores: number;
  defaultThreads: number;
}

/** Every fixture matched, on `backendInfo`, with `threads - 1` workers alive while loaded and none after dispose. */
function assertRun(check: CheckResult, backendInfo: string, threads: number, where: string): void {
  assert.is(check.results.length, CASES.length, where);
  for (const result of check.results) {
    assert.equal(result.failures, [], `${result.name} ${where}`);
    assert.is(result.backendInfo, backendInfo, `${result.name} ${where}`);
    assert.is(result.liveWhileLoaded, threads - 1, `${result.name} ${where}: workers while loaded`);
    assert.is(result.liveAfterDispose, 0, `${result.name} ${where}: workers after dispose`);
  }
  assert.is(check.started, (threads - 1) * CASES.length, `${where}: workers started`);
}

function threadsName(threads: number): string {
  return threads > 1 ? `cpu-wasm-simd x${threads}` : 'cpu-wasm-simd';
}

const CSP = `<meta http-equiv="Content-Security-Policy" content="worker-src 'self'">`;

browserSuite(
  'browser/threads',
  {
    files: { 'check-worker.js': CHECK_WORKER },
    mounts: { '/fixtures/': FIXTURES },
    pages: { '/index.html': bundlePage('/dist/splade.js'), '/csp.html': bundlePage('/dist/splade.js').replace('<title>', `${CSP}<title>`) },
  },
  (it, chrome) => {
    const open = (path: string) => chrome.open(path);
    const noErrors = (errors: string[]): void => {
      // The loader probes for optional files (tokenizer.json, shard indexes): 404s are expected.
      assert.equal(errors.filter((e) => !/status of 404/.test(e)), []);
    };

    it('cross-origin isolated, in a module Worker: the default encoder is threaded and matches PyTorch', async () => {
      const { page, errors } = await open('/coi/index.html');
      const args = { base: '/coi/fixtures/', cases: CASES };
      const check = await runInPage<CheckResult>(page, IN_WORKER, { worker: '/coi/dist/check-worker.js', args });
      assert.ok(check.isolated, 'the worker is cross-origin isolated');
      assert.is(check.defaultThreads, Math.min(check.cores, 16));
      assertRun(check, threadsName(check.defaultThreads), check.defaultThreads, 'default, in a worker');
      // Whatever the core count here, three threads (two workers) must match too.
      const three = await runInPage<CheckResult>(page, IN_WORKER, { worker: '/coi/dist/check-worker.js', args: { ...args, threads: 3 } });
      assertRun(three, threadsName(3), 3, 'x3, in a worker');
      console.log(`browser/threads: isolated worker: ${CASES.length} fixtures match PyTorch on ${check.results[0].backendInfo} (${check.cores} cores) and on ${three.results[0].backendInfo}`);
      noErrors(errors);
      await page.close();
    });

    it('cross-origin isolated, on the page\'s main thread (which spins instead of Atomics.wait): threaded, matches', async () => {
      const { page, errors } = await open('/coi/index.html');
      const check = await runInPage<CheckResult>(page, CHECK_ALL, { base: '/coi/fixtures/', cases: CASES, threads: 2 });
      assert.ok(check.isolated);
      assertRun(check, threadsName(2), 2, 'x2, main thread');
      noErrors(errors);
      await page.close();
    });

    it('not isolated: the fallback runs on one thread, starts no worker, and matches', async () => {
      const { page, errors } = await open('/index.html');
      const args = { base: '/fixtures/', cases: CASES };
      const inWorker = await runInPage<CheckResult>(page, IN_WORKER, { worker: '/dist/check-worker.js', args });
      assert.not.ok(inWorker.isolated);
      assertRun(inWorker, threadsName(1), 1, 'not isolated, in a worker');
      const onPage = await runInPage<CheckResult>(page, CHECK_ALL, { ...args, threads: 4 });
      assertRun(onPage, threadsName(1), 1, 'not isolated, main thread, 4 threads asked');
      noErrors(errors);
      await page.close();
    });

    it('a CSP without worker-src blob: means one thread, not an error', async () => {
      const { page } = await open('/coi/csp.html');
      const check = await runInPage<CheckResult>(page, CHECK_ALL, { base: '/coi/fixtures/', cases: CASES.slice(0, 1), threads: 2 });
      assert.ok(check.isolated);
      assert.is(check.results[0].backendInfo, threadsName(1));
      assert.equal(check.results[0].failures, []);
      assert.is(check.results[0].liveAfterDispose, 0, 'the refused worker was terminated');
      await page.close();
    });

    it('kernels-shared.wasm as wasmModule: threads when isolated; not isolated, the kernels compiled here on one thread', async () => {
      const base64 = Buffer.from(shippedKernelBytes(true)).toString('base64');
      const withShared = `async (splade, { base64, model }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const encoder = await splade.SpladeEncoder.fromPretrained(model, { wasmModule: new WebAssembly.Module(bytes), threads: 2 });
        const [vector] = await encoder.encode(['the atomic bomb']);
        encoder.dispose();
        return { info: encoder.backendInfo, terms: vector.indices.length };
      }`;
      type Answer = { info: { name: string; kernels: string; notes: string[] }; terms: number };
      const isolated = await open('/coi/index.html');
      const threaded = await runInPage<Answer>(isolated.page, withShared, { base64, model: `/coi/fixtures/${CASES[0]}/` });
      assert.is(threaded.info.name, threadsName(2));
      assert.equal(threaded.info.notes, []);
      await isolated.page.close();
      const plain = await open('/index.html');
      const alone = await runInPage<Answer>(plain.page, withShared, { base64, model: `/fixtures/${CASES[0]}/` });
      assert.is(alone.info.name, threadsName(1), JSON.stringify(alone.info));
      assert.ok(alone.terms > 0);
      assert.ok(alone.info.notes.some((note) => /kernels-shared\.wasm was not used: .*shared WebAssembly\.Memory.*kernels\.wasm/.test(note)), alone.info.notes.join('; '));
      assert.not.ok(alone.info.notes.some((note) => /TypeScript/.test(note)), alone.info.notes.join('; '));
      await plain.page.close();
    });

    it('dispose() ends the kernel workers (chromium\'s own list of the page\'s workers)', async () => {
      const { page } = await open('/coi/index.html');
      const before = page.workers().length;
      await runInPage(page, `async (splade) => { window.backend = await splade.createBackend({ threads: 3 }); }`);
      assert.is(page.workers().length, before + 2, 'two kernel workers while the backend lives');
      const closed = Promise.all(page.workers().map((worker) => new Promise((done) => worker.on('close', done))));
      await runInPage(page, `async (splade) => { splade.disposeBackend(window.backend); }`);
      await closed;
      assert.is(page.workers().length, before);
      await page.close();
    });
  },
);
