// CorpusTexts: a document's text found by its id after one scan of the corpus, read from the
// file at its line's place (not kept), with the ids and texts `splade encode` reads the same
// file as.
import { openSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CorpusTexts, CorpusTextsError } from '../../src/node/corpus/corpus-texts.js';
import { readDocuments } from '../../src/node/corpus/documents.js';
import { tempDir } from '../foundation/tmp.js';

const tmp = tempDir('corpus-texts');

function corpusFile(name: string, content: string | Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

async function refusal(path: string): Promise<string> {
  try {
    await CorpusTexts.open(path);
  } catch (error) {
    assert.instance(error, CorpusTextsError);
    return (error as Error).message;
  }
  assert.unreachable(`${path} was accepted`);
  return '';
}

test('JSON lines: {"id", "text"}, BEIR\'s {"_id", "title", "text"}, bare strings (their position), number and non-ASCII ids', async () => {
  const path = corpusFile('mixed.jsonl', [
    '{"id": "d1", "text": "plain text"}',
    '',
    '{"_id": "文書-é", "title": "A title", "text": "BEIR text", "metadata": {}}',
    '"a bare string"',
    '{"id": 7, "text": "number seven"}',
    '{"_id": "b2", "title": "", "text": "no title"}',
  ].join('\r\n') + '\r\n');
  const texts = await CorpusTexts.open(path);
  try {
    assert.is(texts.size, 5);
    const ids = ['d1', '文書-é', '2', '7', 'b2', 'missing', '文書-e\u0301'];
    assert.equal(await texts.texts(ids), ['plain text', 'A title BEIR text', 'a bare string', 'number seven', 'no title', null, null]);
    assert.equal(ids.map((id) => texts.has(id)), [true, true, true, true, true, false, false]);
    // The same ids and texts as the reader `splade encode --input` uses.
    const encoded = [];
    for await (const doc of readDocuments(path)) encoded.push([String(doc.id), doc.text]);
    assert.equal(await texts.texts(encoded.map(([id]) => id)), encoded.map(([, text]) => text));
  } finally {
    await texts.close();
  }
});

test('TSV (id<TAB>text, by the .tsv name or the format given), lone \\r line ends', async () => {
  const tsv = await CorpusTexts.open(corpusFile('collection.tsv', '0\tfirst passage\r1\tsecond\tpart\n\n10\tthird\n'));
  assert.equal(await tsv.texts(['10', '1', '0', '2']), ['third', 'second part', 'first passage', null]);
  await tsv.close();
  const named = await CorpusTexts.open(corpusFile('collection.txt', 'p1\tpassage one\n'), { format: 'tsv' });
  assert.equal(await named.texts(['p1']), ['passage one']);
  await named.close();
});

test('a repeated id is refused naming both lines (7 is "7", a position is an id)', async () => {
  assert.is(await refusal(corpusFile('repeat.jsonl', '{"id":"a","text":"x"}\n{"id":7,"text":"y"}\n\n{"id":"7","text":"z"}\n')),
    `${join(tmp, 'repeat.jsonl')} line 4: id "7" repeats line 2's`);
  assert.is(await refusal(corpusFile('repeat-number.jsonl', '{"id":"7","text":"x"}\n{"id":7,"text":"y"}\n')),
    `${join(tmp, 'repeat-number.jsonl')} line 2: id "7" repeats line 1's (the number 7 is the id "7": ids are stored as text)`);
  assert.is(await refusal(corpusFile('repeat-position.jsonl', '{"id":"1","text":"x"}\n"its position is 1"\n')),
    `${join(tmp, 'repeat-position.jsonl')} line 2: id "1" (its position: the line gives no id) repeats line 1's`);
  assert.is(await refusal(corpusFile('repeat.tsv', 'p1\tone\np2\ttwo\np1\tthree\n')), `${join(tmp, 'repeat.tsv')} line 3: id "p1" repeats line 1's`);
});

test('lines that are no documents are the parser\'s errors, naming the line; stdin is refused', async () => {
  try {
    await CorpusTexts.open(corpusFile('bad.jsonl', '{"id":"a","text":"x"}\n{"id":"b"}\n'));
    assert.unreachable('accepted');
  } catch (error) {
    assert.match((error as Error).message, /bad\.jsonl line 2: expected a JSON string or an object with a string "text"/);
  }
  assert.match(await refusal('-'), /standard input cannot be read again at a line's place: give the corpus as a file/);
  try {
    await CorpusTexts.open(join(tmp, 'none.jsonl'));
    assert.unreachable('accepted');
  } catch (error) {
    assert.match((error as Error).message, /none\.jsonl: cannot open: no such file or directory/);
  }
});

test('a gzip corpus is refused, whatever its name: its lines have no byte offsets to read a hit\'s text at', async () => {
  const message = await refusal(corpusFile('corpus.jsonl.gz', gzipSync('{"id":"a","text":"x"}\n')));
  assert.match(message, /corpus\.jsonl\.gz is gzip-compressed: .*decompress it \(gunzip -k\)/);
  assert.match(await refusal(corpusFile('named-plainly.jsonl', gzipSync('{"id":"a","text":"x"}\n'))), /named-plainly\.jsonl is gzip-compressed/);
  // A plain file named .gz is the text it is.
  const plain = await CorpusTexts.open(corpusFile('plain.jsonl.gz', '{"id":"a","text":"x"}\n'));
  assert.equal(await plain.texts(['a']), ['x']);
  await plain.close();
});

test('texts are read from the file when asked for, not kept: a line changed in place after the scan reads as changed', async () => {
  const lines = Array.from({ length: 3000 }, (_, k) => JSON.stringify({ id: `doc-${k}`, text: `text number ${k} ${'x'.repeat(k % 50)}` }));
  const path = corpusFile('large.jsonl', lines.join('\n') + '\n');
  const texts = await CorpusTexts.open(path);
  try {
    assert.equal(await texts.texts(['doc-2999', 'doc-0']), [`text number 2999 ${'x'.repeat(49)}`, 'text number 0 ']);
    // Line 1501 (doc-1500), its text changed with its length kept.
    const offset = lines.slice(0, 1500).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    const changed = JSON.stringify({ id: 'doc-1500', text: 'TEXT NUMBER 1500 ' });
    assert.is(changed.length, lines[1500].length);
    const fd = openSync(path, 'r+');
    writeSync(fd, changed, offset);
    // A line whose id is no longer the one scanned: the file is not the corpus scanned.
    const moved = lines.slice(0, 2000).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    writeSync(fd, lines[2000].replace('doc-2000', 'doc-XXXX'), moved);
    closeSync(fd);
    assert.equal(await texts.texts(['doc-1500']), ['TEXT NUMBER 1500 ']);
    try {
      await texts.texts(['doc-2000']);
      assert.unreachable('a changed id was read');
    } catch (error) {
      assert.instance(error, CorpusTextsError);
      assert.match((error as Error).message, /large\.jsonl line 2001 has changed since it was read: it was the document "doc-2000", it is now "doc-XXXX"/);
    }
  } finally {
    await texts.close();
  }
});

test.run();
