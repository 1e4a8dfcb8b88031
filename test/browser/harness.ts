// The one Chromium harness of the tests (and the browser benchmarks): builds the browser
// bundle exactly as scripts/build.mjs does, serves it (and model files, example pages) from a
// local node:http server on 127.0.0.1, and drives Debian's chromium through playwright-core.
// Never downloads a browser: when /usr/bin/chromium is absent, `browserSkipReason()` says so
// and `browserSuite` registers its tests as skipped. A browser test file is one call:
//
//   browserSuite('browser/x', { pages: { '/index.html': bundlePage('/dist/splade.js') } }, (it, chrome) => {
//     it('...', async () => { const { page } = await chrome.open('/index.html'); ... });
//   });
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { suite } from 'uvu';
import { buildBrowserBundle } from '../../scripts/browser-bundle.mjs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for headless software rendering: SwiftShader WebGL2 and, where offered, WebGPU. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--use-angle=swiftshader',
  '--enable-features=Vulkan',
  '--use-webgpu-adapter=swiftshader',
];

/** Why browser tests cannot run here, or undefined when they can. */
export function browserSkipReason(): string | undefined {
  if (!existsSync(CHROMIUM_PATH)) {
    return `${CHROMIUM_PATH} is absent (install it with: apt-get install -y chromium)`;
  }
  return undefined;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.css': 'text/css',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
};

/** One request a StaticServer answered. */
export interface ServedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ifNoneMatch?: string;
}

/**
 * A static server. `mounts` maps a URL prefix (`/dist/`) to a folder. Every path also exists
 * under `/coi/` (for example `/coi/dist/splade.js`), served with the cross-origin isolation
 * headers (COOP/COEP) that `SharedArrayBuffer` and threaded WebAssembly need. Files get an
 * ETag (a hash of their bytes, so a rewritten file gets a new one) and a matching
 * If-None-Match a 304, as static servers and the Hugging Face hub answer; `requests` records
 * every answer.
 */
export class StaticServer {
  private constructor(
    private readonly server: Server,
    readonly origin: string,
    readonly requests: ServedRequest[],
  ) {}

  static async start(mounts: Record<string, string>, pages: Record<string, string> = {}): Promise<StaticServer> {
    const roots = Object.entries(mounts).map(([prefix, dir]) => [prefix, resolve(dir)] as const);
    const requests: ServedRequest[] = [];
    const server = createServer((request, response) => {
      let path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      const ifNoneMatch = request.headers['if-none-match'];
      response.on('finish', () => requests.push({ method: request.method ?? 'GET', path, status: response.statusCode, ...(ifNoneMatch ? { ifNoneMatch } : {}) }));
      const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
      if (path.startsWith('/coi/')) {
        path = path.slice('/coi'.length);
        headers['Cross-Origin-Opener-Policy'] = 'same-origin';
        headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
        headers['Cross-Origin-Resource-Policy'] = 'same-origin';
      }
      if (path === '/favicon.ico') {
        response.writeHead(204, headers);
        response.end();
        return;
      }
      const page = pages[path];
      if (page !== undefined) {
        response.writeHead(200, { ...headers, 'Content-Type': MIME['.html'] });
        response.end(page);
        return;
      }
      const file = resolveMounted(roots, path);
      if (!file) {
        response.writeHead(404, headers);
        response.end('not found');
        return;
      }
      const body = readFileSync(file);
      const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
      if (ifNoneMatch === etag) {
        response.writeHead(304, { ...headers, ETag: etag });
        response.end();
        return;
      }
      response.writeHead(200, {
        ...headers,
        ETag: etag,
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Content-Length': String(body.length),
      });
      response.end(body);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    return new StaticServer(server, `http://127.0.0.1:${port}`, requests);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

function resolveMounted(roots: ReadonlyArray<readonly [string, string]>, path: string): string | undefined {
  for (const [prefix, dir] of roots) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(dir, path.slice(prefix.length)));
    // Refuse `..` escapes out of the mounted folder.
    if (file !== dir && !file.startsWith(dir + sep)) return undefined;
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return undefined;
}

/**
 * Builds the browser bundle into a fresh temporary folder (removed by `dispose`): `splade.js`
 * and, with `minified`, `splade.min.js` too, as scripts/build.mjs does.
 */
export async function buildBundle(options: { minified?: boolean } = {}): Promise<{ dir: string; dispose(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'splade-browser-'));
  await buildBrowserBundle(dir, { sourcemap: false });
  if (options.minified) await buildBrowserBundle(dir, { sourcemap: false, minify: true, entryName: 'splade.min' });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Bundles a test entry (test/browser/entries/) for the page into `dir`, as `<name>.js`. */
export async function buildTestEntry(entry: string, dir: string, name: string): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    logLevel: 'warning',
    entryPoints: { [name]: entry },
    outdir: dir,
  });
}

/**
 * Headless chromium. playwright-core gives every launch a fresh temporary profile
 * (`--user-data-dir`) and removes it on close, so runs never share state.
 */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  // SPLADE_CHROMIUM_FLAGS (space-separated) replaces the software-rendering flags, e.g. to
  // benchmark a real GPU.
  const flags = process.env.SPLADE_CHROMIUM_FLAGS?.split(/\s+/).filter(Boolean) ?? CHROMIUM_FLAGS;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: flags });
  return { browser, close: () => browser.close() };
}

/** Runs every cleanup even when some fail (a failed setup must not leave a server running). */
export async function cleanUp(...steps: Array<(() => unknown) | undefined>): Promise<void> {
  for (const step of steps) {
    try {
      await step?.();
    } catch (error) {
      console.error('cleanup failed:', error);
    }
  }
}

/**
 * The module source that imports the root bundle and the subpath bundles the tests use
 * (splade-ts/tensor, splade-ts/formats, built beside it) into one namespace named `name`.
 */
export function importBundles(rootUrl: string, name = 'splade'): string {
  const beside = (file: string): string => JSON.stringify(rootUrl.replace(/[^/]*$/, file));
  return `import * as spladeRoot from ${JSON.stringify(rootUrl)};
import * as spladeTensor from ${beside('tensor.js')};
import * as spladeFormats from ${beside('formats.js')};
const ${name} = { ...spladeTensor, ...spladeFormats, ...spladeRoot };`;
}

/** A page that imports the bundle (with the subpaths tests use) as `window.splade` and records console errors. */
export function bundlePage(bundleUrl: string): string {
  return `<!doctype html><meta charset="utf-8"><title>splade-ts test</title>
<script type="module">
  ${importBundles(bundleUrl)}
  window.splade = splade;
  window.spladeReady = true;
</script>`;
}

/** Opens `url`, waits until the page has imported the bundle, and collects page errors. */
export async function openBundlePage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url);
  await page.waitForFunction('window.spladeReady === true', undefined, { timeout: 30_000 });
  return { page, errors };
}

/**
 * Runs `source`, the text of an async function `(splade, args) => result`, in the page, with
 * the bundle's exports as `splade`. Source text rather than a function object, because tsx's
 * transform would put helpers into a function's text that the page does not define.
 */
export async function runInPage<T>(page: Page, source: string, args: unknown = null): Promise<T> {
  const expression = `(${source})(window.splade, ${JSON.stringify(args)})`;
  return (await page.evaluate(expression)) as T;
}

/** What a browser suite serves: the bundle, test entries, extra files, folders and pages. */
export interface BrowserSetup {
  /** Build the browser bundle (default true); `{ minified: true }` also builds splade.min.js. */
  readonly bundle?: boolean | { readonly minified: boolean };
  /** Where the bundle's folder is served (default `/dist/`). */
  readonly bundleAt?: string;
  /** Test entries bundled for the page into the bundle's folder: output name -> entry file. */
  readonly entries?: Readonly<Record<string, string>>;
  /** Files written into the bundle's folder: name -> text. */
  readonly files?: Readonly<Record<string, string>>;
  /** More folders to serve: URL prefix -> folder. */
  readonly mounts?: Readonly<Record<string, string>>;
  /** Pages served from memory: path -> HTML. */
  readonly pages?: Readonly<Record<string, string>>;
}

/** A running suite: the browser, the server's origin ('' when nothing is served), the bundle's folder. */
export class BrowserSession {
  browser!: Browser;
  origin = '';
  bundleDir = '';
  /** The static server (undefined when nothing is served): its `requests` say what was transferred. */
  server?: StaticServer;

  /** Opens `path` on the server, waits for the bundle page to be ready, and collects page errors. */
  open(path: string): Promise<{ page: Page; errors: string[] }> {
    return openBundlePage(this.browser, `${this.origin}${path}`);
  }
}

type Register = (title: string, fn: () => void | Promise<void>) => void;

/**
 * A uvu suite run in headless chromium: a `setup` test builds and serves what `setup` asks
 * for and launches chromium, `register` adds the tests (they use the session it is given), a
 * `teardown` test closes everything even after failures. Without chromium, every test is
 * registered as skipped and the reason printed once.
 */
export function browserSuite(name: string, setup: BrowserSetup, register: (it: Register, chrome: BrowserSession) => void): void {
  const tests = suite(name);
  const reason = browserSkipReason();
  const session = new BrowserSession();
  if (reason) {
    console.log(`${name}: skipping browser tests: ${reason}`);
    register((title) => tests.skip(title, () => undefined), session);
    tests.run();
    return;
  }
  let bundle: Awaited<ReturnType<typeof buildBundle>> | undefined;
  let server: StaticServer | undefined;
  let chrome: Awaited<ReturnType<typeof launchChromium>> | undefined;
  tests('setup: build and serve the pages, launch chromium', async () => {
    const mounts = { ...setup.mounts };
    if (setup.bundle !== false) {
      bundle = await buildBundle({ minified: typeof setup.bundle === 'object' && setup.bundle.minified });
      session.bundleDir = bundle.dir;
      for (const [output, entry] of Object.entries(setup.entries ?? {})) await buildTestEntry(entry, bundle.dir, output);
      for (const [file, text] of Object.entries(setup.files ?? {})) writeFileSync(join(bundle.dir, file), text);
      mounts[setup.bundleAt ?? '/dist/'] = bundle.dir;
    }
    if (Object.keys(mounts).length > 0 || setup.pages) {
      server = await StaticServer.start(mounts, setup.pages);
      session.origin = server.origin;
      session.server = server;
    }
    chrome = await launchChromium();
    session.browser = chrome.browser;
  });
  register(tests, session);
  tests('teardown', async () => {
    await cleanUp(chrome?.close, () => server?.close(), bundle?.dispose);
  });
  tests.run();
}
