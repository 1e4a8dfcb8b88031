// Where Hugging Face's Rust tokenizer does something odd, splade-ts follows it; each case
// here asserts the odd behaviour itself (so a change in Rust shows up) and our agreement.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BertTokenizer, UnigramTokenizer, type Tokenizer } from '../../src/tokenizer/index.js';
import { bertBaseUncasedVocabText } from '../../tools/bert-vocab.js';
import { bertTokenizerJson } from '../../tools/bert-tokenizer-json.js';
import { rustEncode, rustTokenizer, rustTokenizerFromJson } from './reference.js';
import { unigramFixture } from './unigram-corpus.js';

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

/** A tokenizer.json with a special and a plain added token that normalization changes. */
function withNormalizedSpecials(json: string, special: string, plain: string): string {
  const object = JSON.parse(json) as { added_tokens: Array<Record<string, unknown>>; model: { vocab: unknown[] | Record<string, number> } };
  const vocabSize = Array.isArray(object.model.vocab) ? object.model.vocab.length : Object.keys(object.model.vocab).length;
  const flags = { single_word: false, lstrip: false, rstrip: false, normalized: true };
  object.added_tokens.push({ id: vocabSize, content: special, ...flags, special: true }, { id: vocabSize + 1, content: plain, ...flags, special: false });
  return JSON.stringify(object);
}

test('decode keeps a special added token that normalization changed, even when skipping special tokens', async () => {
  // Rust decodes a normalized added token as its normalized text and skips a token only when
  // that text is a special token's content: "FooBar" (special, normalized) decodes as "foobar",
  // which is no special token's content, so it stays.
  const cases: Array<[string, (json: string) => Tokenizer, string]> = [
    [withNormalizedSpecials(bertTokenizerJson(), 'FooBar', 'BazQux'), (json) => BertTokenizer.fromTokenizerJson(json), 'x FooBar bazqux [MASK]'],
    [withNormalizedSpecials(unigramFixture('xlmr-nmt-nfkc.tokenizer.json'), 'ＡＢＣ', 'ｄｅｆ'), (json) => UnigramTokenizer.fromTokenizerJson(json), 'x ABC def <mask>'],
  ];
  for (const [json, make, text] of cases) {
    const ours = make(json);
    const rust = rustTokenizerFromJson(json);
    const { ids } = await rustEncode(rust, text);
    assert.equal(ours.encode(text).ids, ids, text);
    const skipped = await rust.decode(ids, true);
    assert.ok(/foobar|ABC/.test(skipped) && !/mask/.test(skipped), `Rust: ${skipped}`);
    assert.is(ours.decode(ids, { skipSpecialTokens: true }), skipped, text);
    assert.is(ours.decode(ids), await rust.decode(ids, false), text);
  }
});

test.run();
