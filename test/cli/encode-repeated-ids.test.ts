// splade encode --output refuses a corpus that repeats a document id before it loads the model
// (in its counting pass), as splade index and splade export refuse the output later: hours of
// encoding would otherwise end in a file neither takes. Stdin, read once, is refused at the
// repeated line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { idHash } from '../../src/node/corpus/shard.js';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = tempDir('encode-repeated-ids');
const model = join(dir, 'model');

function splade(args: string[], input?: string): { code: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), 'encode', '--model', model, ...args], { encoding: 'utf8', input });
  return { code: result.status, stderr: result.stderr };
}

/** Writes `lines` to dir/name and runs `splade encode --input name --output name.out`. */
function encodeFile(name: string, content: string | Uint8Array, extra: string[] = []): { code: number | null; stderr: string; output: string } {
  const input = join(dir, name);
  writeFileSync(input, content);
  const output = join(dir, `${name}.out`);
  return { ...splade(['--input', input, '--output', output, '--batch-size', '8', ...extra]), output };
}

/** Refused before anything is written: one line on stderr, status 1, no output and no partial file. */
function assertRefused(run: { code: number | null; stderr: string; output: string }, message: string): void {
  assert.is(run.code, 1, run.stderr);
  assert.is(run.stderr, `splade: ${message}\n`);
  assert.not.ok(existsSync(run.output), 'no output');
  assert.not.ok(existsSync(`${run.output}.partial`), 'no partial file: refused before the run began');
}

const doc = (id: string | number, text = 'the river city'): string => JSON.stringify({ id, text });

test.before(async () => {
  await writeRandomBertFolder(model, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 32, vocab: 200, seed: 3 });
});

test('a repeated id far apart (line 1, then line 3002 past a blank line) is refused naming both lines', () => {
  const lines = [doc('d0'), ...Array.from({ length: 2999 }, (_, k) => doc(`d${k + 1}`)), '', doc('d0')];
  const run = encodeFile('far.jsonl', lines.join('\n') + '\n');
  assertRefused(run, `${join(dir, 'far.jsonl')} line 3002: id "d0" repeats line 1's`);
});

test('the number 7 and the string "7" are one id (as index and export store ids)', () => {
  const run = encodeFile('seven.jsonl', [doc('a'), doc(7), doc('b'), doc('7')].join('\n') + '\n');
  assertRefused(run, `${join(dir, 'seven.jsonl')} line 4: id "7" repeats line 2's`);
  const reverse = encodeFile('seven-reverse.jsonl', [doc('7'), doc(7)].join('\n') + '\n');
  assertRefused(reverse, `${join(dir, 'seven-reverse.jsonl')} line 2: id "7" repeats line 1's (the number 7 is the id "7": ids are stored as text)`);
});

test('a line without an id has its position as id, which a given id may repeat', () => {
  const run = encodeFile('position.jsonl', [doc(1), JSON.stringify('a text without an id')].join('\n') + '\n');
  assertRefused(run, `${join(dir, 'position.jsonl')} line 2: id "1" (its position: the line gives no id) repeats line 1's`);
});

test('TSV (MS MARCO\'s collection.tsv) and gzip inputs: the lines named as in the decompressed text', () => {
  const tsv = ['0\tfirst', '1\tsecond', '', '0\tthird'].join('\n') + '\n';
  assertRefused(encodeFile('collection.tsv', tsv), `${join(dir, 'collection.tsv')} line 4: id "0" repeats line 1's`);
  assertRefused(encodeFile('collection.tsv.gz', gzipSync(tsv)), `${join(dir, 'collection.tsv.gz')} line 4: id "0" repeats line 1's`);
  const jsonl = [doc('x'), doc('y'), doc('y')].join('\n') + '\n';
  assertRefused(encodeFile('corpus.jsonl.gz', gzipSync(jsonl)), `${join(dir, 'corpus.jsonl.gz')} line 3: id "y" repeats line 2's`);
});

test('--shard: the shard that holds the repeated id refuses it; the other shard, without it, is encoded', () => {
  // Ids 'a'..'z' and a repeated 'q'; equal ids always fall in one shard.
  const ids = Array.from({ length: 26 }, (_, k) => String.fromCharCode(97 + k));
  const content = [...ids.map((id) => doc(id)), doc('q')].join('\n') + '\n';
  const holder = idHash('q') % 2;
  assertRefused(encodeFile('sharded.jsonl', content, ['--shard', `${holder}/2`]), `${join(dir, 'sharded.jsonl')} line 27: id "q" repeats line 17's`);
  const other = encodeFile('sharded.jsonl', content, ['--shard', `${1 - holder}/2`]);
  assert.is(other.code, 0, other.stderr);
  const written = readFileSync(other.output, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as { id: string }).id);
  assert.equal(written, ids.filter((id) => idHash(id) % 2 !== holder));
});

test('stdin (read once, not counted first) is refused at the repeated line; the partial file is left', () => {
  const output = join(dir, 'stdin.out');
  const lines = [...Array.from({ length: 40 }, (_, k) => doc(`s${k}`)), doc('s3')];
  const run = splade(['--input', '-', '--output', output, '--batch-size', '4', '--window', '8'], lines.join('\n') + '\n');
  assert.is(run.code, 1, run.stderr);
  assert.match(run.stderr, /^splade: stdin line 41: id "s3" repeats line 4's\n$/m);
  assert.not.ok(existsSync(output), 'no output: the run did not finish');
  assert.ok(existsSync(`${output}.partial`), 'the partial file is left, as after any error mid-run');
});

test('--no-id-check encodes a corpus that repeats an id (for ids known to be unique, in a corpus too large for the check)', () => {
  const run = encodeFile('unchecked.jsonl', [doc('a'), doc('b'), doc('a', 'another text')].join('\n') + '\n', ['--no-id-check']);
  assert.is(run.code, 0, run.stderr);
  const written = readFileSync(run.output, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as { id: string }).id);
  assert.equal(written, ['a', 'b', 'a']);
});

test('--no-id-check is a flag of --output (printed texts are always checked)', () => {
  const input = join(dir, 'printed.jsonl');
  writeFileSync(input, doc('a') + '\n');
  const { code, stderr } = splade(['--input', input, '--no-id-check']);
  assert.is(code, 2, stderr);
  assert.match(stderr, /--no-id-check: only with --output FILE/);
});

test.run();
