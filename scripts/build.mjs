// Builds dist/: the Node package, the CLI, a browser ESM bundle and type declarations.
// The browser bundle (scripts/browser-bundle.mjs) is checked to contain no Node built-in
// import: file-system access lives only in src/node/, which the browser entry never imports.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { buildBrowserBundle, SUBPATHS } from './browser-bundle.mjs';

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

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
console.log('built dist/node, dist/browser, dist/types');
