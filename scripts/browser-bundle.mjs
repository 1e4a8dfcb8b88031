// The browser build, shared by scripts/build.mjs and the browser tests (test/browser/), so
// the tests load exactly what ships. Code splitting keeps the optional gpu.js backend (loaded
// with a dynamic import only when asked for) in its own chunk: the core file never contains
// gpu.js, and a page that never asks for the GPU never downloads it.
import { build } from 'esbuild';
import { builtinModules } from 'node:module';

/**
 * The subpath entries (package.json exports `splade-ts/<name>`): the browser-safe ones are
 * built for browsers and Node, `node` and `hub` for Node only.
 */
export const SUBPATHS = (() => {
  const browser = Object.fromEntries(['tensor', 'formats', 'models', 'io', 'tokenizer', 'inspect', 'search', 'export', 'serve'].map((n) => [n, `src/entries/${n}.ts`]));
  const nodeOnly = Object.fromEntries(['node', 'hub'].map((n) => [n, `src/entries/${n}.ts`]));
  return { browser, node: { ...browser, ...nodeOnly } };
})();

/**
 * Builds src/index.ts (and the browser-safe subpath entries) for browsers into `outdir` (splade.js plus chunks). Throws when any file
 * of the graph imports a Node built-in. Resolves to esbuild's metafile.
 */
export async function buildBrowserBundle(outdir, { minify = false, sourcemap = true, entryName = 'splade' } = {}) {
  const result = await build({
    bundle: true,
    format: 'esm',
    target: 'es2022',
    logLevel: 'warning',
    platform: 'browser',
    splitting: true,
    entryPoints: { [entryName]: 'src/index.ts', ...(minify ? {} : SUBPATHS.browser) },
    chunkNames: minify ? 'chunks/[name]-[hash].min' : 'chunks/[name]-[hash]',
    outdir,
    // Not esbuild's syntax minification: gpu.js compiles the kernels from their source text
    // and cannot translate what it makes of them (`c && (x = -x)` statements, merged `let`s).
    minifyWhitespace: minify,
    minifyIdentifiers: minify,
    sourcemap,
    metafile: true,
  });
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  for (const [file, info] of Object.entries(result.metafile.inputs)) {
    for (const imp of info.imports) {
      if (builtins.has(imp.path) || imp.path.startsWith('node:')) {
        throw new Error(`browser bundle: ${file} imports the Node built-in '${imp.path}'`);
      }
    }
  }
  return result.metafile;
}
