// Every Unicode code point through Rust's BertNormalizer and BertPreTokenizer and ours: the
// character classes (control, whitespace, punctuation, CJK, non-spacing marks, NFD,
// lowercasing) must agree everywhere, including where Rust's Unicode 8.0 tables differ from
// today's Unicode.
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BertNormalizer } from '../../src/tokenizer/normalizer.js';
import { forEachWord } from '../../src/tokenizer/pre-tokenizer.js';
import { bertTokenizerJson } from '../../tools/bert-tokenizer-json.js';

interface RustParts {
  getNormalizer(): { normalizeString(text: string): string };
  getPreTokenizer(): { preTokenizeString(text: string): Array<[string, [number, number]]> };
}
const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers') as { Tokenizer: { fromString(json: string): RustParts } };

function hex(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

function* codePoints(): Generator<number> {
  for (let cp = 0; cp <= 0x10ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) yield cp;
}

for (const lowercase of [true, false]) {
  test(`BertNormalizer (lowercase ${lowercase}) maps every code point as Rust does`, () => {
    const rust = Tokenizer.fromString(bertTokenizerJson(undefined, { lowercase })).getNormalizer();
    const ours = new BertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: null, lowercase });
    const wrong: string[] = [];
    for (const cp of codePoints()) {
      const char = String.fromCodePoint(cp);
      const expected = rust.normalizeString(char);
      if (ours.mapCodePoint(cp) !== expected) wrong.push(`${hex(cp)} → ${JSON.stringify(ours.mapCodePoint(cp))}, Rust ${JSON.stringify(expected)}`);
    }
    assert.equal(wrong.slice(0, 20), [], `${wrong.length} code points differ`);
  });
}

test('BertPreTokenizer splits on the same whitespace and punctuation as Rust, for every code point', () => {
  const rust = Tokenizer.fromString(bertTokenizerJson()).getPreTokenizer();
  const wrong: string[] = [];
  for (const cp of codePoints()) {
    const text = `x${String.fromCodePoint(cp)}x`;
    const expected = rust.preTokenizeString(text).length;
    let words = 0;
    forEachWord(text, 0, text.length, () => ++words > 0);
    if (words !== expected) wrong.push(`${hex(cp)}: ${words} words, Rust ${expected}`);
  }
  assert.equal(wrong.slice(0, 20), [], `${wrong.length} code points differ`);
});

test.run();
