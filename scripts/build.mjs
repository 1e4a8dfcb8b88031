// Builds dist/: the Node package, the CLI, a browser ESM bundle and type declarations.
// The browser bundle is checked to contain no Node built-in import: file-system access
// lives only in src/node/, which the browser entry never imports.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';

const common = { bundle: true, format: 'esm', sourcemap: true, target: 'es2022', logLevel: 'warning' };

await build({
  ...common,
  platform: 'node',
  entryPoints: { index: 'src/index.node.ts', cli: 'src/cli/main.ts' },
  outdir: 'dist/node',
  packages: 'external',
});

const browser = await build({
  ...common,
  platform: 'browser',
  entryPoints: { splade: 'src/index.ts' },
  outdir: 'dist/browser',
  metafile: true,
  external: ['gpu.js'],
});
await build({ ...common, platform: 'browser', entryPoints: { 'splade.min': 'src/index.ts' }, outdir: 'dist/browser', minify: true, external: ['gpu.js'] });

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
for (const [file, info] of Object.entries(browser.metafile.inputs)) {
  for (const imp of info.imports) {
    if (builtins.has(imp.path) || imp.path.startsWith('node:')) {
      throw new Error(`browser bundle: ${file} imports the Node built-in '${imp.path}'`);
    }
  }
}

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
console.log('built dist/node, dist/browser, dist/types');
