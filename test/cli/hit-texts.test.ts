// cutText: --text-chars counts code points, so a character outside the BMP is never split.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cutText } from '../../src/cli/hit-texts.js';

test('cut on code points, marked with …; a text no longer than the limit is itself', () => {
  assert.is(cutText('abcdef', 3), 'abc…');
  assert.is(cutText('abc', 3), 'abc');
  assert.is(cutText('😀😀😀b', 2), '😀😀…');
  assert.is(cutText('a😀', 2), 'a😀');
  assert.is(cutText('文書です', 1), '文…');
  assert.is(cutText('', 1), '');
});

test.run();
