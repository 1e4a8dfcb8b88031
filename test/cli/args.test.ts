// The argument checks every command shares: parseArgs mistakes and bad numbers become one-line
// UsageErrors (exit code 2) worded for the command line, never Node's own multi-line text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { oneOf, optionalNumber, parseCommandArgs, wholeNumber } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/command.js';

const options = {
  model: { type: 'string' },
  text: { type: 'string', multiple: true },
  'top-k': { type: 'string' },
  query: { type: 'boolean' },
} as const;

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.instance(error, UsageError);
    const message = (error as Error).message;
    assert.not.match(message, /\n/, `one line: ${message}`);
    assert.not.match(message, /ambiguous|Did you forget|ERR_PARSE_ARGS/, message);
    return message;
  }
  throw new assert.Assertion({ message: 'expected a UsageError', operator: 'throws', generated: false, expects: 'UsageError', actual: 'no error' });
}

test('parseArgs mistakes: the option named, what to do, one line', () => {
  const cases: Array<[string[], string]> = [
    [['--top-k'], '--top-k needs a value'],
    [['--top-k', '--query'], '--top-k needs a value'],
    [['--text', '-x'], "--text needs a value; to give one that starts with '-', write --text=-x"],
    [['--text', 'a', '--text', '-x'], "--text needs a value; to give one that starts with '-', write --text=-x"],
    [['--topk', '3'], "unknown option '--topk' (did you mean --top-k?)"],
    [['--top_k=3'], "unknown option '--top_k' (did you mean --top-k?)"],
    // A near spelling, as the API's option check suggests one (option-names.ts): a letter off.
    [['--mdel', 'm'], "unknown option '--mdel' (did you mean --model?)"],
    [['--querys'], "unknown option '--querys' (did you mean --query?)"],
    [['--bogus'], "unknown option '--bogus'"],
    [['-x'], "unknown option '-x'"],
    [['--query=yes'], '--query is a switch and takes no value'],
    [['stray'], "unexpected argument 'stray' (every value follows its option, as in --text 'stray')"],
  ];
  for (const [args, message] of cases) assert.is(usageMessage(() => parseCommandArgs(args, options)), message, args.join(' '));
});

test('a negative number is a value, so the option check can say what is wrong with it', () => {
  assert.equal({ ...parseCommandArgs(['--top-k', '-1', '--query'], options).values }, { 'top-k': '-1', query: true });
  assert.equal({ ...parseCommandArgs(['--text', '-0.5'], options).values }, { text: ['-0.5'] });
  assert.is(usageMessage(() => wholeNumber('top-k', '-1', { min: 1 })), "--top-k must be a whole number of at least 1, got '-1'");
  // A switch followed by a negative number is not joined: the number is a stray argument.
  assert.match(usageMessage(() => parseCommandArgs(['--query', '-1'], options)), /unknown option '-1'/);
});

test('positionals only where the command takes them', () => {
  assert.equal(parseCommandArgs(['a.bin', '--query'], options, true).positionals, ['a.bin']);
  assert.match(usageMessage(() => parseCommandArgs(['a.bin'], options)), /unexpected argument 'a\.bin'/);
});

test('wholeNumber: digits only, within the range, the reason for the maximum', () => {
  assert.is(wholeNumber('top-k', undefined, { min: 1 }), undefined);
  assert.is(wholeNumber('top-k', '7', { min: 1 }), 7);
  assert.is(wholeNumber('max-length', '512', { min: 2, max: 512 }), 512);
  for (const bad of ['0', '-1', '2.5', '1e3', ' 3', 'many', '', '99999999999999999999']) {
    assert.is(usageMessage(() => wholeNumber('top-k', bad, { min: 1 })), `--top-k must be a whole number of at least 1, got '${bad}'`, bad);
  }
  assert.is(
    usageMessage(() => wholeNumber('max-length', '513', { min: 2, max: 512, maxReason: "the model's max_position_embeddings" })),
    "--max-length must be a whole number from 2 to 512 (the model's max_position_embeddings), got '513'",
  );
});

test('optionalNumber: --explain alone, before another option or at the end, takes the fallback; --explain 5 the number', () => {
  assert.equal(optionalNumber(['--explain', '--top-k', '3'], 'explain', 'all'), ['--explain=all', '--top-k', '3']);
  assert.equal(optionalNumber(['--top-k', '3', '--explain'], 'explain', 'all'), ['--top-k', '3', '--explain=all']);
  assert.equal(optionalNumber(['--explain', '5', '--top-k', '3'], 'explain', 'all'), ['--explain=5', '--top-k', '3']);
  assert.equal(optionalNumber(['--explain=7', '--top-k', '3'], 'explain', 'all'), ['--explain=7', '--top-k', '3']);
  // A word that is not a number stays a word, for parseArgs to call it unexpected.
  assert.equal(optionalNumber(['--explain', 'x'], 'explain', 'all'), ['--explain=all', 'x']);
  assert.equal(optionalNumber(['--', '--explain'], 'explain', 'all'), ['--', '--explain']);
});

test('oneOf: the choices listed', () => {
  assert.is(oneOf('format', 'bow', ['jsonl', 'bow']), 'bow');
  assert.is(oneOf('format', undefined, ['jsonl', 'bow']), undefined);
  assert.is(usageMessage(() => oneOf('format', 'xml', ['jsonl', 'bow'])), "--format must be one of jsonl, bow, got 'xml'");
});

test.run();
