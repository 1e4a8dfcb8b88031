// bert-base timings of the gpu.js modes next to the CPU path, and the browser bundle sizes.
//
//   npm run bench:gpu -- [--model DIR] [--seq 12,128] [--runs N] [--no-node] [--no-browser]
//
// Node: the reference CPU backend and gpu.js webasm (the only gpu.js mode Node has). Headless
// chromium (/usr/bin/chromium, when present): the CPU backend and gpu.js webgl2 and webgpu
// through the browser bundle, the model fetched from a local server. On a machine without a
// GPU, chromium renders in software (SwiftShader): the table labels those rows. On a machine
// with a GPU, run it unchanged (pass chromium's GPU flags via SPLADE_CHROMIUM_FLAGS if needed).
// Without --model a random bert-base-size model (the real 30,522-token vocab) is generated
// into $TMPDIR/splade-bench/bert-base, shared with bench/forward.ts. One encode of one
// sequence = embeddings, 12 layers, MLM transform, SPLADE pooling over the vocabulary.
import { cpus, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { buildBrowserBundle } from '../scripts/browser-bundle.mjs';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { SpladeEncoder } from '../src/node/splade-encoder.js';
import type { BackendChoice, GpuMode } from '../src/tensor/backend-options.js';
import { browserSkipReason, bundlePage, buildBundle, launchChromium, openBundlePage, runInPage, StaticServer } from '../test/browser/harness.js';
import { benchModelDir, idsOfLength, median } from './common.js';

const { values: options } = parseArgs({
  options: {
    model: { type: 'string' },
    runs: { type: 'string', default: '2' },
    seq: { type: 'string', default: '12,128' },
    'no-node': { type: 'boolean', default: false },
    'no-browser': { type: 'boolean', default: false },
  },
});
const runs = Number(options.runs);
const lengths = options.seq.split(',').map(Number);

interface Row { where: string; backend: string; seq: number; load: number; times: number[] }

async function benchNode(dir: string, vocab: number): Promise<Row[]> {
  const rows: Row[] = [];
  const choices: Array<{ backend: BackendChoice; gpuMode?: GpuMode }> = [{ backend: 'cpu' }, { backend: 'gpu', gpuMode: 'webasm' }];
  for (const choice of choices) {
    const started = performance.now();
    const encoder = await SpladeEncoder.fromPretrained(dir, choice);
    const load = (performance.now() - started) / 1000;
    for (const seq of lengths) {
      const times: number[] = [];
      for (let run = 0; run <= runs; run++) {
        const t0 = performance.now();
        await encoder.encodeInputIds({ input_ids: [idsOfLength(seq, vocab)] });
        if (run > 0) times.push((performance.now() - t0) / 1000);
      }
      rows.push({ where: 'Node', backend: encoder.backendInfo.name, seq, load, times });
      console.error(`Node ${encoder.backendInfo.name} ${seq} tokens: ${times.map((t) => t.toFixed(2)).join(', ')} s`);
    }
    encoder.dispose();
  }
  return rows;
}

const IN_PAGE = `async (splade, { base, backend, gpuMode, lengths, runs, ids }) => {
  const started = performance.now();
  const encoder = await splade.SpladeEncoder.fromPretrained(base, gpuMode ? { backend, gpuMode } : { backend });
  const load = (performance.now() - started) / 1000;
  const out = [];
  for (const seq of lengths) {
    const times = [];
    for (let run = 0; run <= runs; run++) {
      const t0 = performance.now();
      await encoder.encodeInputIds({ input_ids: [ids[seq]] });
      if (run > 0) times.push((performance.now() - t0) / 1000);
    }
    out.push({ seq, times });
  }
  const info = encoder.backendInfo.name;
  encoder.dispose();
  return { load, info, out };
}`;

async function benchBrowser(dir: string, vocab: number): Promise<Row[]> {
  const rows: Row[] = [];
  const bundle = await buildBundle();
  const server = await StaticServer.start({ '/dist/': bundle.dir, '/model/': dir }, { '/index.html': bundlePage('/dist/splade.js') });
  const chrome = await launchChromium();
  try {
    const { page } = await openBundlePage(chrome.browser, `${server.origin}/index.html`);
    const renderer = await runInPage<string>(page, `async () => {
      const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
      const info = gl && gl.getExtension('WEBGL_debug_renderer_info');
      return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : 'unknown';
    }`);
    console.error(`chromium WebGL renderer: ${renderer}`);
    const software = /swiftshader/i.test(renderer) ? ', software rendering (SwiftShader)' : '';
    const ids: Record<number, number[]> = {};
    for (const seq of lengths) ids[seq] = idsOfLength(seq, vocab);
    for (const [backend, gpuMode] of [['cpu', undefined], ['gpu', 'webgl2'], ['gpu', 'webgpu']] as const) {
      try {
        const result = await runInPage<{ load: number; info: string; out: Array<{ seq: number; times: number[] }> }>(page, IN_PAGE, {
          base: '/model/', backend, gpuMode, lengths, runs, ids,
        });
        for (const { seq, times } of result.out) {
          rows.push({ where: `chromium${gpuMode ? software : ''}`, backend: result.info, seq, load: result.load, times });
          console.error(`chromium ${result.info} ${seq} tokens: ${times.map((t) => t.toFixed(2)).join(', ')} s`);
        }
      } catch (error) {
        console.error(`chromium ${backend} ${gpuMode ?? ''}: not run: ${(error as Error).message.split('\n')[0]}`);
      }
    }
  } finally {
    await chrome.close();
    await server.close();
    bundle.dispose();
  }
  return rows;
}

/** Minified and gzip sizes of the core bundle (what `import` loads) and of the GPU backend (loaded on demand). */
async function bundleSizes(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'splade-sizes-'));
  const meta = await buildBrowserBundle(dir, { minify: true, sourcemap: false });
  const outputs = meta.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file].entryPoint)!;
  const closure = (start: string, kinds: readonly string[]): Set<string> => {
    const seen = new Set<string>([start]);
    const queue = [start];
    while (queue.length > 0) {
      for (const imp of outputs[queue.pop()!].imports) {
        if (kinds.includes(imp.kind) && !seen.has(imp.path) && outputs[imp.path]) {
          seen.add(imp.path);
          queue.push(imp.path);
        }
      }
    }
    return seen;
  };
  const core = closure(entry, ['import-statement']);
  const all = closure(entry, ['import-statement', 'dynamic-import']);
  const gpuFiles = [...all].filter((file) => !core.has(file));
  const size = (files: Iterable<string>): [number, number] => {
    let raw = 0;
    let gz = 0;
    for (const file of files) {
      const bytes = readFileSync(file);
      raw += bytes.length;
      gz += gzipSync(bytes, { level: 9 }).length;
    }
    return [raw, gz];
  };
  const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
  const gpuOwn = gpuFiles.filter((f) => !/gpu-browser/.test(f));
  const gpuLib = gpuFiles.filter((f) => /gpu-browser/.test(f));
  const lines = [
    '| part | files | minified | gzip |',
    '|---|---|---:|---:|',
    ...([['core (`import` of the package)', core], ['GPU backend (splade-ts kernels and glue)', gpuOwn], ['gpu.js itself (its browser build)', gpuLib], ['GPU backend in all', gpuFiles]] as const)
      .map(([name, files]) => {
        const [raw, gz] = size(files);
        return `| ${name} | ${[...files].map((f) => relative(dir, resolve(f))).join(', ')} | ${kib(raw)} | ${kib(gz)} |`;
      }),
  ];
  rmSync(dir, { recursive: true, force: true });
  return lines.join('\n');
}

const dir = await benchModelDir(options.model);
const vocab = (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { vocab_size: number }).vocab_size;
const rows: Row[] = [];
if (!options['no-node']) rows.push(...(await benchNode(dir, vocab)));
if (!options['no-browser']) {
  const skip = browserSkipReason();
  if (skip) console.error(`browser rows not run: ${skip}`);
  else rows.push(...(await benchBrowser(dir, vocab)));
}
console.log(`### bert-base encode timings (batch 1, median of ${runs} runs after 1 warm-up)\n`);
console.log(`model: ${dir}; machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}\n`);
console.log('| runtime | backend | tokens | median s | runs (s) | model load s |\n|---|---|---:|---:|---|---:|');
for (const r of rows) {
  console.log(`| ${r.where} | ${r.backend} | ${r.seq} | ${median(r.times).toFixed(2)} | ${r.times.map((t) => t.toFixed(2)).join(', ')} | ${r.load.toFixed(1)} |`);
}
console.log('\n### browser bundle sizes\n');
console.log(await bundleSizes());
