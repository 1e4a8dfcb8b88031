// Builds dist/: the Node package, the CLI, a browser ESM bundle, type declarations and the
// WebAssembly kernels as files (dist/kernels.wasm, dist/kernels-shared.wasm) for runtimes that
// refuse to compile WebAssembly at run time (Cloudflare Workers, strict CSPs).
// The browser bundle (scripts/browser-bundle.mjs) is checked to contain no Node built-in
// import: file-system access lives only in src/node/, which the browser entry never imports.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { buildBrowserBundle, SUBPATHS } from './browser-bundle.mjs';
import { writeKernelFiles } from './kernel-files.mjs';

const common = { bundle: true, format: 'esm', sourcemap: true, target: 'es2022', logLevel: 'warning' };

// Every entry of package.json's exports: the root and the subpaths. Code splitting makes the
// entries share one copy of each module, so a class (an error, say) is the same class whichever
// subpath it is imported through.
rmSync('dist/node', { recursive: true, force: true });
await build({
  ...common,
  platform: 'node',
  splitting: true,
  entryPoints: { index: 'src/index.node.ts', cli: 'src/cli/main.ts', ...SUBPATHS.node },
  chunkNames: 'chunks/[name]-[hash]',
  outdir: 'dist/node',
  packages: 'external',
});

// Chunk names carry content hashes: clear the folder so stale chunks do not pile up.
rmSync('dist/browser', { recursive: true, force: true });
await buildBrowserBundle('dist/browser');
await buildBrowserBundle('dist/browser', { minify: true, entryName: 'splade.min' });

await writeKernelFiles('dist');

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
console.log('built dist/node, dist/browser, dist/types, dist/kernels.wasm, dist/kernels-shared.wasm');
