// Every text of the Unigram corpus must give the ids, tokens and offsets of Hugging Face's
// XLMRobertaTokenizerFast, i.e. of the Rust `tokenizers` library asked at test time with the
// same tokenizer.json: the SentencePiece fixtures (a Unigram model trained with nmt_nfkc, and
// one without a Precompiled normalizer) and the variants a SentencePiece tokenizer.json can
// carry. sentencepiece's own ids must agree where sentencepiece and the conversion agree.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UnigramTokenizer } from '../../src/tokenizer/index.js';
import { assertSameAsRust, assertTruncatesAsRust, describeText, rustEncode, rustTokenizerFromJson } from './reference.js';
import { spmReference, unigramCorpus, unigramFixture } from './unigram-corpus.js';

const texts = unigramCorpus();

/** Ours and Rust's encodings and decodings of every corpus text under one tokenizer.json. */
async function checkParity(json: string, decode = true): Promise<void> {
  const ours = UnigramTokenizer.fromTokenizerJson(json);
  const rust = rustTokenizerFromJson(json);
  await assertSameAsRust(ours, rust, texts, { decode });
}

const parity = suite('SentencePiece Unigram parity with Rust tokenizers');

parity('the corpus has nmt_nfkc expansions, removals at the start, grapheme clusters, runs of spaces and multilingual text', () => {
  assert.ok(texts.length >= 1000, `${texts.length} texts`);
  for (const needle of ['ﬁ', '\u200bhello', 'Ａ\u0301', '👨‍👩‍👧‍👦', '   ', '▁', 'привет', '東', '<mask>', '\ud800']) {
    assert.ok(texts.some((t) => t.text.includes(needle)), needle);
  }
});

for (const fixture of ['xlmr-nmt-nfkc', 'identity']) {
  parity(`${fixture}.tokenizer.json: ids, tokens, offsets and decode of every corpus text`, async () => {
    await checkParity(unigramFixture(`${fixture}.tokenizer.json`));
  });
}

/** tokenizer.json objects changed in the ways SentencePiece files differ. */
interface JsonShape {
  normalizer: { type: string; normalizers: Array<{ type: string }> } | null;
  pre_tokenizer: Record<string, unknown>;
  post_processor: unknown;
  decoder: Record<string, unknown> | null;
  added_tokens: unknown[];
  model: { vocab: Array<[string, number]> };
}
const variants: Array<[string, (json: JsonShape) => void]> = [
  ['Precompiled alone, not in a Sequence', (j) => (j.normalizer = j.normalizer!.normalizers[0] as JsonShape['normalizer'])],
  ['no normalizer', (j) => (j.normalizer = null)],
  ['Strip right and Replace(" {2,}", "▁") (newer converters)', (j) => {
    j.normalizer!.normalizers.splice(1, 1, { type: 'Strip', strip_left: false, strip_right: true } as { type: string }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: '▁' } as { type: string });
  }],
  ['Strip both sides, Replace with a String pattern', (j) => {
    j.normalizer!.normalizers.splice(1, 1, { type: 'Strip', strip_left: true, strip_right: true } as { type: string }, { type: 'Replace', pattern: { String: 'é' }, content: 'ee' } as { type: string });
  }],
  ['prepend_scheme first', (j) => ((j.pre_tokenizer.prepend_scheme = 'first'), (j.decoder!.prepend_scheme = 'first'))],
  ['prepend_scheme never', (j) => ((j.pre_tokenizer.prepend_scheme = 'never'), (j.decoder!.prepend_scheme = 'never'))],
  ['split false', (j) => (j.pre_tokenizer.split = false)],
  ['older Metaspace: add_prefix_space true, no prepend_scheme nor split', (j) => {
    j.pre_tokenizer = { type: 'Metaspace', replacement: '▁', add_prefix_space: true };
    j.decoder = { type: 'Metaspace', replacement: '▁', add_prefix_space: true };
  }],
  ['RobertaProcessing, no decoder', (j) => ((j.post_processor = { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: true }), (j.decoder = null))],
  ['no post-processor', (j) => (j.post_processor = null)],
  ['added tokens: normalized, single_word, rstrip, CJK', (j) => {
    const id = j.model.vocab.length;
    j.added_tokens.push(
      { id, content: 'ＡＢＣ', single_word: false, lstrip: false, rstrip: false, normalized: true, special: false },
      { id: id + 1, content: 'hello', single_word: true, lstrip: false, rstrip: true, normalized: true, special: false },
      { id: id + 2, content: '東京', single_word: false, lstrip: true, rstrip: true, normalized: false, special: true },
    );
  }],
];

for (const [name, change] of variants) {
  parity(`variant, ${name}: ids, tokens, offsets and decode of every corpus text`, async () => {
    const object = JSON.parse(unigramFixture('xlmr-nmt-nfkc.tokenizer.json')) as JsonShape;
    change(object);
    await checkParity(JSON.stringify(object));
  });
}

parity('the whole corpus as one text (grapheme clusters cut across the segmenter\'s windows) gives what Rust gives', async () => {
  const json = unigramFixture('xlmr-nmt-nfkc.tokenizer.json');
  const ours = UnigramTokenizer.fromTokenizerJson(json);
  const rust = rustTokenizerFromJson(json);
  const whole = texts.map((t) => t.text).join(' \u200d👍🏽');
  assert.ok(whole.length > 100000, `${whole.length} units`);
  const expected = await rustEncode(rust, whole);
  const got = ours.encode(whole);
  assert.equal(got.ids, expected.ids);
  assert.equal(got.offsets, expected.offsets);
});

parity('truncation to maxLength keeps <s> … </s>, as Rust truncates; without special tokens too', async () => {
  const json = unigramFixture('xlmr-nmt-nfkc.tokenizer.json');
  const ours = UnigramTokenizer.fromTokenizerJson(json);
  const rust = rustTokenizerFromJson(json);
  await assertTruncatesAsRust(ours, rust, texts, [2, 3, 16]);
  await assertTruncatesAsRust(ours, rust, texts, [2, 3, 16], { truncationSide: 'left' });
  await assertTruncatesAsRust(ours, rust, texts, [0, 5], { truncationSide: 'left', addSpecialTokens: false });
  for (const { text } of texts) {
    const expected = await rustEncode(rust, text, false);
    assert.equal(ours.encode(text, { addSpecialTokens: false }).ids, expected.ids, `no special tokens: ${describeText(text)}`);
  }
});

parity('decode with special tokens is what Rust decodes', async () => {
  const json = unigramFixture('xlmr-nmt-nfkc.tokenizer.json');
  const ours = UnigramTokenizer.fromTokenizerJson(json);
  const rust = rustTokenizerFromJson(json);
  for (const { text } of texts.slice(0, 300)) {
    const { ids } = await rustEncode(rust, text);
    assert.is(ours.decode(ids), await rust.decode(ids, false), describeText(text));
  }
});

parity("sentencepiece's own ids (fairseq offset +1, <s> … </s>) for held-out multilingual sentences", () => {
  const rows = spmReference();
  assert.ok(rows.length >= 200, `${rows.length} rows`);
  const ours = UnigramTokenizer.fromTokenizerJson(unigramFixture('xlmr-nmt-nfkc.tokenizer.json'));
  for (const { text, ids } of rows) assert.equal(ours.encode(text).ids, ids, describeText(text));
});

parity.run();
