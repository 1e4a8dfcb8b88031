// The public API's shape: a small root entry, every subpath of package.json backed by an entry
// file, and one error hierarchy that users can catch by its base class.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeError } from '../src/errors.js';

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
    for (const needed of ['SpladeEncoder', 'SparseVector', 'dot', 'decode', 'createBackend', 'SpladeError']) {
      assert.ok(names.includes(needed), `${entry} lacks ${needed}`);
    }
  }
});

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
const entryFiles = readdirSync(join(root, 'src/entries')).filter((f) => f.endsWith('.ts'));

test('every subpath of package.json is an entry file, and every entry file a subpath', () => {
  const subpaths = Object.keys(pkg.exports).filter((k) => k !== '.' && k !== './package.json').map((k) => k.slice(2)).sort();
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

test.run();
