// Every text of the corpus must give the ids (and tokens and offsets) of Hugging Face's
// BertTokenizerFast, i.e. of the Rust `tokenizers` library, asked at test time.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BertTokenizer } from '../../src/tokenizer/index.js';
import { bertBaseUncasedVocab, bertBaseUncasedVocabText } from '../../tools/bert-vocab.js';
import { bertTokenizerJson } from '../../tools/bert-tokenizer-json.js';
import { corpus } from './corpus.js';
import { assertSameAsRust, assertTruncatesAsRust, describeText, jsTokenizer, rustEncode, rustTokenizer } from './reference.js';

const texts = corpus();
const vocabText = bertBaseUncasedVocabText();

const parity = suite('tokenizer parity with Rust tokenizers');

parity('the corpus has at least 500 texts, one of them over 5,000 words', () => {
  assert.ok(texts.length >= 500, `${texts.length} texts`);
  assert.ok(texts.some((t) => t.text.split(/\s+/).length > 5000));
});

for (const [name, make] of [
  ['fromVocab (vocab.txt)', () => BertTokenizer.fromVocab(vocabText)],
  ['fromTokenizerJson', () => BertTokenizer.fromTokenizerJson(bertTokenizerJson())],
] as const) {
  parity(`uncased, ${name}: ids, tokens and offsets of every corpus text`, async () => {
    const ours = make();
    const rust = rustTokenizer();
    await assertSameAsRust(ours, rust, texts);
  });
}

parity('cased (do_lower_case false): ids, tokens and offsets of every corpus text', async () => {
  // No cased vocabulary is at hand, so this runs the uncased one through the cased pipeline
  // (no lowercasing, no accent stripping): capitals and accents then become [UNK] or other pieces.
  const ours = BertTokenizer.fromVocab(vocabText, { doLowerCase: false });
  const rust = rustTokenizer({ lowercase: false });
  for (const { category, text } of texts) {
    const expected = await rustEncode(rust, text);
    const got = ours.encode(text);
    assert.equal(got.ids, expected.ids, `${category}: ${describeText(text)}`);
    assert.equal(got.offsets, expected.offsets, `offsets of ${describeText(text)}`);
  }
});

parity('cased vocabulary (capitalized and accented entries added), do_lower_case false', async () => {
  // No real cased vocabulary is at hand: this one adds capitalized forms of 8,000 words and
  // accented forms of some, as bert-base-cased has them, so cased pieces really match.
  const base = bertBaseUncasedVocab();
  const words = base.filter((t) => /^[a-z]{2,}$/.test(t)).slice(0, 8000);
  const cased = [...base, ...words.map((w) => w[0].toUpperCase() + w.slice(1)), ...words.slice(0, 500).map((w) => w.replace(/e/, 'é')), '##É', 'İstanbul', 'Σ'];
  const unique = [...new Set(cased)];
  const ours = BertTokenizer.fromVocab(unique.join('\n') + '\n', { doLowerCase: false });
  const rust = rustTokenizer({ lowercase: false }, unique);
  for (const { category, text } of texts) {
    const expected = await rustEncode(rust, text);
    const got = ours.encode(text);
    assert.equal(got.ids, expected.ids, `${category}: ${describeText(text)}`);
    assert.equal(got.offsets, expected.offsets, `offsets of ${describeText(text)}`);
  }
  assert.ok(ours.encode('Paris Hello').ids.every((id) => id >= base.length || id === 101 || id === 102));
});

parity('strip_accents without lowercasing, and no CJK splitting', async () => {
  const ours = BertTokenizer.fromVocab(vocabText, { doLowerCase: false, stripAccents: true, tokenizeChineseChars: false });
  const rust = rustTokenizer({ lowercase: false, stripAccents: true, handleChineseChars: false });
  for (const { category, text } of texts) {
    const expected = await rustEncode(rust, text);
    assert.equal(ours.encode(text).ids, expected.ids, `${category}: ${describeText(text)}`);
  }
});

parity('truncation to maxLength keeps [CLS] … [SEP], as Rust truncates', async () => {
  const ours = BertTokenizer.fromVocab(vocabText);
  const rust = rustTokenizer();
  await assertTruncatesAsRust(ours, rust, texts, [2, 3, 16, 512]);
});

parity("truncationSide 'left' keeps [CLS], the end of the text and [SEP], as Rust's direction Left", async () => {
  const ours = BertTokenizer.fromVocab(vocabText);
  const rust = rustTokenizer();
  await assertTruncatesAsRust(ours, rust, texts, [2, 3, 16, 512], { truncationSide: 'left' });
  await assertTruncatesAsRust(ours, rust, texts, [0, 5, 300], { truncationSide: 'left', addSpecialTokens: false });
});

parity("long texts truncated on the left give Rust's ids, a chunked long text and a tokenizer.json alike", async () => {
  const all = texts.filter((t) => t.text.length < 5000).map((t) => t.text);
  const long = [all.join(' '), all.join(''), all.join('東')].map((text) => ({ category: 'joined', text }));
  const rust = rustTokenizer();
  for (const ours of [BertTokenizer.fromVocab(vocabText, { truncationSide: 'left' }), BertTokenizer.fromTokenizerJson(bertTokenizerJson())]) {
    await assertTruncatesAsRust(ours, rust, long, [256, 512], { truncationSide: 'left' });
  }
});

parity('long texts read in chunks under truncation give the same ids as whole', async () => {
  // A truncated encoding normalizes the text in 8,192-unit chunks cut where words must end;
  // these texts span many chunks, so every kind of cut (and its absence) is crossed.
  const ours = BertTokenizer.fromVocab(vocabText);
  const rust = rustTokenizer();
  const all = texts.filter((t) => t.text.length < 5000).map((t) => t.text);
  for (const joiner of ['', ' ', '\u3000', '東', '-', '\u0301']) {
    const text = all.join(joiner);
    const maxLength = 1_000_000;
    rust.setTruncation(maxLength);
    const expected = await rustEncode(rust, text);
    const got = ours.encode(text, { maxLength });
    assert.equal(got.ids, expected.ids, `joined with ${JSON.stringify(joiner)}`);
    assert.equal(got.offsets, expected.offsets, `offsets, joined with ${JSON.stringify(joiner)}`);
    rust.setTruncation(700);
    assert.equal(ours.encode(text, { maxLength: 700 }).ids, (await rustEncode(rust, text)).ids, `truncated, joined with ${JSON.stringify(joiner)}`);
  }
});

parity('without special tokens', async () => {
  const ours = BertTokenizer.fromVocab(vocabText);
  const rust = rustTokenizer();
  for (const { text } of texts) {
    const expected = await rustEncode(rust, text, false);
    const got = ours.encode(text, { addSpecialTokens: false });
    assert.equal(got.ids, expected.ids, describeText(text));
    assert.equal(got.specialTokensMask, expected.specialTokensMask, `special tokens mask of ${describeText(text)}`);
  }
});

parity('decode gives what Rust decodes, with and without special tokens', async () => {
  const ours = BertTokenizer.fromVocab(vocabText);
  const rust = rustTokenizer();
  for (const { text } of texts) {
    const { ids } = await rustEncode(rust, text);
    assert.is(ours.decode(ids), await rust.decode(ids, false), `decode ${describeText(text)}`);
    assert.is(ours.decode(ids, { skipSpecialTokens: true }), await rust.decode(ids, true), `decode skipping specials ${describeText(text)}`);
  }
});

parity.run();

const second = suite('second opinion: @huggingface/tokenizers');

second('on the hand-written corpus it agrees with Rust (and so with us) except for its known differences', async () => {
  // Its known differences: it lowercases Σ with the final-sigma rule, drops ideographs above
  // U+FFFF, and classifies format characters with today's Unicode instead of Unicode 8.0.
  const known = /Σ|[\u{20000}-\u{3ffff}]|[\u0890\u0891\u08e2\u{110cd}\u{13430}-\u{1343f}]/u;
  const js = await jsTokenizer();
  const rust = rustTokenizer();
  let differing = 0;
  for (const { category, text } of texts) {
    if (category === 'random code points') continue;
    const expected = await rustEncode(rust, text);
    if (js.encode(text).ids.join() === expected.ids.join()) continue;
    differing++;
    assert.ok(known.test(text), `@huggingface/tokenizers differs from Rust for an unknown reason on ${describeText(text)}`);
  }
  assert.ok(differing > 0, 'the known differences still show');
});

second.run();
