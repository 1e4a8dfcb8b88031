// Where Hugging Face's Rust tokenizer does something odd, splade-ts follows it; each case
// here asserts the odd behaviour itself (so a change in Rust shows up) and our agreement.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BertTokenizer } from '../../src/tokenizer/index.js';
import { bertBaseUncasedVocabText } from '../../tools/bert-vocab.js';
import { rustEncode, rustTokenizer } from './reference.js';

const ours = BertTokenizer.fromVocab(bertBaseUncasedVocabText());
const rust = rustTokenizer();

async function both(text: string): Promise<string[]> {
  const expected = await rustEncode(rust, text);
  const got = ours.encode(text);
  assert.equal(got.ids, expected.ids, `ids of ${JSON.stringify(text)}`);
  assert.equal(got.offsets, expected.offsets, `offsets of ${JSON.stringify(text)}`);
  return got.tokens.slice(1, -1);
}

test('Greek capital sigma is lowercased per character: no final ς', async () => {
  // Rust lowercases char by char; 'ΟΔΥΣΣΕΥΣ'.toLowerCase() in JavaScript would end in ς.
  assert.equal(await both('ΟΔΥΣΣΕΥΣ'), ['ο', '##δ', '##υ', '##σ', '##σ', '##ε', '##υ', '##σ']);
});

test('CJK ranges: U+2B820–U+2B91F are not split apart (Rust starts the range at U+2B920)', async () => {
  const tokens = await both('a\u{2b81f}\u{2b81f}b \u{2b820}\u{2b820} \u{2b920}\u{2b920}');
  // a, U+2B81F, U+2B81F, b, then the two U+2B820 as one word, then U+2B920 twice.
  assert.is(tokens.length, 7, tokens.join(' '));
});

test('punctuation is Unicode 8.0 punctuation: U+2E43 (added in Unicode 9) does not split', async () => {
  // 'a⹃b' stays one (unknown) word; U+2E3B (Unicode 6.1) splits 'a⸻b' into three.
  assert.equal(await both('a\u2e43b a\u2e3bb'), ['[UNK]', 'a', '[UNK]', 'b']);
});

test('format characters are Unicode 8.0 ones: U+0890 (Unicode 14) is kept, U+200B dropped', async () => {
  assert.equal(await both('x\u0890 y\u200bz'), ['[UNK]', 'y', '##z']);
});

test('accent stripping drops Unicode 8.0 non-spacing marks only', async () => {
  // U+0301 is stripped; U+1ABF (a combining mark added in Unicode 13) is kept by Rust.
  assert.equal(await both('e\u0301 e\u1abf'), ['e', '[UNK]']);
});

test('lone surrogates are dropped (Rust receives U+FFFD, which clean_text drops)', async () => {
  assert.equal(await both('ab\ud800cd \udc00'), ['abc', '##d']);
});

test('combining marks out of canonical order are sorted as Rust\'s whole-text NFD sorts them, offsets included', async () => {
  // U+0308 (ccc 230) before U+1D165 (ccc 216, a spacing mark accent stripping keeps): NFD swaps
  // them, and Rust's alignments give the moved U+1D165 the place of the stripped U+0308, so the
  // word ends before the U+1D165 of the original text. The run may cross a dropped character
  // (U+200B) and hold a mark that decomposes in two (U+0F73).
  assert.equal(await both('a\u0308\u{1d165} x'), ['[UNK]', 'x']);
  assert.equal(ours.encode('a\u0308\u{1d165} x').offsets[1], [0, 2]);
  for (const text of ['e\u0301\u{1d16d}\u0323\u{1d165}', 'k\u{1d16d}\u0308\u0345 x', 'x\u0301\u200b\u{1d165}y', '\u0f72\u0f73\u{1d165} \u0f71', 'É\u{1d165}\u0327 ÉÉ', 'a\u0308\u0315\u0300\u05ae\u0300b']) {
    await both(text);
  }
});

test('İ (U+0130) lowercases to i + U+0307, whose accent is then stripped', async () => {
  assert.equal(await both('İstanbul'), ['istanbul']);
});

test.run();
