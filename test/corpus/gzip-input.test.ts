// gunzipped and readLines on gzip inputs: told by their magic bytes (not their name), read
// whole across concatenated members and however the bytes are cut into chunks, and a cut or
// damaged file is an error naming the input and the last line it gave whole.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readDocuments, readLines } from '../../src/node/corpus/documents.js';
import { gunzipped, GzipInputError, isGzip } from '../../src/node/corpus/gzip-input.js';
import { tempDir } from '../foundation/tmp.js';

const tmp = tempDir('gzip-input');

async function text(chunks: Array<Uint8Array | string>, source = 'in.gz'): Promise<string> {
  const out: Uint8Array[] = [];
  for await (const chunk of gunzipped(Readable.from(chunks), source)) out.push(chunk);
  return Buffer.concat(out).toString('utf8');
}

/** Bytes one at a time, as a slow pipe may give them. */
const bytewise = (bytes: Uint8Array): Uint8Array[] => Array.from(bytes, (b) => Uint8Array.of(b));

async function failure(chunks: Uint8Array[]): Promise<string> {
  try {
    await text(chunks);
  } catch (error) {
    assert.instance(error, GzipInputError);
    return (error as Error).message;
  }
  assert.unreachable('a damaged gzip input was read');
  return '';
}

test('gzip is told by its first two bytes: 1f 8b, which no UTF-8 text starts with', () => {
  assert.ok(isGzip(gzipSync('x')));
  assert.not.ok(isGzip(Buffer.from('{"id": 1}')));
  assert.not.ok(isGzip(Uint8Array.of(0x1f)));
  assert.not.ok(isGzip(new Uint8Array(0)));
});

test('decompressed whole: concatenated members (cat a.gz b.gz, pigz), in chunks of any size, even one byte', async () => {
  const members = Buffer.concat([gzipSync('a\nb\n'), gzipSync('c\n'), gzipSync('d')]);
  assert.is(await text([members]), 'a\nb\nc\nd');
  assert.is(await text(bytewise(members)), 'a\nb\nc\nd');
});

test('text that is not gzip passes as it is, whatever its name; an empty input is empty', async () => {
  assert.is(await text(['{"id": 1}\n', 'more']), '{"id": 1}\nmore');
  assert.is(await text(bytewise(Buffer.from('é\n'))), 'é\n');
  assert.is(await text([]), '');
});

test('cut short, a wrong CRC, or bytes after the last member: an error naming the input and the last whole line', async () => {
  const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(i % 40)}`).join('\n') + '\n';
  const whole = gzipSync(lines);
  assert.match(await failure([whole.subarray(0, whole.length >> 1)]), /^in\.gz: the gzip data ends early, after line \d+ \(unexpected end of file\): the file is incomplete/);
  assert.match(await failure([whole.subarray(0, 15)]), /^in\.gz: the gzip data ends early, within its first line/);
  const crc = Buffer.from(whole);
  crc[crc.length - 8] ^= 0xff;
  // zlib checks the CRC at the member's end, and gives the last of its data only if it holds.
  assert.match(await failure([crc]), /^in\.gz: the gzip data is damaged, after line \d+ \(incorrect data check\); `gzip -t` checks it$/);
  assert.match(await failure([whole, Buffer.from('junk')]), /^in\.gz: the gzip data is damaged, after line 5000 \(incorrect header check\)/);
});

test('readLines numbers and places a .gz file\'s lines as those of its decompressed text; .tsv.gz is TSV', async () => {
  const content = 'first\r\nsecond é\n\nlast';
  const path = join(tmp, 'lines.txt.gz');
  writeFileSync(path, Buffer.concat([gzipSync(content.slice(0, 8)), gzipSync(content.slice(8))]));
  const plain = join(tmp, 'lines.txt');
  writeFileSync(plain, content);
  const read = async (p: string): Promise<unknown[]> => {
    const out: unknown[] = [];
    for await (const line of readLines(p)) out.push(line);
    return out;
  };
  assert.equal(await read(path), await read(plain));
  const tsv = join(tmp, 'collection.tsv.gz');
  writeFileSync(tsv, gzipSync('0\tzero\n\n7\tseven\n'));
  const docs = [];
  for await (const doc of readDocuments(tsv)) docs.push(doc);
  // Each document's line counts the blank line, as the decompressed text's line numbers do.
  assert.equal(docs, [{ id: '0', text: 'zero', line: 1, idGiven: true }, { id: '7', text: 'seven', line: 3, idGiven: true }]);
});

test.run();
