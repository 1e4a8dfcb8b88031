// `npm run fetch-weights [-- REPO_ID] [--revision REV] [--out DIR] [--quiet]`: `splade fetch`,
// fetching the project's target model prithivida/Splade_PP_en_v1 when no REPO_ID is given.
// Offline it fails at once with splade fetch's one-line error (exit 1).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const TARGET_MODEL = 'prithivida/Splade_PP_en_v1';

const args = process.argv.slice(2);
// Only to find a REPO_ID among the arguments: splade fetch checks them all. The options that
// take a value are named so that `--out DIR` is not read as a repository id.
const { positionals } = parseArgs({
  args,
  strict: false,
  allowPositionals: true,
  options: { revision: { type: 'string' }, out: { type: 'string' } },
});
const cli = fileURLToPath(new URL('../bin/splade.js', import.meta.url));
const fetchArgs = positionals.length === 0 ? [TARGET_MODEL, ...args] : args;
const run = spawnSync(process.execPath, [cli, 'fetch', ...fetchArgs], { stdio: 'inherit' });
process.exitCode = run.status ?? 1;
