// Runs a Worker under workerd, Cloudflare's Workers runtime, as the tests need it: bundle the
// Worker with esbuild the way wrangler does (its module rules: .wasm -> compiled WebAssembly,
// .safetensors -> Data, .txt -> Text, kept as separate modules), write a config.capnp that
// embeds those modules (schema: cloudflare/workerd src/workerd/server/workerd.capnp), serve it on
// 127.0.0.1 at a free port, and read the process's peak memory before stopping it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A module of the Worker besides its script: workerd's module kinds for these files. */
interface ExtraModule {
  readonly name: string;
  readonly kind: 'wasm' | 'data' | 'text';
  readonly path: string;
}

const KIND_BY_EXTENSION: Record<string, ExtraModule['kind']> = { '.wasm': 'wasm', '.safetensors': 'data', '.txt': 'text' };

/** The file an `exports` entry gives under wrangler's conditions (a string, or the first condition that matches). */
function conditionalTarget(entry: unknown): unknown {
  if (typeof entry !== 'object' || entry === null) return entry;
  const conditions = entry as Record<string, unknown>;
  for (const condition of ['workerd', 'worker', 'browser', 'default']) if (condition in conditions) return conditionalTarget(conditions[condition]);
  return undefined;
}

/**
 * esbuild resolution as in a project that installed splade-ts: `splade-ts` is the browser
 * bundle the package exports (dist/browser/splade.js) and `splade-ts/<subpath>` follows the
 * package's `exports` map under wrangler's conditions (workerd, worker, browser, default:
 * splade-ts/tokenizer is dist/browser/tokenizer.js), with `dist` standing for the package's
 * dist/ folder (a fresh build); `redirect` maps a path prefix elsewhere (a generated model
 * folder). .wasm, .safetensors and .txt files, and every file under a `dataFolders` folder,
 * become modules of their own, named in `modules`.
 */
function workerPlugin(modules: ExtraModule[], dist: string, redirect: Record<string, string>, dataFolders: readonly string[]): Plugin {
  const exportsMap = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports;
  const found = (path: string): { path: string; external?: boolean } => {
    const extension = /\.[a-z]+$/.exec(path)?.[0] ?? '';
    const kind = dataFolders.some((folder) => path.startsWith(folder + sep)) ? 'data' : KIND_BY_EXTENSION[extension];
    if (!kind) return { path };
    const name = `${modules.length}-${basename(path)}`;
    modules.push({ name, kind, path });
    return { path: name, external: true };
  };
  return {
    name: 'worker-modules',
    setup(b) {
      b.onResolve({ filter: /^splade-ts(\/.*)?$/ }, (args) => {
        const sub = args.path === 'splade-ts' ? '.' : `.${args.path.slice('splade-ts'.length)}`;
        const target = sub === '.' ? './dist/browser/splade.js' : conditionalTarget(exportsMap[sub]);
        if (typeof target !== 'string') return { errors: [{ text: `splade-ts does not export '${sub}'` }] };
        if (!target.startsWith('./dist/')) return { errors: [{ text: `splade-ts exports '${sub}' outside dist/: ${target}` }] };
        return found(join(dist, target.slice('./dist/'.length)));
      });
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        let path = resolve(args.resolveDir, args.path);
        for (const [from, to] of Object.entries(redirect)) if (path.startsWith(from)) path = to + path.slice(from.length);
        return found(path);
      });
    },
  };
}

/**
 * Bundles `entry` into `outDir`/worker.js against the package built into `dist` (laid out as
 * dist/: browser/splade.js, kernels.wasm); resolves to the other modules it imports. Files
 * under `dataFolders` (after `redirect`) are Data modules, whatever their extension.
 */
export async function bundleWorker(
  entry: string, outDir: string, dist: string, redirect: Record<string, string> = {}, dataFolders: readonly string[] = [],
): Promise<ExtraModule[]> {
  const modules: ExtraModule[] = [];
  await build({
    entryPoints: [entry],
    outfile: join(outDir, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    logLevel: 'warning',
    plugins: [workerPlugin(modules, dist, redirect, dataFolders.map((folder) => resolve(folder)))],
  });
  return modules;
}

function capnpString(value: string): string {
  return JSON.stringify(value);
}

/** The config.capnp serving `outDir`/worker.js with `modules` on `address`. */
export function workerdConfig(outDir: string, modules: readonly ExtraModule[], address: string): string {
  const lines = [
    `(name = "worker.js", esModule = embed "worker.js")`,
    ...modules.map((m) => `(name = ${capnpString(m.name)}, ${m.kind} = embed ${capnpString(relative(outDir, m.path))})`),
  ];
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = ${capnpString(address)}, http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [
    ${lines.join(',\n    ')}
  ],
  compatibilityDate = "2025-09-01",
);
`;
}

/** A port nobody listens on now (there is a small race until workerd binds it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** A running workerd. */
export class Workerd {
  private constructor(
    private readonly child: ChildProcess,
    readonly origin: string,
    private readonly output: { text: string },
  ) {}

  /** Serves `outDir`/worker.js (see bundleWorker) with `modules`; resolves once it answers HTTP. */
  static async start(binary: string, outDir: string, modules: readonly ExtraModule[]): Promise<Workerd> {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    writeFileSync(join(outDir, 'config.capnp'), workerdConfig(outDir, modules, address));
    const child = spawn(binary, ['serve', join(outDir, 'config.capnp')], { cwd: dirname(join(outDir, 'config.capnp')), stdio: ['ignore', 'pipe', 'pipe'] });
    const output = { text: '' };
    child.stdout!.on('data', (chunk: Buffer) => { output.text += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { output.text += chunk.toString(); });
    const workerd = new Workerd(child, `http://${address}`, output);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}:\n${output.text}`);
      try {
        await fetch(`${workerd.origin}/__ready`, { method: 'HEAD' });
        return workerd;
      } catch {
        if (Date.now() > deadline) {
          await workerd.stop();
          throw new Error(`workerd did not answer on ${address} within 30 s:\n${output.text}`);
        }
        await new Promise((done) => setTimeout(done, 100));
      }
    }
  }

  /** What workerd printed (the Worker's console output lands here). */
  get log(): string {
    return this.output.text;
  }

  /** Peak resident memory of the workerd process so far, in MiB (Linux /proc). */
  peakRssMiB(): number | undefined {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
      return match ? Number(match[1]) / 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stops workerd and waits for it to exit (SIGKILL after 5 s). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.kill();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
