// UnigramTokenizer beyond the corpus: a hand-made model whose best path turns on the unknown
// token's score (min score − 10) and on fusing unknown characters, loadTokenizer's choice of
// it for a SentencePiece tokenizer.json, what tokenizer_config.json changes, and every setting
// it does not implement refused with the file and the field named.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryModelFiles } from '../../src/io/memory-model-files.js';
import { loadTokenizer, TokenizerError, UnigramTokenizer } from '../../src/tokenizer/index.js';
import { rejects } from '../helpers/rejects.js';
import { rustEncode, rustTokenizerFromJson } from './reference.js';
import { unigramFixture } from './unigram-corpus.js';

const test = suite('UnigramTokenizer: model, files and refusals');

/** A tokenizer.json with a hand-made vocabulary and nothing around the model but Metaspace. */
function handMade(vocab: Array<[string, number]>): string {
  return JSON.stringify({
    version: '1.0',
    added_tokens: [{ id: 0, content: '<unk>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    post_processor: null,
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    model: { type: 'Unigram', unk_id: 0, vocab, byte_fallback: false },
  });
}

// "x" is in no piece on its own. In "▁xy" the path "▁" (−2), unknown "x" (min −20, less 10),
// "y" (+9.5) scores −22.5, just below "▁" + "xy" (−22): with a penalty under 9.5 the unknown
// path would win. (Scores above 0 are what let an unknown character compete at all.)
const HAND_MADE: Array<[string, number]> = [['<unk>', 0], ['▁', -2], ['xy', -20], ['y', 9.5], ['b', -1], ['<pad>', 0]];

test('the unknown token scores 10 below the lowest piece, and unknown characters next to each other are one token', async () => {
  const json = handMade(HAND_MADE);
  const ours = UnigramTokenizer.fromTokenizerJson(json);
  const rust = rustTokenizerFromJson(json);
  const cases: Array<[string, string[]]> = [
    ['xy', ['▁', 'xy']],
    ['qqb', ['▁', 'qq', 'b']],
    ['x qq𝔘q b', ['▁', 'x', '▁', 'qq𝔘q', '▁', 'b']],
    ['▁xyy', ['▁', 'xy', 'y']],
  ];
  for (const [text, tokens] of cases) {
    const got = ours.encode(text);
    assert.equal(got.tokens, tokens, text);
    const expected = await rustEncode(rust, text);
    assert.equal(got.ids, expected.ids, text);
    assert.equal(got.tokens, expected.tokens, text);
    assert.equal(got.offsets, expected.offsets, text);
  }
  assert.equal(ours.encode('qqb').ids, [1, 0, 4]);
});

test('loadTokenizer gives a UnigramTokenizer for a Unigram tokenizer.json; tokenizer_config.json gives model_max_length and the padding token', async () => {
  const json = unigramFixture('xlmr-nmt-nfkc.tokenizer.json');
  const plain = await loadTokenizer(memoryModelFiles({ 'tokenizer.json': json }, 'xlmr'));
  assert.ok(plain instanceof UnigramTokenizer);
  assert.is(plain.modelMaxLength, 512);
  assert.is(plain.padTokenId, 1);
  assert.is(plain.unkTokenId, 3);
  assert.is(plain.maskTokenId, 3001);
  assert.is(plain.vocabSize, 3002);
  assert.is(plain.idToToken(0), '<s>');
  assert.is(plain.tokenToId('</s>'), 2);
  const config = JSON.stringify({ tokenizer_class: 'XLMRobertaTokenizer', model_max_length: 128, pad_token: '<unk>' });
  const configured = await loadTokenizer(memoryModelFiles({ 'tokenizer.json': json, 'tokenizer_config.json': config }, 'xlmr'));
  assert.is(configured.modelMaxLength, 128);
  assert.is(configured.padTokenId, 3);
  assert.equal(configured.encodeBatch(['a', 'a longer text']).inputIds[0].slice(-1), [3]);
});

test('a tokenizer.json whose model leaves out its type is read as Unigram by its [piece, score] vocab, as Rust reads it', async () => {
  const object = JSON.parse(unigramFixture('xlmr-nmt-nfkc.tokenizer.json')) as { model: { type?: string } };
  delete object.model.type;
  const json = JSON.stringify(object);
  const tokenizer = await loadTokenizer(memoryModelFiles({ 'tokenizer.json': json }, 'typeless'));
  assert.ok(tokenizer instanceof UnigramTokenizer);
  const text = 'привет ＡＢＣ ﬁne';
  assert.equal(tokenizer.encode(text).ids, (await rustEncode(rustTokenizerFromJson(json), text)).ids);
});

test('a folder with sentencepiece.bpe.model but no tokenizer.json is refused, saying tokenizer.json is needed', async () => {
  await rejects(
    loadTokenizer(memoryModelFiles({ 'sentencepiece.bpe.model': new Uint8Array([1, 2, 3]), 'config.json': '{}' }, 'models/xlmr')),
    /models\/xlmr has sentencepiece\.bpe\.model but no tokenizer\.json.*tokenizer\.json/,
  );
});

/** The fixture changed by `change`, loaded: the error it gives. */
function refusal(change: (json: Record<string, unknown> & { model: Record<string, unknown> }) => void): string {
  const object = JSON.parse(unigramFixture('xlmr-nmt-nfkc.tokenizer.json')) as Record<string, unknown> & { model: Record<string, unknown> };
  change(object);
  try {
    UnigramTokenizer.fromTokenizerJson(JSON.stringify(object), 'xlmr/tokenizer.json');
  } catch (error) {
    assert.ok(error instanceof TokenizerError, String(error));
    return error.message;
  }
  return assert.unreachable('no error') as never;
}

test('a runtime without Intl.Segmenter gets a TokenizerError naming what is missing, not a TypeError', () => {
  const intl = Intl as { Segmenter?: unknown };
  const segmenter = intl.Segmenter;
  delete intl.Segmenter;
  try {
    assert.throws(
      () => UnigramTokenizer.fromTokenizerJson(unigramFixture('xlmr-nmt-nfkc.tokenizer.json')),
      (error: unknown) => error instanceof TokenizerError && /needs Intl\.Segmenter \(grapheme clusters\), which this JavaScript runtime does not have/.test((error as Error).message),
    );
  } finally {
    intl.Segmenter = segmenter;
  }
  assert.ok(UnigramTokenizer.fromTokenizerJson(unigramFixture('xlmr-nmt-nfkc.tokenizer.json')));
});

test('settings the tokenizer does not implement are refused, naming the file and the field', () => {
  const cases: Array<[(j: Record<string, unknown> & { model: Record<string, unknown> }) => void, RegExp]> = [
    [(j) => (j.model.byte_fallback = true), /xlmr\/tokenizer\.json: model\.byte_fallback true is not supported/],
    [(j) => (j.model.unk_id = null), /model\.unk_id null is not supported/],
    [(j) => (j.model.unk_id = 99999), /model\.unk_id 99999 is not an id of model\.vocab/],
    [(j) => (j.model.vocab as unknown[]).push(['▁', -1]), /model\.vocab has "▁" twice/],
    [(j) => (j.model.vocab as unknown[]).push(['x']), /model\.vocab\[3002\] must be a \[piece, score\] pair/],
    [(j) => (j.normalizer = { type: 'NFKC' }), /normalizer: type "NFKC" is not supported \(Precompiled, Replace, Strip/],
    [(j) => (j.normalizer = { type: 'Sequence', normalizers: [{ type: 'Lowercase' }] }), /normalizer\.normalizers\[0\]: type "Lowercase" is not supported/],
    [(j) => (j.normalizer = { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }), /normalizer\.pattern .* is not supported/],
    [(j) => (j.normalizer = { type: 'Replace', pattern: { Regex: ' *' }, content: ' ' }), /normalizer\.pattern .* is not supported/],
    [(j) => (j.normalizer = { type: 'Precompiled', precompiled_charsmap: '!!' }), /precompiled_charsmap is not valid base64/],
    [(j) => (j.normalizer = { type: 'Precompiled', precompiled_charsmap: 'kAEAAA==' }), /charsmap's trie runs past its end/],
    [(j) => (j.pre_tokenizer = { type: 'Whitespace' }), /pre_tokenizer "Whitespace" is not supported \(only Metaspace\)/],
    [(j) => (j.pre_tokenizer = { type: 'Metaspace', replacement: '▁', add_prefix_space: false }), /add_prefix_space false does not match prepend_scheme "always"/],
    [(j) => (j.pre_tokenizer = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'sometimes' }), /prepend_scheme "sometimes" is not supported/],
    [(j) => (j.decoder = { type: 'ByteLevel' }), /decoder "ByteLevel" is not supported/],
    [(j) => (j.post_processor = { type: 'BertProcessing' }), /post_processor "BertProcessing" is not supported/],
    [(j) => ((j.post_processor as { single: Array<{ Sequence?: { type_id: number } }> }).single[1].Sequence!.type_id = 1), /type_id 1 is not supported/],
    [(j) => (j.model = { type: 'BPE', vocab: {}, merges: [] }), /model must be of type Unigram/],
  ];
  for (const [change, message] of cases) assert.match(refusal(change), message);
});

test.run();
