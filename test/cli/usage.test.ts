// The command line as a new user meets it: mistakes in the arguments are one line on stderr
// that names the option and what it takes, exit code 2; a runtime failure (a missing folder)
// is one line and exit code 1; --debug alone shows a stack trace; --help describes every
// command and says that --model takes a repository id too.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Command } from '../../src/cli/command.js';
import { command as encode } from '../../src/cli/commands/encode.js';
import { command as explain } from '../../src/cli/commands/explain.js';
import { command as inspect } from '../../src/cli/commands/inspect.js';
import { command as tokenize } from '../../src/cli/commands/tokenize.js';
import { EXPORT_FORMATS } from '../../src/export/index.js';
import { tempDir } from '../foundation/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const f32 = join(root, 'test/parity/fixtures/f32');
const tmp = tempDir('cli-usage');
const usages = { encode: encode.usage, explain: explain.usage, inspect: inspect.usage, tokenize: tokenize.usage };

function splade(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Exit code 2, nothing on stdout, and exactly one line on stderr matching `message`. */
function assertUsageError(args: string[], message: RegExp): void {
  const r = splade(args);
  const what = args.join(' ');
  assert.is(r.code, 2, `${what}: exit code (stderr: ${r.stderr})`);
  assert.is(r.stdout, '', `${what}: stdout`);
  assert.match(r.stderr, /^splade: [^\n]+\n$/, `${what}: one line, got ${JSON.stringify(r.stderr)}`);
  assert.match(r.stderr, message, what);
  assert.not.match(r.stderr, /ambiguous|Did you forget|ERR_PARSE_ARGS|\n\s+at /, `${what}: no Node internals or stack`);
}

test('--top-k -1 end to end: one line naming the option, exit 2 (the other values: args.test.ts)', () => {
  assertUsageError(
    ['encode', '--model', f32, '--text', 'a', '--top-k', '-1'],
    /^splade: --top-k must be a whole number of at least 1, got '-1' \(splade encode --help shows the options\)\n$/,
  );
});

test('--max-length beyond the model: the option and the allowed range, exit 2, in encode, explain and inspect', () => {
  const range = /^splade: --max-length must be a whole number from 2 to 32 \(the model's max_position_embeddings\), got '600'/;
  assertUsageError(['encode', '--model', f32, '--text', 'a', '--max-length', '600'], range);
  assertUsageError(['explain', '--model', f32, '--text', 'a', '--max-length', '600', '--out', join(tmp, 'r.html')], range);
  assertUsageError(['inspect', '--model', f32, '--text', 'a', '--max-length', '600', '--logits', '--out', join(tmp, 'd.json')], range);
  assert.not.ok(existsSync(join(tmp, 'r.html')));
  assert.not.ok(existsSync(join(tmp, 'd.json')));
});

test('every command: an unknown option and a missing argument are usage errors (2); a missing folder is a runtime error (1)', () => {
  const missing: Array<[string[], RegExp]> = [
    [['encode', '--text', 'a'], /--model DIR\|REPO_ID is required/],
    [['explain', '--text', 'a'], /--model DIR\|REPO_ID, --out FILE\.html are required/],
    [['fetch'], /expected one REPO_ID \(owner\/name\), got 0/],
    [['encdoe'], /^splade: unknown command 'encdoe' \(splade --help lists the commands\)\n$/],
    [['--bogus'], /unknown option '--bogus' before the command/],
  ];
  for (const [args, message] of missing) assertUsageError(args, message);
  for (const command of ['encode', 'explain', 'inspect', 'tokenize', 'fetch', 'convert', 'inspect-weights']) {
    assertUsageError([command, '--bogus'], new RegExp(`^splade: unknown option '--bogus' \\(splade ${command} --help shows the options\\)\\n$`));
  }
  const nowhere = join(tmp, 'no-such-model');
  const runtime = splade(['encode', '--model', nowhere, '--text', 'a']);
  assert.is(runtime.code, 1, runtime.stderr);
  assert.match(runtime.stderr, /^splade: [^\n]*no-such-model[^\n]*\n$/);
  const debug = splade(['encode', '--model', nowhere, '--text', 'a', '--debug']);
  assert.is(debug.code, 1);
  assert.match(debug.stderr, /\n\s+at /, '--debug prints the stack');
});

test('explain with two --text: a usage error that says to run it once per text', () => {
  const out = join(tmp, 'two.html');
  assertUsageError(['explain', '--model', f32, '--text', 'a', '--text', 'b', '--out', out], /explain takes one --text \(got 2\); run it once per text/);
  assert.not.ok(existsSync(out));
});

test('--help: one line of description per command; every --model says DIR|REPO_ID', () => {
  const help = splade(['--help']);
  assert.is(help.code, 0);
  for (const command of ['encode', 'tokenize', 'explain', 'inspect', 'fetch', 'convert', 'inspect-weights']) {
    assert.match(help.stdout, new RegExp(`\\n  ${command} +\\S[^\\n]{20,}\\n`), `${command} has a description`);
  }
  assert.match(help.stdout, /repository id/);
  const none = splade([]);
  assert.is(none.code, 2);
  assert.is(none.stdout, '', 'no command: the usage goes to stderr');
  assert.match(none.stderr, /commands:/);
  for (const [name, usage] of Object.entries(usages)) {
    assert.match(usage, /--model DIR\|REPO_ID/, name);
    assert.not.match(usage, /--model DIR(?!\|REPO_ID)/, `${name}: a bare --model DIR`);
  }
  assert.match(usages.encode, /--query-model DIR\|REPO_ID/);
});

test('--help: the export line names every engine --to writes for, the eval line trec_eval\'s measures', () => {
  const help = splade(['--help']).stdout;
  const exportLine = help.split('\n').find((line) => line.startsWith('  export '));
  assert.ok(exportLine, 'an export line');
  const engines = new Set(Object.keys(EXPORT_FORMATS).map((name) => name.replace(/-(queries|topics|import)$/, '')));
  for (const engine of engines) assert.match(exportLine.toLowerCase(), new RegExp(`\\b${engine}\\b`), `${engine} in '${exportLine}'`);
  assert.match(help, /\n {2}eval +[^\n]*trec_eval/, 'eval names trec_eval (its --measures)');
});

test('every command --help lists has its row in the README\'s command table', () => {
  const listed = [...splade(['--help']).stdout.matchAll(/^  ([a-z][a-z-]*)  /gm)].map((m) => m[1]);
  assert.ok(listed.length >= 12, `only ${listed.length} commands read from --help: ${listed.join(', ')}`);
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Command line'), readme.indexOf('\n## ', readme.indexOf('## Command line') + 1));
  const rows = [...section.matchAll(/^\| `splade ([a-z-]+)/gm)].map((m) => m[1]);
  for (const command of listed) assert.ok(rows.includes(command), `README's command table has no row for 'splade ${command}'`);
});

/** Every command's usage text, by name (the modules of src/cli/commands). */
async function allUsages(): Promise<Map<string, string>> {
  const dir = join(root, 'src/cli/commands');
  const found = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    const { command } = (await import(pathToFileURL(join(dir, file)).href)) as { command: Command };
    found.set(file.replace(/\.ts$/, ''), command.usage);
  }
  return found;
}

/** `  --flag` or `  --flag VALUE` at the start of an option line. */
const OPTION = /^ {2}--[a-z][\w-]*(?: [^ -][^ ]*)?/;

/**
 * The lines of a help text whose descriptions do not start at the column of the others:
 * option lines (a flag too long for the column may have its description two spaces after it,
 * or on the next line) and the continuation lines under them.
 */
function misalignedLines(usage: string): string[] {
  const lines: Array<{ line: string; start: number; flagEnd?: number; gap?: number }> = [];
  let underOption = false;
  for (const line of usage.split('\n')) {
    const flag = OPTION.exec(line);
    const indent = /^ */.exec(line)![0].length;
    if (flag) {
      const rest = line.slice(flag[0].length);
      underOption = true;
      if (rest === '') continue;
      const gap = /^ */.exec(rest)![0].length;
      lines.push({ line, start: flag[0].length + gap, flagEnd: flag[0].length, gap });
    } else if (underOption && indent > 2 && line.trim() !== '') {
      lines.push({ line, start: indent });
    } else {
      underOption = false;
    }
  }
  const counts = new Map<number, number>();
  for (const { start } of lines) counts.set(start, (counts.get(start) ?? 0) + 1);
  const column = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  return lines.filter(({ start, flagEnd, gap }) => {
    if (start === column) return false;
    const longFlag = flagEnd !== undefined && column !== undefined && flagEnd >= column && gap! >= 2;
    return !longFlag;
  }).map(({ line }) => line);
}

test('--help of every command: option descriptions and their continuation lines start at one column', async () => {
  const usages = await allUsages();
  assert.ok(usages.size >= 13, `found ${usages.size} commands`);
  const misaligned = [...usages].flatMap(([name, usage]) => misalignedLines(usage).map((line) => `splade ${name} --help: ${line}`));
  assert.equal(misaligned, []);
  // The check sees misalignment.
  assert.equal(misalignedLines('  --a N     x\n            y\n  --b       x\n           y'), ['           y']);
  assert.equal(misalignedLines('  --a N     x\n  --long-flag N x'), ['  --long-flag N x']);
});

test('--help of every command: the usage line gives every option, or says [options]', async () => {
  const leftOut: string[] = [];
  for (const [name, usage] of await allUsages()) {
    const head = usage.split('\n').filter((line) => /^(usage: | {7})splade /.test(line)).join('\n');
    if (head.includes('[options]')) continue;
    for (const line of usage.split('\n')) {
      const flag = /^ {2}(--[a-z][\w-]*)/.exec(line)?.[1];
      if (flag && !head.includes(flag)) leftOut.push(`splade ${name}: ${flag}`);
    }
  }
  assert.equal(leftOut, [], 'options the usage line leaves out');
});

test.run();
