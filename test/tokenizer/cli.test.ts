// `splade tokenize`: the JSON-lines interface other tools rely on.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputLineError, tokenizeStream } from '../../src/cli/commands/tokenize.js';
import { BertTokenizer } from '../../src/tokenizer/index.js';
import { bertTokenizerJson } from '../../tools/bert-tokenizer-json.js';
import { bertBaseUncasedVocabText } from '../../tools/bert-vocab.js';
import { robertaTokenizerJson, writeRobertaTokenizerFiles } from '../../tools/roberta-tokenizer-files.js';
import { xlmrTokenizerJson } from '../../tools/xlmr-tokenizer-files.js';
import { rustEncode, rustTokenizer, rustTokenizerFromJson } from './reference.js';

const tokenizer = BertTokenizer.fromVocab(bertBaseUncasedVocabText());
const cli = suite('splade tokenize');

async function run(input: string, maxLength = 512): Promise<{ lines: unknown[]; error?: Error }> {
  let written = '';
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString();
      done();
    },
  });
  let error: Error | undefined;
  try {
    await tokenizeStream(tokenizer, Readable.from([input]), output, maxLength);
  } catch (e) {
    error = e as Error;
  }
  return { lines: written.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown), ...(error ? { error } : {}) };
}

cli('one output line per input line, in order, with Rust ids and the pieces without [CLS]/[SEP]', async () => {
  const texts = ['Hello, World!', '', 'naïve café 東京 😀', '[MASK] is special', 'x'.repeat(101)];
  const input = texts.map((text, i) => JSON.stringify({ id: i % 2 ? `doc-${i}` : i, text })).join('\n') + '\n';
  const { lines, error } = await run(input);
  assert.is(error, undefined);
  const rust = rustTokenizer();
  for (const [i, text] of texts.entries()) {
    const expected = await rustEncode(rust, text);
    assert.equal(lines[i], { id: i % 2 ? `doc-${i}` : i, tokens: expected.tokens.slice(1, -1), ids: expected.ids });
  }
});

cli('ids are truncated to the maximum length; tokens follow them', async () => {
  const { lines } = await run('{"id": 7, "text": "one two three four five"}\r\n', 4);
  assert.equal(lines, [{ id: 7, tokens: ['one', 'two'], ids: [101, 2028, 2048, 102] }]);
});

cli('a bad line stops the run with its line number; lines before it are written, none after', async () => {
  const cases: Array<[string, RegExp]> = [
    ['{"id": 1, "text": "ok"}\n\n{"id": 2, "text": "fine"}\n{oops\n{"id": 4, "text": "after"}\n', /line 4: not valid JSON/],
    ['{"id": 1, "text": "ok"}\n{"id": 2, "text": "fine"}\n{"id": 3}\n{"id": 4, "text": "after"}\n', /line 3: no "text" field/],
    ['{"id": 1, "text": "ok"}\n{"id": 2, "text": "fine"}\n{"id": 3, "text": 5}\n', /line 3: "text" must be a string/],
    ['{"id": 1, "text": "ok"}\n{"id": 2, "text": "fine"}\n[1, 2]\n', /line 3: expected a JSON object/],
  ];
  for (const [input, message] of cases) {
    const { lines, error } = await run(input);
    assert.instance(error, InputLineError);
    assert.match(error!.message, message);
    assert.equal(lines.map((l) => (l as { id: number }).id), [1, 2], String(message));
  }
});

const root = fileURLToPath(new URL('../..', import.meta.url));

cli('bin/splade.js tokenize: --model folder, --input file, exit codes and messages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'splade-tokenize-'));
  writeFileSync(join(dir, 'tokenizer.json'), bertTokenizerJson());
  writeFileSync(join(dir, 'in.jsonl'), '{"id": "a", "text": "Hello"}\nnot json\n{"id": "c", "text": "never"}\n');
  const bad = spawnSync(process.execPath, ['bin/splade.js', 'tokenize', '--model', dir, '--input', join(dir, 'in.jsonl')], { cwd: root, encoding: 'utf8' });
  assert.is(bad.status, 1);
  assert.is(bad.stdout, '{"id":"a","tokens":["hello"],"ids":[101,7592,102]}\n');
  assert.match(bad.stderr, /in\.jsonl line 2: not valid JSON/);
  assert.is(bad.stderr.trim().split('\n').length, 1, 'one line of error, no stack trace');

  const vocabFile = join(dir, 'vocab.txt');
  writeFileSync(vocabFile, bertBaseUncasedVocabText());
  const good = spawnSync(process.execPath, ['bin/splade.js', 'tokenize', '--vocab', vocabFile, '--max-length', '3'], { cwd: root, encoding: 'utf8', input: '{"id": 1, "text": "Hello world"}\n' });
  assert.is(good.status, 0, good.stderr);
  assert.is(good.stdout, '{"id":1,"tokens":["hello"],"ids":[101,7592,102]}\n');

  const usage = spawnSync(process.execPath, ['bin/splade.js', 'tokenize', '--vocab', vocabFile, '--max-length', 'ten'], { cwd: root, encoding: 'utf8', input: '' });
  assert.is(usage.status, 2);
  assert.match(usage.stderr, /--max-length/);
});

cli('bin/splade.js tokenize --text: ids 0, 1, ... before --input lines; standard input unread without --input', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'splade-tokenize-text-'));
  writeRobertaTokenizerFiles(dir, { layout: 'tokenizer.json' });
  const texts = ['Héllo wörld 😀', '', ' two  spaces <mask>'];
  const rust = rustTokenizerFromJson(robertaTokenizerJson());
  const expected = await Promise.all(texts.map(async (text, id) => {
    const { tokens, ids } = await rustEncode(rust, text);
    return JSON.stringify({ id, tokens: tokens.slice(1, -1), ids });
  }));
  const args = ['bin/splade.js', 'tokenize', '--model', dir, ...texts.flatMap((text) => ['--text', text])];
  const stdinLine = '{"id": "s", "text": "from standard input"}\n';
  const textsOnly = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', input: stdinLine });
  assert.is(textsOnly.status, 0, textsOnly.stderr);
  assert.equal(textsOnly.stdout.trimEnd().split('\n'), expected);
  const both = spawnSync(process.execPath, [...args, '--input', '-'], { cwd: root, encoding: 'utf8', input: stdinLine });
  assert.is(both.status, 0, both.stderr);
  const lines = both.stdout.trimEnd().split('\n');
  assert.equal(lines.slice(0, texts.length), expected);
  assert.equal((JSON.parse(lines[texts.length]) as { id: string }).id, 's');
  assert.is(lines.length, texts.length + 1);
});

cli('bin/splade.js tokenize --model on an XLM-RoBERTa folder: SentencePiece pieces and the Rust ids', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'splade-tokenize-xlmr-'));
  writeFileSync(join(dir, 'tokenizer.json'), xlmrTokenizerJson());
  const texts = ['Ｓｅñｏｒ ﬁne', 'привет мир 東京', '  two  spaces  '];
  const input = texts.map((text, id) => JSON.stringify({ id, text })).join('\n') + '\n';
  const result = spawnSync(process.execPath, ['bin/splade.js', 'tokenize', '--model', dir], { cwd: root, encoding: 'utf8', input });
  assert.is(result.status, 0, result.stderr);
  const rust = rustTokenizerFromJson(xlmrTokenizerJson());
  const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; tokens: string[]; ids: number[] });
  for (const [i, text] of texts.entries()) {
    const expected = await rustEncode(rust, text);
    assert.equal(lines[i], { id: i, tokens: expected.tokens.slice(1, -1), ids: expected.ids }, text);
  }
});

cli.run();
