import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDuration, progressLine } from '../../src/node/corpus/progress.js';

test('formatDuration: seconds, minutes and hours', () => {
  assert.is(formatDuration(12.4), '12s');
  assert.is(formatDuration(187), '3m07s');
  assert.is(formatDuration(3720), '1h02m');
  assert.is(formatDuration(Infinity), '?');
});

test('progressLine: done/total, rate of this run, ETA from the rate', () => {
  // 400 of 1000 done, 100 of them kept from an interrupted run: 300 new in 60 s = 5 docs/s;
  // 600 to go at 5 docs/s = 120 s.
  assert.is(progressLine(400, 1000, 300, 60), '400/1000 documents (40%), 5.0 docs/s, ETA 2m00s');
  assert.is(progressLine(50, undefined, 50, 10), '50 documents, 5.0 docs/s');
  assert.is(progressLine(1000, 1000, 900, 100), '1000/1000 documents (100%), 9.0 docs/s');
});

test.run();
