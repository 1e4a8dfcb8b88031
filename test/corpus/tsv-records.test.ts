// MS MARCO's collection.tsv and queries.*.tsv: `id<TAB>text` lines, no header.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CorpusLineError, inputFormat, parseTsvRecord } from '../../src/node/corpus/document-record.js';

function refusal(line: string): string {
  try {
    parseTsvRecord(line, 'collection.tsv line 4');
  } catch (error) {
    assert.instance(error, CorpusLineError);
    return (error as Error).message;
  }
  assert.unreachable(`${JSON.stringify(line)} was accepted`);
  return '';
}

test('id<TAB>text: the id as its text (MS MARCO pids stay strings), the text as written', () => {
  assert.equal(parseTsvRecord('0\tThe presence of communication amid scientific minds.', 'x'), { id: '0', text: 'The presence of communication amid scientific minds.' });
  assert.equal(parseTsvRecord('q7\t', 'x'), { id: 'q7', text: '' });
  assert.equal(parseTsvRecord('d1\t  spaced "quoted" text ', 'x'), { id: 'd1', text: '  spaced "quoted" text ' });
});

test('further tabs: the fields after the id joined with one space, as naver/splade reads raw.tsv', () => {
  assert.equal(parseTsvRecord('d1\tTitle\tBody text', 'x'), { id: 'd1', text: 'Title Body text' });
});

test('a line without a tab, or with an empty id: an error naming the line', () => {
  assert.is(refusal('just some text'), 'collection.tsv line 4: expected id<TAB>text, found no tab');
  assert.is(refusal('\tthe text'), 'collection.tsv line 4: the id (before the first tab) is empty');
});

test('a byte-order mark before the id (a file saved as "UTF-8 with BOM") is refused, not kept in the id, where "\\uFEFF0" would match no qrels', () => {
  assert.is(refusal('\uFEFF0\tfirst passage'), 'collection.tsv line 4: the line begins with a byte-order mark (U+FEFF), which would become part of the id: save the file as UTF-8 without one');
});

test('the format: as given, else .tsv (any case) is TSV and anything else, stdin included, JSON lines', () => {
  assert.is(inputFormat('collection.tsv'), 'tsv');
  assert.is(inputFormat('/data/msmarco/queries.dev.TSV'), 'tsv');
  assert.is(inputFormat('corpus.jsonl'), 'jsonl');
  assert.is(inputFormat('-'), 'jsonl');
  // Compressed as distributed (MS MARCO's collection.tsv.gz, BEIR's corpus.jsonl.gz): by the name within.
  assert.is(inputFormat('collection.tsv.gz'), 'tsv');
  assert.is(inputFormat('queries.dev.TSV.GZ'), 'tsv');
  assert.is(inputFormat('corpus.jsonl.gz'), 'jsonl');
  assert.is(inputFormat('-', 'tsv'), 'tsv');
  assert.is(inputFormat('corpus.tsv', 'jsonl'), 'jsonl');
});

test.run();
