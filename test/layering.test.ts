// The layering of src/ (.dependency-cruiser.mjs): the real tree passes, the folder table has
// no cycle, and a tree with one planted import per rule fails each rule (so the check can fail).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from './foundation/tmp.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const { LAYERS } = (await import(pathToFileURL(join(root, '.dependency-cruiser.mjs')).href)) as { LAYERS: Record<string, string[]> };

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

/** Runs dependency-cruiser on `dir`'s src/ with the project's rules; the violations found. */
function cruise(dir: string, config: string): Violation[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [depcruise, 'src', '--config', config, '--output-type', 'json'], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
  } catch (error) {
    // depcruise exits non-zero when it finds violations; the report is still on stdout.
    out = (error as { stdout?: string }).stdout ?? '';
    if (!out) throw error;
  }
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

test('src/ keeps its layering', () => {
  const violations = cruise(root, '.dependency-cruiser.mjs');
  const lines = violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
  assert.equal(lines, []);
});

test('the folder table has no cycle', () => {
  const layers = LAYERS;
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (folder: string, path: string[]): void => {
    if (state.get(folder) === 'done') return;
    if (state.get(folder) === 'visiting') assert.unreachable(`cycle: ${[...path, folder].join(' -> ')}`);
    state.set(folder, 'visiting');
    for (const next of layers[folder] ?? []) {
      assert.ok(next in layers, `${folder} allows unknown folder ${next}`);
      visit(next, [...path, folder]);
    }
    state.set(folder, 'done');
  };
  for (const folder of Object.keys(layers)) visit(folder, []);
});

// One planted import per rule, in a tree of its own (never in the real src/).
const planted: Record<string, string> = {
  'src/errors.ts': 'export class SpladeError extends Error {}\n',
  'src/index.ts': "export { parse } from './io/parse.js';\n",
  'src/io/parse.ts': "export { home } from '../node/home.js';\nexport const parse = 1;\n",
  'src/node/home.ts': "import { homedir } from 'node:os';\nexport const home = homedir();\n",
  'src/tensor/tensor.ts': "import { Model } from '../models/model.js';\nexport const tensor = Model;\n",
  'src/models/model.ts': "import { readFileSync } from 'node:fs';\nexport const Model = readFileSync;\n",
  'src/tokenizer/vocab.ts': "import { main } from '../cli/main.js';\nexport const vocab = main;\n",
  'src/cli/main.ts': 'export const main = 1;\n',
  'src/splade/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
  'src/splade/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
  'src/misc/stray.ts': "import { SpladeError } from '../errors.js';\nexport const stray = SpladeError;\n",
};

test('a planted import breaks each rule', () => {
  const dir = tempDir('layering');
  for (const [path, text] of Object.entries(planted)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
  const violations = cruise(dir, join(root, '.dependency-cruiser.mjs'));
  const found = (rule: string, from: string): boolean => violations.some((v) => v.rule.name === rule && v.from === from);
  const expected: Array<[rule: string, from: string]> = [
    ['layer-tensor', 'src/tensor/tensor.ts'],
    ['layer-io', 'src/io/parse.ts'],
    ['layer-tokenizer', 'src/tokenizer/vocab.ts'],
    ['node-builtins-only-in-node-and-cli', 'src/models/model.ts'],
    ['cli-only-from-cli-entry', 'src/tokenizer/vocab.ts'],
    ['browser-entry-never-reaches-node', 'src/index.ts'],
    ['no-circular', 'src/splade/a.ts'],
    ['unknown-folder', 'src/misc/stray.ts'],
  ];
  const report = violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).join('\n');
  for (const [rule, from] of expected) assert.ok(found(rule, from), `expected ${rule} from ${from}; got:\n${report}`);
});

test.run();
