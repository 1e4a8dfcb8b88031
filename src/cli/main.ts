// The `splade` command line. Each subcommand lives in its own module under commands/ and is
// imported only when used, so `splade tokenize` never loads the model code.
import { SpladeError } from '../errors.js';
import { VERSION } from '../version.js';
import { UsageError, type Command } from './command.js';

const commands: Record<string, () => Promise<{ command: Command }>> = {
  convert: () => import('./commands/convert.js'),
  encode: () => import('./commands/encode.js'),
  'inspect-weights': () => import('./commands/inspect-weights.js'),
  inspect: () => import('./commands/inspect.js'),
  explain: () => import('./commands/explain.js'),
  quantize: () => import('./commands/quantize.js'),
  tokenize: () => import('./commands/tokenize.js'),
  fetch: () => import('./commands/fetch.js'),
};

function mainUsage(): string {
  const lines = Object.keys(commands).map((name) => `  ${name}`);
  return [
    `splade ${VERSION}: SPLADE sparse vectors from BERT checkpoints, in TypeScript`,
    '',
    'usage: splade <command> [options]    (splade <command> --help for its options)',
    '',
    'commands:',
    ...lines,
    '',
    'global options: --debug (print stack traces), --version, --help',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const args = argv.filter((arg) => arg !== '--debug');
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainUsage() + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const load = commands[name];
  if (!load) throw new UsageError(`unknown command '${name}' (try splade --help)`);
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage + '\n');
    return 0;
  }
  return command.run(rest);
}

const debug = process.argv.includes('--debug');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (debug) {
    console.error(error);
  } else if (error instanceof SpladeError) {
    console.error(`splade: ${error.message}`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`splade: unexpected error: ${message} (run with --debug for the stack trace)`);
  }
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
