// sizedBatches at its edges: a line exactly at the byte limit, the first item of a line (no
// comma), multi-byte items counted in UTF-8 bytes, and the record count limit beside the byte one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sizedBatches } from '../../src/export/batches.js';
import { utf8Length } from '../../src/export/names.js';

/** Every line the items make, each item given with its true UTF-8 byte count. */
function linesOf(size: number, maxBytes: number, items: string[]): string[] {
  const batches = sizedBatches(size, maxBytes, '[', ']');
  const text = items.map((item) => batches.add(item, utf8Length(item))).join('') + batches.flush();
  return text.split('\n').slice(0, -1);
}

test('sizedBatches: a line of exactly maxBytes is kept whole; one byte more moves the item to the next line', () => {
  // "[aaaa,bbbb]" is 11 bytes: the frame 2, two items 8, one comma.
  assert.equal(linesOf(10, 11, ['aaaa', 'bbbb', 'cccc']), ['[aaaa,bbbb]', '[cccc]']);
  assert.equal(linesOf(10, 10, ['aaaa', 'bbbb', 'cccc']), ['[aaaa]', '[bbbb]', '[cccc]']);
});

test('sizedBatches: the first item of a line counts no comma', () => {
  // After a full line, "[bbbb,cccc]" (11 bytes) fits 11 only if bbbb, the line's first item, adds no comma.
  assert.equal(linesOf(10, 11, ['aaaa', 'bbbb', 'cccc', 'dddd', 'e']), ['[aaaa,bbbb]', '[cccc,dddd]', '[e]']);
  // A first item exactly the limit less the frame fits alone.
  assert.equal(linesOf(10, 6, ['aaaa', 'b']), ['[aaaa]', '[b]']);
});

test('sizedBatches: items are counted in UTF-8 bytes, not UTF-16 units', () => {
  // "é" is 2 bytes, "😀" 4 (2 UTF-16 units): "[é,😀]" is 9 bytes though 6 units.
  assert.equal(linesOf(10, 9, ['é', '😀', 'x']), ['[é,😀]', '[x]']);
  assert.equal(linesOf(10, 8, ['é', '😀']), ['[é]', '[😀]']);
  for (const line of linesOf(10, 9, ['é', '😀', 'x', 'ü', 'ü', 'ü'])) assert.ok(utf8Length(line) <= 9, line);
});

test('sizedBatches: at most size items a line, whichever limit comes first; flush of nothing is empty', () => {
  assert.equal(linesOf(2, 1000, ['a', 'b', 'c', 'd', 'e']), ['[a,b]', '[c,d]', '[e]']);
  assert.equal(linesOf(3, 7, ['a', 'b', 'c', 'd']), ['[a,b,c]', '[d]']);
  assert.equal(linesOf(3, 6, ['a', 'b', 'c', 'd']), ['[a,b]', '[c,d]']);
  assert.is(sizedBatches(2, 100, '[', ']').flush(), '');
  // The frame's own bytes count: "«ab,cd»" is 9 bytes, « and » 2 each.
  const framed = (maxBytes: number): string[] => {
    const batches = sizedBatches(10, maxBytes, '«', '»');
    return [batches.add('ab', 2), batches.add('cd', 2), batches.flush()];
  };
  assert.equal(framed(9), ['', '', '«ab,cd»\n']);
  assert.equal(framed(8), ['', '«ab»\n', '«cd»\n']);
});

test.run();
