// A corpus line's id: kept as the user wrote it, or refused where JSON has already changed it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CorpusLineError, parseDocumentRecord } from '../../src/node/corpus/documents.js';

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

test.run();
