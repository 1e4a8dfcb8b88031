// The public API's shape: a small root entry, every subpath of package.json backed by an entry
// file, and one error hierarchy that users can catch by its base class.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeError } from '../src/errors.js';
import { SHIPPED_KERNELS } from '../src/tensor/wasm/kernel-module.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MAX_ROOT_NAMES = 40;

const ROOT_ENTRIES = ['src/index.ts', 'src/index.node.ts'].map((f) => join(root, f));

/** The names (values and types) each module exports, as TypeScript sees them (one program: it is slow to make). */
function exportedNames(files: readonly string[]): string[][] {
  const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  return files.map((file) => checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!).map((s) => s.name).sort());
}

test(`the root entries export at most ${MAX_ROOT_NAMES} names`, () => {
  const all = exportedNames(ROOT_ENTRIES);
  for (const [i, entry] of ROOT_ENTRIES.entries()) {
    const names = all[i];
    assert.ok(names.length <= MAX_ROOT_NAMES, `${entry} exports ${names.length} names: ${names.join(', ')}`);
    for (const needed of ['SpladeEncoder', 'SparseVector', 'dot', 'decode', 'createBackend', 'SpladeError', 'pruneVector', 'parsePrune', 'Prune']) {
      assert.ok(names.includes(needed), `${entry} lacks ${needed}`);
    }
  }
});

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
const entryFiles = readdirSync(join(root, 'src/entries')).filter((f) => f.endsWith('.ts'));

/** Subpaths that are files, not code: the prebuilt kernels (docs/runtimes.md). */
const FILE_SUBPATHS = SHIPPED_KERNELS.map((k) => `./${k.file}`);

test('the prebuilt kernel files are subpaths, each the file the build writes', () => {
  for (const subpath of FILE_SUBPATHS) assert.is(pkg.exports[subpath], `./dist/${subpath.slice(2)}`);
});

test('every subpath of package.json is an entry file, and every entry file a subpath', () => {
  const subpaths = Object.keys(pkg.exports)
    .filter((k) => k !== '.' && k !== './package.json' && !FILE_SUBPATHS.includes(k))
    .map((k) => k.slice(2)).sort();
  assert.equal(subpaths, entryFiles.map((f) => f.replace(/\.ts$/, '')).sort());
  for (const name of subpaths) {
    const target = pkg.exports[`./${name}`] as { types: string; node: string };
    assert.is(target.types, `./dist/types/entries/${name}.d.ts`);
    assert.is(target.node, `./dist/node/${name}.js`);
    assert.ok(existsSync(join(root, 'src/entries', `${name}.ts`)));
  }
});

test('every error class exported anywhere extends SpladeError', async () => {
  const modules = ['src/index.ts', 'src/index.node.ts', ...entryFiles.map((f) => `src/entries/${f}`)];
  let errors = 0;
  for (const file of modules) {
    const exports = (await import(pathToFileURL(join(root, file)).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
      errors++;
      assert.ok(value === SpladeError || value.prototype instanceof SpladeError, `${file}: ${name} does not extend SpladeError`);
    }
  }
  assert.ok(errors > 20, `only ${errors} error classes found: the scan is broken`);
});

test('the browser-safe hub file choice is exported by a subpath that browsers can import', async () => {
  // splade-ts/hub has no browser condition, so docs/hub.md points browsers at splade-ts/io.
  const io = (await import('../src/entries/io.js')) as Record<string, unknown>;
  const hub = (await import('../src/entries/hub.js')) as Record<string, unknown>;
  for (const name of ['chooseModelFiles', 'parseModelInfo', 'shardsFromIndex', 'isRepoId', 'parseRepoId', 'HubError']) {
    assert.type(io[name], 'function', `splade-ts/io lacks ${name}`);
    assert.is(io[name], hub[name], `${name} differs between splade-ts/io and splade-ts/hub`);
  }
  assert.ok((pkg.exports['./io'] as Record<string, string>).default.startsWith('./dist/browser/'));
});

test('the errors createBackend is documented to throw can be imported', async () => {
  const tensor = (await import('../src/entries/tensor.js')) as Record<string, unknown>;
  const { createBackend } = await import('../src/index.node.js');
  for (const name of ['BackendOptionsError', 'GpuUnavailableError']) assert.type(tensor[name], 'function', `splade-ts/tensor lacks ${name}`);
  // Node has only gpu.js's webasm mode, so asking for webgl2 throws the exported class.
  await createBackend({ backend: 'gpu', gpuMode: 'webgl2' }).then(
    () => assert.unreachable('webgl2 in Node'),
    (error: unknown) => assert.ok(error instanceof (tensor.GpuUnavailableError as new () => Error), String(error)),
  );
});

/** The file behind an import specifier of the docs: `splade-ts[/sub]` or a path into src/. */
function entryOf(specifier: string): string | undefined {
  if (specifier === 'splade-ts') return join(root, 'src/index.node.ts');
  if (specifier.startsWith('splade-ts/')) {
    const sub = specifier.slice('splade-ts/'.length);
    return FILE_SUBPATHS.includes(`./${sub}`) ? undefined : join(root, 'src/entries', `${sub}.ts`);
  }
  if (specifier.startsWith('./src/')) return join(root, specifier);
  return undefined;
}

test('every name the README and docs import from splade-ts is exported there', () => {
  const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const imports: { doc: string; names: string[]; file: string }[] = [];
  for (const doc of docs) {
    const text = readFileSync(join(root, doc), 'utf8');
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
      const file = entryOf(m[2]);
      if (file === undefined) continue;
      assert.ok(existsSync(file), `${doc} imports from '${m[2]}', which has no entry file`);
      const names = m[1].split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]).filter((n) => n !== '');
      imports.push({ doc, names, file });
    }
  }
  assert.ok(imports.length > 10, `only ${imports.length} imports found in the docs: the scan is broken`);
  const files = [...new Set(imports.map((i) => i.file))];
  const names = exportedNames(files);
  const exported = new Map(files.map((f, i) => [f, names[i]] as const));
  for (const { doc, names: wanted, file } of imports) {
    for (const name of wanted) assert.ok(exported.get(file)!.includes(name), `${doc} imports ${name} from ${file.slice(root.length)}, which does not export it`);
  }
});

test.run();
