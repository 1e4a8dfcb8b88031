// A corpus line's id: kept as the user wrote it, or refused where JSON has already changed it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CorpusLineError, parseDocumentRecord } from '../../src/node/corpus/document-record.js';

function refusal(line: string): string {
  try {
    parseDocumentRecord(line, 'corpus.jsonl line 3');
  } catch (error) {
    assert.instance(error, CorpusLineError);
    return (error as Error).message;
  }
  assert.unreachable(`${line} was accepted`);
  return '';
}

test('string and number ids are kept, a line without one has none', () => {
  assert.equal(parseDocumentRecord('{"id":"d1","text":"a"}', 'x'), { id: 'd1', text: 'a' });
  assert.equal(parseDocumentRecord(`{"id":${Number.MAX_SAFE_INTEGER},"text":"a"}`, 'x'), { id: Number.MAX_SAFE_INTEGER, text: 'a' });
  assert.equal(parseDocumentRecord('"just text"', 'x'), { text: 'just text' });
});

test('a number id past 2^53 is refused: JSON.parse has rounded it to another id', () => {
  // 12345678901234567891 reads as 12345678901234567000; its vector would carry that id.
  assert.is(refusal('{"id":12345678901234567891,"text":"a"}'), 'corpus.jsonl line 3: "id" 12345678901234567000 is a number outside ±(2^53 - 1), which JSON readers round: write it as a string');
  assert.match(refusal('{"id":-9007199254740993,"text":"a"}'), /outside ±\(2\^53 - 1\)/);
  // 2^53 itself: 2^53 + 1 reads back as it, so it cannot be told from its neighbour either.
  assert.match(refusal(`{"id":${2 ** 53},"text":"a"}`), /"id" 9007199254740992 is a number outside ±\(2\^53 - 1\)/);
});

test('BEIR lines: "_id" is the id, a non-empty "title" goes before the text with one space, other fields are ignored', () => {
  const line = '{"_id": "doc1", "title": "Atomic bomb", "text": "The Manhattan Project.", "metadata": {"url": "x"}}';
  assert.equal(parseDocumentRecord(line, 'x'), { id: 'doc1', text: 'Atomic bomb The Manhattan Project.' });
  // An empty title adds nothing (BEIR's join ends in strip(), which removes the lone space).
  assert.equal(parseDocumentRecord('{"_id": "doc2", "title": "", "text": "Only text."}', 'x'), { id: 'doc2', text: 'Only text.' });
  // A BEIR query line: no title.
  assert.equal(parseDocumentRecord('{"_id": "q1", "text": "what is it?", "metadata": {}}', 'x'), { id: 'q1', text: 'what is it?' });
  assert.equal(parseDocumentRecord('{"_id": 42, "text": "a"}', 'x'), { id: 42, text: 'a' });
  // A title with "id": not only BEIR's lines carry one.
  assert.equal(parseDocumentRecord('{"id": "d1", "title": "T", "text": "a"}', 'x'), { id: 'd1', text: 'T a' });
});

test('"id" and "_id" together, a "_id" that is no id, a title that is no text: errors naming the line', () => {
  assert.is(refusal('{"id": "d1", "_id": "d1", "text": "a"}'), 'corpus.jsonl line 3: the line has both "id" and "_id"; give one');
  assert.is(refusal('{"_id": ["d1"], "text": "a"}'), 'corpus.jsonl line 3: "_id" must be a string or a number');
  assert.is(refusal('{"_id": null, "text": "a"}'), 'corpus.jsonl line 3: "_id" must be a string or a number');
  assert.is(refusal('{"_id": "d1", "title": null, "text": "a"}'), 'corpus.jsonl line 3: "title" must be a string');
  assert.is(refusal('{"_id": "d1", "title": 7, "text": "a"}'), 'corpus.jsonl line 3: "title" must be a string');
  assert.is(refusal('{"_id":12345678901234567891,"text":"a"}'), 'corpus.jsonl line 3: "_id" 12345678901234567000 is a number outside ±(2^53 - 1), which JSON readers round: write it as a string');
});

test('a byte-order mark before a JSON line (a file saved as "UTF-8 with BOM") is named, not reported as an unexpected token', () => {
  assert.is(refusal('\uFEFF{"id": "d1", "text": "a"}'), 'corpus.jsonl line 3: the line begins with a byte-order mark (U+FEFF), which JSON does not allow: save the file as UTF-8 without one');
});

test.run();
