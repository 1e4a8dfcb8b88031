// Every text of the byte-level BPE corpus must give the ids, tokens and offsets of Hugging
// Face's RobertaTokenizerFast, i.e. of the Rust `tokenizers` library asked at test time with
// the same tokenizer.json, in each setting a RoBERTa tokenizer.json can carry; and both
// layouts (tokenizer.json, vocab.json + merges.txt) must tokenize alike.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ByteLevelBpeTokenizer } from '../../src/tokenizer/index.js';
import {
  robertaMergesText, robertaTokenizerJson, robertaTokenizerJsonObject, robertaVocabJson, type RobertaTokenizerJsonOptions,
} from '../../tools/roberta-tokenizer-files.js';
import { mulberry32 } from '../../tools/random.js';
import { bpeCorpus } from './bpe-corpus.js';
import { assertSameAsRust, assertTruncatesAsRust, describeText, rustEncode, rustTokenizerFromJson } from './reference.js';

const texts = bpeCorpus();

const parity = suite('byte-level BPE parity with Rust tokenizers');

parity('the corpus has contractions, <mask> in text, lone surrogates and a text over 5,000 words', () => {
  assert.ok(texts.length >= 800, `${texts.length} texts`);
  for (const needle of ["don't", ' <mask>', '\ud800', '  ', '\t', '👨‍👩‍👧‍👦', '東']) assert.ok(texts.some((t) => t.text.includes(needle)), needle);
  assert.ok(texts.some((t) => t.text.split(/\s+/).length > 5000));
});

const settings: Array<[string, RobertaTokenizerJsonOptions]> = [
  ['merges as [a, b] pairs', {}],
  ['merges as "a b" strings, special tokens normalized', { mergesAs: 'strings', specialsNormalized: true }],
  ['add_prefix_space', { addPrefixSpace: true }],
  ['trim_offsets false', { trimOffsets: false }],
];

for (const [name, options] of settings) {
  parity(`tokenizer.json, ${name}: ids, tokens and offsets of every corpus text`, async () => {
    const json = robertaTokenizerJson(options);
    const ours = ByteLevelBpeTokenizer.fromTokenizerJson(json);
    const rust = rustTokenizerFromJson(json);
    await assertSameAsRust(ours, rust, texts);
  });
}

/** tokenizer.json objects changed beyond what robertaTokenizerJson's options reach. */
interface JsonShape {
  model: { ignore_merges?: boolean; vocab: Record<string, number> };
  pre_tokenizer: { add_prefix_space: boolean; use_regex: boolean };
  post_processor: unknown;
  decoder: unknown;
  added_tokens: unknown[];
}
const variants: Array<[string, (json: JsonShape) => void]> = [
  ['ByteLevel post-processor (no <s> </s>, trimmed offsets)', (j) => (j.post_processor = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true })],
  ['no post-processor and no decoder', (j) => ((j.post_processor = null), (j.decoder = null))],
  ['prefix space in the pre-tokenizer only', (j) => (j.pre_tokenizer.add_prefix_space = true)],
  ['use_regex false (each stretch one word)', (j) => (j.pre_tokenizer.use_regex = false)],
  // "Ġsplade" is no merge's result: only ignore_merges makes it one token.
  ['ignore_merges (a word in the vocabulary is one token)', (j) => ((j.model.ignore_merges = true), (j.model.vocab['Ġsplade'] = 50262))],
  ['added tokens with rstrip, single_word, a space, CJK', (j) => j.added_tokens.push(
    { id: 50262, content: ' hello', single_word: false, lstrip: false, rstrip: true, normalized: false, special: false },
    { id: 50263, content: 'wor', single_word: true, lstrip: false, rstrip: false, normalized: true, special: false },
    { id: 50264, content: '東京', single_word: false, lstrip: true, rstrip: true, normalized: false, special: true },
  )],
];

for (const [name, change] of variants) {
  parity(`tokenizer.json, ${name}: ids, tokens, offsets and decode of every corpus text`, async () => {
    const object = robertaTokenizerJsonObject() as unknown as JsonShape;
    change(object);
    const json = JSON.stringify(object);
    const ours = ByteLevelBpeTokenizer.fromTokenizerJson(json);
    const rust = rustTokenizerFromJson(json);
    for (const { category, text } of texts.concat([{ category: 'variants', text: ' hello world wor wording x 東京 y hello' }, { category: 'variants', text: 'the splade model, splade' }])) {
      const expected = await rustEncode(rust, text);
      const got = ours.encode(text);
      assert.equal(got.ids, expected.ids, `${category}: ${describeText(text)}`);
      assert.equal(got.tokens, expected.tokens, `tokens of ${describeText(text)}`);
      assert.equal(got.offsets, expected.offsets, `offsets of ${describeText(text)}`);
      assert.is(ours.decode(got.ids, { skipSpecialTokens: true }), await rust.decode(expected.ids, true), `decode ${describeText(text)}`);
    }
  });
}

for (const addPrefixSpace of [false, true]) {
  parity(`vocab.json + merges.txt (add_prefix_space ${addPrefixSpace}): what Rust gives for the tokenizer.json of the same files`, async () => {
    const fromFiles = ByteLevelBpeTokenizer.fromVocabAndMerges(robertaVocabJson(), robertaMergesText(), { addPrefixSpace });
    const fromJson = ByteLevelBpeTokenizer.fromTokenizerJson(robertaTokenizerJson({ addPrefixSpace }));
    const rust = rustTokenizerFromJson(robertaTokenizerJson({ addPrefixSpace }));
    for (const { category, text } of texts) {
      const expected = await rustEncode(rust, text);
      const got = fromFiles.encode(text);
      assert.equal(got.ids, expected.ids, `${category}: ${describeText(text)}`);
      assert.equal(got.offsets, expected.offsets, `offsets of ${describeText(text)}`);
      assert.equal(got, fromJson.encode(text), `both layouts: ${describeText(text)}`);
    }
  });
}

parity('truncation to maxLength keeps <s> … </s>, as Rust truncates', async () => {
  const json = robertaTokenizerJson();
  const ours = ByteLevelBpeTokenizer.fromTokenizerJson(json);
  const rust = rustTokenizerFromJson(json);
  await assertTruncatesAsRust(ours, rust, texts, [2, 3, 16, 512]);
});

parity("truncationSide 'left' keeps <s>, the end of the text and </s> (offsets trimmed), as Rust's direction Left", async () => {
  for (const options of [{}, { addPrefixSpace: true }]) {
    const json = robertaTokenizerJson(options);
    const ours = ByteLevelBpeTokenizer.fromTokenizerJson(json);
    const rust = rustTokenizerFromJson(json);
    await assertTruncatesAsRust(ours, rust, texts, [2, 3, 16, 512], { truncationSide: 'left' });
    await assertTruncatesAsRust(ours, rust, texts, [0, 5], { truncationSide: 'left', addSpecialTokens: false });
  }
});

parity('without special tokens (offsets still trimmed, as Rust trims them)', async () => {
  for (const options of [{}, { addPrefixSpace: true }]) {
    const json = robertaTokenizerJson(options);
    const ours = ByteLevelBpeTokenizer.fromTokenizerJson(json);
    const rust = rustTokenizerFromJson(json);
    for (const { text } of texts) {
      const expected = await rustEncode(rust, text, false);
      const got = ours.encode(text, { addSpecialTokens: false });
      assert.equal(got.ids, expected.ids, describeText(text));
      assert.equal(got.offsets, expected.offsets, `offsets of ${describeText(text)}`);
      assert.equal(got.specialTokensMask, expected.specialTokensMask, `special tokens mask of ${describeText(text)}`);
      assert.equal(ours.encode(text, { addSpecialTokens: false, maxLength: 5 }).ids, expected.ids.slice(0, 5), `truncated ${describeText(text)}`);
    }
  }
});

parity('decode gives what Rust decodes, with and without special tokens', async () => {
  const json = robertaTokenizerJson();
  const ours = ByteLevelBpeTokenizer.fromTokenizerJson(json);
  const rust = rustTokenizerFromJson(json);
  for (const { text } of texts) {
    const { ids } = await rustEncode(rust, text);
    assert.is(ours.decode(ids), await rust.decode(ids, false), `decode ${describeText(text)}`);
    assert.is(ours.decode(ids, { skipSpecialTokens: true }), await rust.decode(ids, true), `decode skipping specials ${describeText(text)}`);
  }
});

parity('decode of arbitrary ids (cut UTF-8 sequences become U+FFFD) is what Rust decodes', async () => {
  const json = robertaTokenizerJson();
  const ours = ByteLevelBpeTokenizer.fromTokenizerJson(json);
  const rust = rustTokenizerFromJson(json);
  const next = mulberry32(1);
  // Ids 100–600 are mostly single bytes and short pieces, many of them UTF-8 fragments.
  for (let row = 0; row < 300; row++) {
    const ids = Array.from({ length: 1 + Math.floor(next() * 12) }, () => (next() < 0.1 ? Math.floor(next() * 50262) : 100 + Math.floor(next() * 500)));
    assert.is(ours.decode(ids), await rust.decode(ids, false), `ids ${ids.join(',')}`);
  }
});

parity('decode(encode(text)) gives the text back, byte for byte', () => {
  // Byte-level BPE loses nothing; only lone surrogates (U+FFFD to Rust) and the special
  // tokens (<mask> takes the space before it) do not come back.
  const ours = ByteLevelBpeTokenizer.fromTokenizerJson(robertaTokenizerJson());
  let checked = 0;
  for (const { text } of texts) {
    if (/[\uD800-\uDFFF]/u.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')) || /<(s|\/s|pad|unk|mask)>/.test(text)) continue;
    assert.is(ours.decode(ours.encode(text).ids, { skipSpecialTokens: true }), text, describeText(text));
    checked++;
  }
  assert.ok(checked > 600, `${checked} texts`);
});

parity.run();
