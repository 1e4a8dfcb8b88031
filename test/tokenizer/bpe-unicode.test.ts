// GPT-2's split pattern classes characters as letters (\p{L}), numbers (\p{N}), spaces (\s) or
// other. The classes must be the Rust binding's (Unicode 16.0, White_Space), not the
// JavaScript engine's: this checks every code point against Rust's ByteLevel pre-tokenizer.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { classOf, LETTER, NUMBER, OTHER, SPACE, wordEnd } from '../../src/tokenizer/byte-level-split.js';
import { mulberry32 } from '../../tools/random.js';
import { codePointToUtf16, rustByteLevelPreTokenizer } from './reference.js';

/** Where our pattern cuts `text`, UTF-16 offsets of each word. */
function ourWords(text: string): Array<[number, number]> {
  const words: Array<[number, number]> = [];
  for (let start = 0; start < text.length; ) {
    const end = wordEnd(text, start, text.length);
    words.push([start, end]);
    start = end;
  }
  return words;
}

const test = suite('byte-level split: character classes of every code point');

test('every code point is in the class Rust puts it in', () => {
  // The code points of each of our classes, in one run after a character of that class: the
  // pattern keeps a run of one class as one word, so Rust gives one word exactly when it puts
  // every one of them in that class too; each cut shows a code point it classes otherwise.
  const rust = rustByteLevelPreTokenizer();
  const groups: string[][] = [[], [], [], []];
  for (let cp = 0; cp <= 0x10ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) groups[classOf(cp)].push(String.fromCodePoint(cp));
  const leads = { [LETTER]: 'a', [NUMBER]: '1', [SPACE]: '\t', [OTHER]: '.' };
  const wrong: string[] = [];
  for (const cls of [LETTER, NUMBER, SPACE, OTHER] as const) {
    const text = leads[cls] + groups[cls].join('');
    const units = codePointToUtf16(text);
    for (const [, [start]] of rust.preTokenizeString(text).slice(1)) wrong.push(`run after ${JSON.stringify(leads[cls])} cut at U+${text.codePointAt(units[start])!.toString(16).toUpperCase()}`);
  }
  assert.ok(groups[LETTER].length > 100_000 && groups[NUMBER].length > 1000 && groups[SPACE].length === 25, 'classes of the expected sizes');
  assert.equal(wrong.slice(0, 20), [], `Rust cuts ${wrong.length} runs: it classes code points at (or just before) the cuts otherwise`);
});

test('the pattern alternatives, on texts made of their edge cases', () => {
  const rust = rustByteLevelPreTokenizer();
  const pieces = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'", "'S", 'x', '1', '.', ' ', '  ', '\t', '\n', '\u0085', '\ufeff', '\u00a0', '😀', '東', '\u0301'];
  const next = mulberry32(3);
  for (let i = 0; i < 3000; i++) {
    let text = '';
    const length = 1 + Math.floor(next() * 12);
    for (let k = 0; k < length; k++) text += pieces[Math.floor(next() * pieces.length)];
    const units = codePointToUtf16(text);
    const expected = rust.preTokenizeString(text).map(([, [start, end]]) => [units[start], units[end]]);
    assert.equal(ourWords(text), expected, JSON.stringify(text));
  }
});

test.run();
