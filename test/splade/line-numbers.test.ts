// VectorLineNumbers: the line of each vector read, blank lines skipped anywhere.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VectorLineNumbers } from '../../src/splade/line-numbers.js';

test('each vector\'s line, with blank lines before, between and in runs', () => {
  const lines = [3, 4, 5, 7, 10, 11, 12, 20];
  const numbers = new VectorLineNumbers();
  for (const line of lines) numbers.push(line);
  assert.equal(lines.map((_, vector) => numbers.lineOf(vector)), lines);
});

test('a file without blank lines: vector k is on line k + 1, over many vectors', () => {
  const numbers = new VectorLineNumbers();
  for (let line = 1; line <= 10_000; line++) numbers.push(line);
  assert.is(numbers.lineOf(0), 1);
  assert.is(numbers.lineOf(9_999), 10_000);
  assert.throws(() => numbers.lineOf(10_000), /vector 10000 is not among the 10000 read/);
});

test.run();
