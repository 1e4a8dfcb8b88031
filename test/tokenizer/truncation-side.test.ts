// tokenizer_config.json's truncation_side, read by every tokenizer family from every layout:
// "left" makes encode keep the end of a long text as transformers does (it hands the side to
// Rust's truncation on each call), anything but "left" or "right" is refused naming the file.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryModelFiles } from '../../src/io/memory-model-files.js';
import { loadTokenizer, TokenizerError, type TokenizerFiles } from '../../src/tokenizer/index.js';
import { bertTokenizerJson } from '../../tools/bert-tokenizer-json.js';
import { bertBaseUncasedVocabText } from '../../tools/bert-vocab.js';
import { robertaMergesText, robertaTokenizerConfig, robertaTokenizerJson, robertaVocabJson } from '../../tools/roberta-tokenizer-files.js';
import { rejects } from '../helpers/rejects.js';
import { rustEncode, rustTokenizerFromJson } from './reference.js';
import { unigramFixture } from './unigram-corpus.js';

const test = suite('tokenizer_config.json truncation_side');

const TEXT = 'The quick brown fox jumps over the lazy dog, then naps under a very old oak tree.';

/** Each layout: its files less tokenizer_config.json, the config it starts from, and the tokenizer.json Rust reads. */
const LAYOUTS: Array<{ name: string; files: Record<string, string>; config: Record<string, unknown>; json: string }> = [
  { name: 'BERT vocab.txt', files: { 'vocab.txt': bertBaseUncasedVocabText() }, config: {}, json: bertTokenizerJson() },
  { name: 'BERT tokenizer.json', files: { 'tokenizer.json': bertTokenizerJson() }, config: {}, json: bertTokenizerJson() },
  { name: 'RoBERTa tokenizer.json', files: { 'tokenizer.json': robertaTokenizerJson() }, config: robertaTokenizerConfig(), json: robertaTokenizerJson() },
  {
    name: 'RoBERTa vocab.json + merges.txt', files: { 'vocab.json': robertaVocabJson(), 'merges.txt': robertaMergesText() },
    config: robertaTokenizerConfig(), json: robertaTokenizerJson(),
  },
  { name: 'XLM-R Unigram tokenizer.json', files: { 'tokenizer.json': unigramFixture('xlmr-nmt-nfkc.tokenizer.json') }, config: {}, json: unigramFixture('xlmr-nmt-nfkc.tokenizer.json') },
];

function folder(layout: (typeof LAYOUTS)[number], side: unknown): TokenizerFiles {
  const config = side === undefined ? layout.config : { ...layout.config, truncation_side: side };
  return memoryModelFiles({ ...layout.files, 'tokenizer_config.json': JSON.stringify(config) }, 'models/m');
}

for (const layout of LAYOUTS) {
  test(`${layout.name}: truncation_side "left" keeps the end of the text, as Rust's direction left`, async () => {
    const tokenizer = await loadTokenizer(folder(layout, 'left'));
    assert.is(tokenizer.truncationSide, 'left');
    const rust = rustTokenizerFromJson(layout.json);
    rust.setTruncation(8, { direction: 'left' });
    const expected = await rustEncode(rust, TEXT);
    const got = tokenizer.encode(TEXT, { maxLength: 8 });
    assert.equal([got.ids, got.offsets], [expected.ids, expected.offsets]);
    // The encode option outranks the folder's side.
    rust.setTruncation(8, { direction: 'right' });
    assert.equal(tokenizer.encode(TEXT, { maxLength: 8, truncationSide: 'right' }).ids, (await rustEncode(rust, TEXT)).ids);
  });

  test(`${layout.name}: "right", null or no truncation_side truncates on the right`, async () => {
    for (const side of ['right', null, undefined]) {
      const tokenizer = await loadTokenizer(folder(layout, side));
      assert.is(tokenizer.truncationSide, 'right', String(side));
      assert.equal(tokenizer.encode(TEXT, { maxLength: 8 }).ids, tokenizer.encode(TEXT).ids.slice(0, 7).concat(tokenizer.encode(TEXT).ids.slice(-1)));
    }
  });

  test(`${layout.name}: a truncation_side other than "left" or "right" names the file and the field`, async () => {
    for (const side of ['Left', 'middle', 1, true]) {
      await rejects(loadTokenizer(folder(layout, side)), (e: unknown) => e instanceof TokenizerError
        && (e as Error).message === `models/m/tokenizer_config.json: field 'truncation_side' must be "right" or "left", got ${JSON.stringify(side)}`);
    }
  });
}

test("a tokenizer.json's own truncation block does not decide the side (transformers replaces it on every call)", async () => {
  const json = JSON.parse(bertTokenizerJson()) as Record<string, unknown>;
  json.truncation = { direction: 'Left', max_length: 8, strategy: 'LongestFirst', stride: 0 };
  const tokenizer = await loadTokenizer(memoryModelFiles({ 'tokenizer.json': JSON.stringify(json) }));
  assert.is(tokenizer.truncationSide, 'right');
});

test("encode's truncationSide must be 'right' or 'left'", async () => {
  const tokenizer = await loadTokenizer(folder(LAYOUTS[0], undefined));
  assert.throws(() => tokenizer.encode(TEXT, { maxLength: 8, truncationSide: 'middle' as 'left' }), (e: unknown) => e instanceof TokenizerError
    && (e as Error).message === `truncationSide must be 'right' or 'left', not "middle"`);
});

test.run();
