// Qrels as BEIR ships them (qrels/test.tsv: a "query-id corpus-id score" header, then
// tab-separated lines) and as TREC writes them (qid iteration docid relevance), told apart
// by the first line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TrecFormatError, parseQrels } from '../../src/search/index.js';

const JUDGED = new Map([
  ['q1', new Map([['doc1', 1], ['doc2', 0]])],
  ['q2', new Map([['doc3', 2]])],
]);

function refusal(text: string): string {
  try {
    parseQrels(text, 'qrels/test.tsv');
  } catch (error) {
    assert.instance(error, TrecFormatError);
    return (error as Error).message;
  }
  assert.unreachable(`${JSON.stringify(text)} was accepted`);
  return '';
}

test('BEIR qrels: the header line is skipped, then query-id<TAB>corpus-id<TAB>score', () => {
  assert.equal(parseQrels('query-id\tcorpus-id\tscore\nq1\tdoc1\t1\nq1\tdoc2\t0\nq2\tdoc3\t2\n'), JUDGED);
  // After blank lines, with \r\n line ends (the header is still the first line that says something).
  assert.equal(parseQrels('\nquery-id\tcorpus-id\tscore\r\nq1\tdoc1\t1\r\nq1\tdoc2\t0\r\nq2\tdoc3\t2\r\n'), JUDGED);
  // Without the header: three fields a line.
  assert.equal(parseQrels('q1\tdoc1\t1\nq1\tdoc2\t0\nq2\tdoc3\t2\n'), JUDGED);
  // Only the header: no judgements.
  assert.equal(parseQrels('query-id\tcorpus-id\tscore\n'), new Map());
});

test('TREC qrels read as before', () => {
  assert.equal(parseQrels('q1 0 doc1 1\nq1 0 doc2 0\nq2 Q0 doc3 2\n'), JUDGED);
});

test('a line that does not fit the layout of the first: an error naming the line and the layout', () => {
  assert.is(refusal('query-id\tcorpus-id\tscore\nq1\tdoc1\t1\nq1\t0\tdoc2\t1\n'),
    'qrels/test.tsv line 3: expected 3 fields, found 4 (line 1 makes the file BEIR qrels: query-id corpus-id score)');
  assert.is(refusal('q1\tdoc1\t1\nq1 0 doc2 1\n'),
    'qrels/test.tsv line 2: expected 3 fields, found 4 (line 1 makes the file BEIR qrels: query-id corpus-id score)');
  assert.is(refusal('q1 0 doc1 1\n\nq1 doc2 1\n'),
    'qrels/test.tsv line 3: expected 4 fields, found 3 (line 1 makes the file TREC qrels: qid iteration docid relevance)');
  assert.is(refusal('q1 0 doc1 1 extra\n'),
    'qrels/test.tsv line 1: expected 4 fields, found 5 (TREC qrels: qid iteration docid relevance; or 3, BEIR qrels: query-id corpus-id score)');
  assert.is(refusal('query-id\tcorpus-id\tscore\nq1\tdoc1\t1.0\n'), 'qrels/test.tsv line 2: score "1.0" is not an integer');
  // A header BEIR's loader would skip but that is not BEIR's: its "score" is no integer.
  assert.is(refusal('qid\tdocid\trel\nq1\tdoc1\t1\n'), 'qrels/test.tsv line 1: score "rel" is not an integer');
  assert.is(refusal('query-id\tcorpus-id\tscore\nq1\tdoc1\t1\nq1\tdoc1\t0\n'), 'qrels/test.tsv line 3: document doc1 is judged twice for query q1');
});

test.run();
