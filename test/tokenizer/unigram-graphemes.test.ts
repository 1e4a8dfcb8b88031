// The Precompiled normalizer walks grapheme clusters in windows (Node's Intl.Segmenter is
// quadratic in the string's length): with any window size, the clusters must be those of the
// whole text, for every text of the Unigram corpus (ZWJ emoji, flags, combining marks, Indic
// conjuncts, surrogate pairs cut by a window's end) and the characters that join ASCII
// (Prepend before it, LF after CR, marks after it).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { graphemeClusters, isSimpleUnit } from '../../src/tokenizer/precompiled.js';
import { unigramCorpus } from './unigram-corpus.js';

const test = suite('grapheme clusters in windows');

test('every window size gives the clusters of the whole text', () => {
  const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
  // Beyond the corpus: a Prepend character before ASCII (one cluster), CR LF, keycaps, ZWJ.
  const joins = ['\u06001', 'a\u0600b c', '\u110bd1 x', 'a\r\nb', '\r\r\n\n', '1\ufe0f\u20e3 #\ufe0f\u20e3', 'x\u200dy', 'ab\u0301c', 'a  \u0301'];
  const texts = [...joins, ...unigramCorpus().map((t) => t.text).filter((t) => t.length < 20000)];
  for (const text of texts) {
    const whole = [...segmenter.segment(text)].map((s) => s.segment);
    for (const window of [1, 2, 3, 5, 8, 13]) assert.equal([...graphemeClusters(segmenter, text, window)], whole, `window ${window}: ${JSON.stringify(text.slice(0, 40))}`);
  }
});

test('each "simple" character is a cluster of its own beside another: not Extend, ZWJ, SpacingMark, Prepend, a regional indicator, Hangul or pictographic', () => {
  const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
  const count = (text: string): number => [...segmenter.segment(text)].length;
  let simple = 0;
  for (let unit = 0; unit < 0x10000; unit++) {
    if (!isSimpleUnit(unit)) continue;
    simple++;
    const c = String.fromCharCode(unit);
    const control = unit < 0x20 || unit === 0x7f; // Control: ZWJ does not join it
    const ok = count(`a${c}`) === 2 && count(`${c}a`) === 2 && count(c + c) === 2 && (control || count(`${c}\u200d${c}`) === 2);
    assert.ok(ok, `U+${unit.toString(16)}`);
  }
  assert.ok(simple > 21000, `${simple} simple characters`);
  assert.not.ok(isSimpleUnit(0x0d) || isSimpleUnit(0xa9) || isSimpleUnit(0x301) || isSimpleUnit(0xac00) || isSimpleUnit(0xd83d));
});

test.run();
