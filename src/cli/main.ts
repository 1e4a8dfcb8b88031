// The `splade` command line. Each subcommand lives in its own module under commands/ and is
// imported only when used, so `splade tokenize` never loads the model code.
//
// Exit codes: 0 success; 1 a runtime error (a missing or broken file, a failed download);
// 2 a usage error (an unknown command or option, a bad or missing value). Either way one line
// on stderr, the stack trace only with --debug.
import { SpladeError } from '../errors.js';
import { VERSION } from '../version.js';
import { UsageError, type Command } from './command.js';

/** Each command's module, and its line in `splade --help` (kept here so help loads nothing). */
const commands: Record<string, { readonly summary: string; load(): Promise<{ command: Command }> }> = {
  encode: { summary: 'texts (or token ids) to SPLADE sparse vectors, as JSON lines', load: () => import('./commands/encode.js') },
  tokenize: { summary: 'tokens and ids of texts or JSON lines, as the Python tokenizer gives them', load: () => import('./commands/tokenize.js') },
  explain: { summary: 'one text\'s SPLADE vector explained in a self-contained HTML page', load: () => import('./commands/explain.js') },
  inspect: { summary: 'hidden states, attentions, logits or any module\'s output, by Hugging Face name', load: () => import('./commands/inspect.js') },
  fetch: { summary: 'download a model from the Hugging Face hub into weights/<owner>/<name>', load: () => import('./commands/fetch.js') },
  convert: { summary: 'a PyTorch pytorch_model.bin (or shards, or a folder) to safetensors', load: () => import('./commands/convert.js') },
  'inspect-weights': { summary: 'the tensors of a checkpoint: names, dtypes, shapes, sizes, metadata', load: () => import('./commands/inspect-weights.js') },
  quantize: { summary: 'a model folder with int8 or float16 weights, loaded without the float32 copy', load: () => import('./commands/quantize.js') },
  index: { summary: 'build an inverted index file from document vectors', load: () => import('./commands/index.js') },
  search: { summary: 'search an index with query texts or vectors (exact top k)', load: () => import('./commands/search.js') },
  eval: { summary: 'nDCG@10, MRR@10 and Recall@100 of a TREC run against qrels, or trec_eval\'s measures', load: () => import('./commands/eval.js') },
  export: { summary: 'vectors for pgvector, Elasticsearch, OpenSearch, Qdrant, Milvus, Pinecone, Vespa or Anserini', load: () => import('./commands/export.js') },
  serve: { summary: 'an HTTP server with text-embeddings-inference\'s API (POST /embed_sparse)', load: () => import('./commands/serve.js') },
  // Hidden (a name starting with _ is not listed): a worker process of `splade encode --workers`.
  '_encode-worker': { summary: 'internal', load: () => import('./commands/encode-worker.js') },
};

/** `splade --help`: one line per command. */
function mainUsage(): string {
  const listed = Object.entries(commands).filter(([name]) => !name.startsWith('_'));
  const width = Math.max(...listed.map(([name]) => name.length));
  const lines = listed.map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`);
  return [
    `splade ${VERSION}: SPLADE sparse vectors from BERT, DistilBERT, RoBERTa and XLM-RoBERTa checkpoints, in TypeScript`,
    '',
    'usage: splade <command> [options]    (splade <command> --help for its options)',
    '',
    'commands:',
    ...lines,
    '',
    '--model takes a model folder or a Hugging Face repository id (owner/name), looked up under',
    'weights/, in the Hugging Face cache, or downloaded.',
    '',
    'global options: --debug (print stack traces), --version, --help',
  ].join('\n');
}

/** Runs one command line; resolves to the exit code. `name` is set once the command is known. */
async function run(args: string[], context: { name?: string }): Promise<number> {
  const [name, ...rest] = args;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainUsage() + '\n');
    return 0;
  }
  if (name === undefined) {
    process.stderr.write(mainUsage() + '\n');
    return 2;
  }
  if (name === '--version') {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    const what = name.startsWith('-') ? `unknown option '${name}' before the command` : `unknown command '${name}'`;
    throw new UsageError(`${what} (splade --help lists the commands)`);
  }
  context.name = name;
  const { command } = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage + '\n');
    return 0;
  }
  return command.run(rest);
}

/** The one line a failure prints, without the `splade: ` prefix. */
function errorLine(error: unknown, command: string | undefined): string {
  if (error instanceof UsageError) {
    return command ? `${error.message} (splade ${command} --help shows the options)` : error.message;
  }
  if (error instanceof SpladeError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `unexpected error: ${message} (run with --debug for the stack trace)`;
}

/** Why a write failed, in words: `no space left on device (ENOSPC)`. */
function writeFailure(error: NodeJS.ErrnoException): string {
  // Node's message is "ENOSPC: no space left on device, write": the words between code and call.
  const words = /^[A-Z0-9]+: (.*?)(?:, \w+)?$/.exec(error.message)?.[1] ?? error.message;
  return error.code ? `${words} (${error.code})` : words;
}

/**
 * `splade encode ... | head`: once the reader of standard output has gone, stop quietly, as
 * Unix tools do on SIGPIPE (Node turns it into an 'error' event that would otherwise end the
 * process with a stack trace). 141 is the status a shell reports for a process SIGPIPE ended.
 * Any other write failure (a full disk: `> /dev/full`) loses output, so it is an error: one
 * line, status 1, the stack only with --debug.
 */
function stopWhenStdoutCloses(debug: boolean): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(141);
    if (debug) console.error(error);
    else console.error(`splade: cannot write to standard output: ${writeFailure(error)}`);
    process.exit(1);
  });
}

const argv = process.argv.slice(2);
const debug = argv.includes('--debug');
stopWhenStdoutCloses(debug);
const context: { name?: string } = {};
try {
  process.exitCode = await run(argv.filter((arg) => arg !== '--debug'), context);
} catch (error) {
  if (debug) console.error(error);
  else console.error(`splade: ${errorLine(error, context.name)}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
