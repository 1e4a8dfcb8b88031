// utf8Lines and utf8Text: the line ends readline had (\n, \r\n, a lone \r), a character split
// across chunks, and bytes that are not UTF-8 reported with their line instead of becoming U+FFFD.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidUtf8Error, utf8Lines, utf8Text } from '../../src/node/corpus/documents.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

async function* chunks(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* parts;
}

async function lines(...parts: Uint8Array[]): Promise<Array<[number, string]>> {
  const found: Array<[number, string]> = [];
  for await (const { line, number } of utf8Lines(chunks(...parts), 'in.jsonl')) found.push([number, line]);
  return found;
}

test('line ends as readline: \\n, \\r\\n, lone \\r; blank lines kept; a last line without an end', async () => {
  assert.equal(await lines(bytes('a\nb\r\nc\rd\n\ne')), [[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd'], [5, ''], [6, 'e']]);
  assert.equal(await lines(bytes('a\n')), [[1, 'a']]);
  assert.equal(await lines(bytes('a\r')), [[1, 'a']]);
  assert.equal(await lines(), []);
});

test('a line and a character split across chunks', async () => {
  const all = bytes('"café"\r\n"naïve"\n');
  const splitAt = [3, 5, 6, 8, 13];
  const parts = [0, ...splitAt].map((start, i) => all.subarray(start, [...splitAt, all.length][i]));
  assert.equal(await lines(...parts), [[1, '"café"'], [2, '"naïve"']]);
});

test('each line\'s byte offset and length (without its end), across chunks, line ends and multi-byte text', async () => {
  const all = bytes('a\r\n"café"\rxy\n\n文書\r\nlast');
  const found: Array<[string, number, number]> = [];
  for await (const { line, start, length } of utf8Lines(chunks(all.subarray(0, 5), all.subarray(5, 9), all.subarray(9)), 'in.jsonl')) {
    found.push([line, start, length]);
    assert.is(new TextDecoder().decode(all.subarray(start, start + length)), line, 'the bytes at the offset are the line');
  }
  assert.equal(found, [['a', 0, 1], ['"café"', 3, 7], ['xy', 11, 2], ['', 14, 0], ['文書', 15, 6], ['last', 23, 4]]);
});

test('bytes that are not UTF-8: an error naming the line', async () => {
  const bad = Uint8Array.from([...bytes('"ok"\n"caf'), 0xe9, ...bytes('"\n"after"\n')]);
  try {
    await lines(bad);
    assert.unreachable('no error');
  } catch (error) {
    assert.instance(error, InvalidUtf8Error);
    assert.is((error as Error).message, 'in.jsonl line 2: not valid UTF-8 text');
  }
  assert.throws(() => utf8Text(bad, 'in.jsonl'), (error: unknown) => error instanceof InvalidUtf8Error && (error as Error).message === 'in.jsonl line 2: not valid UTF-8 text');
  assert.is(utf8Text(bytes('"café"\n'), 'in.jsonl'), '"café"\n');
});

test.run();
