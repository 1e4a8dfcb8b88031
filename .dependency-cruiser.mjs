// The layering of src/, checked by dependency-cruiser (test/layering.test.ts runs it; so does
// `npm run lint:layers`). Each folder may import itself, the shared root files (errors.ts,
// version.ts, option-names.ts) and the folders listed for it here, nothing else; the lists form no cycle.
// README.md ("How it is built") shows the same table.

/** Folder of src/ -> the other folders of src/ it may import. */
export const LAYERS = {
  tensor: [],
  formats: ['tensor'],
  tokenizer: [],
  models: ['tensor'],
  io: ['formats', 'tensor', 'models', 'tokenizer'],
  splade: ['io', 'models', 'tokenizer', 'tensor', 'formats'],
  search: ['splade'],
  export: ['splade', 'tokenizer'],
  inspect: ['splade', 'io', 'models', 'tokenizer', 'tensor', 'formats'],
  serve: ['splade', 'models', 'tokenizer', 'search'],
  node: ['tensor', 'formats', 'tokenizer', 'models', 'io', 'splade', 'search', 'export', 'inspect', 'serve'],
  cli: ['tensor', 'formats', 'tokenizer', 'models', 'io', 'splade', 'search', 'export', 'inspect', 'node', 'serve'],
};

const SHARED = ['errors\\.ts', 'version\\.ts', 'option-names\\.ts'];

/** One rule per folder: what it imports from src/ must be itself, a shared file or an allowed folder. */
function folderRule(folder, allowed) {
  const ok = [folder, ...allowed].map((f) => `${f}/`).concat(SHARED);
  return {
    name: `layer-${folder}`,
    comment: `src/${folder} may import only ${allowed.length ? allowed.map((f) => `src/${f}`).join(', ') : 'nothing else in src'} (and src/errors.ts, src/version.ts, src/option-names.ts)`,
    severity: 'error',
    from: { path: `^src/${folder}/` },
    to: { path: '^src/', pathNot: `^src/(${ok.join('|')})` },
  };
}

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...Object.entries(LAYERS).map(([folder, allowed]) => folderRule(folder, allowed)),
    {
      name: 'unknown-folder',
      comment: 'every file of src/ lives in a folder of LAYERS (or is an entry or shared root file), so every import is ruled',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(${[...Object.keys(LAYERS), 'entries'].join('|')})/|^src/[^/]+\\.ts$` },
      to: {},
    },
    {
      name: 'cli-only-from-cli-entry',
      comment: 'nothing but the CLI itself imports src/cli (its entry is src/cli/main.ts)',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'node-builtins-only-in-node-and-cli',
      comment: 'Node built-ins (fs, worker_threads, ...) only in src/node and src/cli, so the rest runs in browsers and edge runtimes',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(node|cli)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'browser-entry-never-reaches-node',
      comment: 'the browser entry (src/index.ts) and the browser-safe subpath entries never reach src/node or src/cli',
      severity: 'error',
      from: { path: '^src/(index|entries/(?!node|hub)[^/]+)\\.ts$' },
      to: { path: '^src/(node|cli)/', reachable: true },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles between modules (and so none between folders)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
