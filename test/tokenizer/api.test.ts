// The BertTokenizer API around the core tokenization: batches, truncation arguments, loading
// from model folders and tokenizer files, added tokens with their options, odd input.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rejects } from '../helpers/rejects.js';
import { SpladeError } from '../../src/errors.js';
import { memoryModelFiles } from '../../src/io/memory-model-files.js';
import { BertTokenizer, TokenizerError } from '../../src/tokenizer/index.js';
import { bertTokenizerJson } from '../../tools/bert-tokenizer-json.js';
import { bertBaseUncasedVocab, bertBaseUncasedVocabText } from '../../tools/bert-vocab.js';
import { rustEncode, rustTokenizer, rustTokenizerFromJson } from './reference.js';

const vocabText = bertBaseUncasedVocabText();
const tokenizer = BertTokenizer.fromVocab(vocabText);

const api = suite('tokenizer API');

api('special token ids, vocabulary size and maximum length of bert-base-uncased', () => {
  assert.is(tokenizer.padTokenId, 0);
  assert.is(tokenizer.unkTokenId, 100);
  assert.is(tokenizer.clsTokenId, 101);
  assert.is(tokenizer.sepTokenId, 102);
  assert.is(tokenizer.maskTokenId, 103);
  assert.is(tokenizer.vocabSize, 30522);
  assert.is(tokenizer.modelMaxLength, 512);
  assert.is(tokenizer.idToToken(7592), 'hello');
  assert.is(tokenizer.tokenToId('##ing'), bertBaseUncasedVocab().indexOf('##ing'));
  assert.is(tokenizer.idToToken(30522), undefined);
  assert.is(tokenizer.tokenToId('not-a-token'), undefined);
});

api('encode gives a mask of ones and token types of zeros, the length of the ids', () => {
  const e = tokenizer.encode('Hello, world!');
  assert.equal(e.attentionMask, e.ids.map(() => 1));
  assert.equal(e.tokenTypeIds, e.ids.map(() => 0));
  assert.is(e.tokens.length, e.ids.length);
  assert.is(e.offsets.length, e.ids.length);
});

api('encodeBatch pads every row to the longest with [PAD] and mask 0', () => {
  const texts = ['short', 'a somewhat longer text here', ''];
  const batch = tokenizer.encodeBatch(texts);
  const lengths = texts.map((t) => tokenizer.encode(t).ids.length);
  const width = Math.max(...lengths);
  batch.inputIds.forEach((row, i) => {
    assert.is(row.length, width);
    assert.equal(row.slice(0, lengths[i]), tokenizer.encode(texts[i]).ids);
    assert.ok(row.slice(lengths[i]).every((id) => id === tokenizer.padTokenId));
    assert.equal(batch.attentionMask[i], row.map((_, k) => (k < lengths[i] ? 1 : 0)));
    assert.equal(batch.tokenTypeIds[i], row.map(() => 0));
    assert.is(batch.encodings[i].ids.length, lengths[i]);
  });
  assert.equal(tokenizer.encodeBatch([]).inputIds, []);
});

api('encodeBatch truncates each row to maxLength', () => {
  const batch = tokenizer.encodeBatch(['one two three four five six', 'one'], { maxLength: 4 });
  assert.equal(batch.inputIds[0], [101, ...tokenizer.encode('one two').ids.slice(1, 3), 102]);
  assert.is(batch.inputIds[1].length, 4);
});

api('maxLength must leave room for [CLS] and [SEP]', () => {
  for (const maxLength of [0, 1, -3, 2.5, Number.NaN]) {
    assert.throws(() => tokenizer.encode('hello', { maxLength }), (e: unknown) => e instanceof TokenizerError && /maxLength/.test((e as Error).message));
  }
  assert.equal(tokenizer.encode('hello world', { maxLength: 2 }).ids, [101, 102]);
  assert.equal(tokenizer.encode('hello world', { maxLength: 0, addSpecialTokens: false }).ids, []);
});

api('input that is not a string is a TokenizerError', () => {
  assert.throws(() => tokenizer.encode(42 as unknown as string), (e: unknown) => e instanceof TokenizerError);
  assert.throws(() => tokenizer.encode(undefined as unknown as string), (e: unknown) => e instanceof TokenizerError);
  assert.throws(() => tokenizer.encodeBatch('text' as unknown as string[]), (e: unknown) => e instanceof TokenizerError);
  assert.throws(() => tokenizer.encodeBatch(['ok', null as unknown as string]), (e: unknown) => e instanceof TokenizerError);
});

api('lone surrogates are dropped without throwing', () => {
  const e = tokenizer.encode('a\ud800b \udfff c\ud83d');
  assert.equal(e.tokens, ['[CLS]', 'ab', 'c', '[SEP]']);
  assert.equal(e.offsets[1], [0, 3]);
});

api('a 10 MB string is tokenized whole, and truncation stops early', () => {
  const unit = 'Tokenizers split text into pieces, café 東京 😀! ';
  const text = unit.repeat(Math.ceil(10_000_000 / unit.length));
  const perUnit = tokenizer.encode(unit, { addSpecialTokens: false }).ids.length;
  const e = tokenizer.encode(text, { addSpecialTokens: false });
  assert.is(e.ids.length, perUnit * Math.ceil(10_000_000 / unit.length));
  const truncated = tokenizer.encode(text, { maxLength: 512 });
  assert.is(truncated.ids.length, 512);
  const oneWord = tokenizer.encode('x'.repeat(10_000_000));
  assert.equal(oneWord.tokens, ['[CLS]', '[UNK]', '[SEP]']);
  assert.equal(oneWord.offsets[1], [0, 10_000_000]);
});

api('decode skips ids outside the vocabulary, and specials on request', () => {
  const ids = tokenizer.encode("Hello, [MASK] world! It's 3.5%").ids;
  // Rust cleans up each piece on its own, so "'" and "s" stay apart: "it ' s".
  assert.is(tokenizer.decode(ids), "[CLS] hello, [MASK] world! it ' s 3. 5 % [SEP]");
  assert.is(tokenizer.decode(ids, { skipSpecialTokens: true }), "hello, world! it ' s 3. 5 %");
  assert.is(tokenizer.decode([7592, 99999, -1, 2088]), 'hello world');
});

const loading = suite('tokenizer loading');

loading('fromModelFiles prefers tokenizer.json', async () => {
  const json = JSON.parse(bertTokenizerJson()) as { model: { vocab: Record<string, number> } };
  json.model.vocab['hello'] = 7592; // unchanged, but vocab.txt below would be unusable
  const files = memoryModelFiles({ 'tokenizer.json': JSON.stringify(json), 'vocab.txt': 'garbage\n' }, 'models/x');
  const t = await BertTokenizer.fromModelFiles(files);
  assert.equal(t.encode('Hello world').ids, tokenizer.encode('Hello world').ids);
});

loading('fromModelFiles reads vocab.txt with tokenizer_config.json and special_tokens_map.json', async () => {
  const files = memoryModelFiles({
    'vocab.txt': vocabText,
    'tokenizer_config.json': JSON.stringify({ do_lower_case: false, model_max_length: 256 }),
    'special_tokens_map.json': JSON.stringify({ unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: { content: '[CLS]' }, mask_token: '[MASK]' }),
  });
  const t = await BertTokenizer.fromModelFiles(files);
  assert.is(t.modelMaxLength, 256);
  const rust = rustTokenizer({ lowercase: false });
  for (const text of ['Hello World', 'Café Ünïcode ÀB', 'ΣΑΣ İ']) {
    assert.equal(t.encode(text).ids, (await rustEncode(rust, text)).ids, text);
  }
});

loading('tokenizer_config.json overrides the tokenizer.json normalizer as BertTokenizerFast does', async () => {
  const files = memoryModelFiles({ 'tokenizer.json': bertTokenizerJson(), 'tokenizer_config.json': '{"do_lower_case": false}' });
  const t = await BertTokenizer.fromModelFiles(files);
  const rust = rustTokenizer({ lowercase: false });
  assert.equal(t.encode('Hello Café').ids, (await rustEncode(rust, 'Hello Café')).ids);
  // A config that agrees with tokenizer.json (the usual case) changes nothing; 1e30 means no limit.
  const same = await BertTokenizer.fromModelFiles(
    memoryModelFiles({ 'tokenizer.json': bertTokenizerJson(), 'tokenizer_config.json': '{"do_lower_case": true, "model_max_length": 1e30}' }),
  );
  assert.equal(same.encode('Hello Café').ids, tokenizer.encode('Hello Café').ids);
  assert.is(same.modelMaxLength, 512);
});

loading('a vocab.txt whose tokenizer_config.json names another tokenizer class is refused, not read as WordPiece', async () => {
  const japanese = memoryModelFiles({
    'vocab.txt': vocabText,
    'tokenizer_config.json': JSON.stringify({ tokenizer_class: 'BertJapaneseTokenizer', word_tokenizer_type: 'mecab', subword_tokenizer_type: 'wordpiece' }),
  }, 'models/ja');
  await rejects(BertTokenizer.fromModelFiles(japanese), (e: unknown) => e instanceof TokenizerError
    && /^models\/ja\/tokenizer_config\.json: tokenizer_class "BertJapaneseTokenizer" is not supported/.test((e as Error).message));
  for (const ok of ['BertTokenizer', 'DistilBertTokenizerFast', 'ElectraTokenizer']) {
    const t = await BertTokenizer.fromModelFiles(memoryModelFiles({ 'vocab.txt': vocabText, 'tokenizer_config.json': JSON.stringify({ tokenizer_class: ok }) }));
    assert.equal(t.encode('Hello world').ids, tokenizer.encode('Hello world').ids, ok);
  }
  // With a tokenizer.json the class name does not decide: tokenizer.json is checked part by part.
  const withJson = memoryModelFiles({ 'tokenizer.json': bertTokenizerJson(), 'tokenizer_config.json': JSON.stringify({ tokenizer_class: 'PreTrainedTokenizerFast' }) });
  assert.equal((await BertTokenizer.fromModelFiles(withJson)).encode('Hello world').ids, tokenizer.encode('Hello world').ids);
});

loading('a folder without tokenizer files is a TokenizerError naming the folder', async () => {
  try {
    await BertTokenizer.fromModelFiles(memoryModelFiles({ 'config.json': '{}' }, 'models/empty'));
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, TokenizerError);
    assert.instance(error, SpladeError);
    assert.match((error as Error).message, 'models/empty');
  }
});

loading('bad tokenizer files are TokenizerErrors that say what is wrong', () => {
  const cases: Array<[string, RegExp]> = [
    ['not json', /not valid JSON/],
    ['[]', /not a JSON object/],
    ['{}', /no 'model'/],
    [JSON.stringify({ model: { type: 'BPE', vocab: {} } }), /BPE.*not supported/],
    [bertTokenizerJson().replace('"BertPreTokenizer"', '"Whitespace"'), /pre_tokenizer "Whitespace"/],
    [bertTokenizerJson().replace('"BertNormalizer"', '"NFC"'), /normalizer "NFC"/],
    [bertTokenizerJson().replace('"unk_token":"[UNK]"', '"unk_token":"<unk>"'), /unknown token '<unk>'/],
    [bertTokenizerJson().replace('"max_input_chars_per_word":100', '"max_input_chars_per_word":-1'), /max_input_chars_per_word/],
    [bertTokenizerJson().replace('"max_input_chars_per_word":100', '"max_input_chars_per_word":"100"'), /max_input_chars_per_word' must be a number/],
  ];
  for (const [json, message] of cases) {
    assert.throws(() => BertTokenizer.fromTokenizerJson(json), (e: unknown) => e instanceof TokenizerError && message.test((e as Error).message), String(message));
  }
  assert.throws(() => BertTokenizer.fromVocab(''), (e: unknown) => e instanceof TokenizerError && /empty/.test((e as Error).message));
  assert.throws(() => BertTokenizer.fromVocab('a\nb\n'), (e: unknown) => e instanceof TokenizerError && /\[PAD\]/.test((e as Error).message));
});

loading('a special token missing from the vocabulary: the error names the file the vocabulary came from', async () => {
  const json = bertTokenizerJson();
  const cases: Array<[Record<string, string>, string]> = [
    [{ 'tokenizer.json': json.replace('"unk_token":"[UNK]"', '"unk_token":"<unk>"') }, "models/x/tokenizer.json: the vocabulary has no unknown token '<unk>'"],
    [{ 'tokenizer.json': json.replace('"unk_token":"[UNK]"', '"unk_token":"<unk>"') }, "models/x/tokenizer.json: the vocabulary has no unknown token '<unk>'"],
    [{ 'vocab.txt': vocabText, 'special_tokens_map.json': '{"cls_token": "[KLS]"}' }, "models/x/vocab.txt has no special token '[KLS]'"],
  ];
  for (const [files, message] of cases) {
    await rejects(BertTokenizer.fromModelFiles(memoryModelFiles(files, 'models/x')), (e) => e instanceof TokenizerError && (e as Error).message === message);
  }
});

loading("a tokenizer.json's post-processor gives [CLS] and [SEP] their ids, as Rust's tokenizers does, whatever the vocabulary's", async () => {
  // Ids 1996 ('the') and 2088 ('world'): valid tokens, not the vocabulary's [CLS] (101) and [SEP] (102).
  const template = JSON.parse(bertTokenizerJson()) as { post_processor: { special_tokens: Record<string, { ids: number[] }> } };
  template.post_processor.special_tokens['[CLS]'].ids = [1996];
  template.post_processor.special_tokens['[SEP]'].ids = [2088];
  const bertProcessing = JSON.parse(bertTokenizerJson()) as { post_processor: unknown };
  bertProcessing.post_processor = { type: 'BertProcessing', cls: ['[CLS]', 1996], sep: ['[SEP]', 2088] };
  for (const json of [JSON.stringify(template), JSON.stringify(bertProcessing)]) {
    const expected = await rustEncode(rustTokenizerFromJson(json), 'Hello there');
    assert.equal(expected.ids.slice(0, 1), [1996], 'the reference follows the post-processor');
    const got = BertTokenizer.fromTokenizerJson(json).encode('Hello there');
    assert.equal([got.ids, got.tokens, got.specialTokensMask], [expected.ids, expected.tokens, expected.specialTokensMask]);
  }
});

loading("a post-processor id past the vocabulary, or a template token missing from special_tokens, is refused naming the file", async () => {
  const json = JSON.parse(bertTokenizerJson()) as { post_processor: { special_tokens: Record<string, { ids: number[] }> } };
  json.post_processor.special_tokens['[SEP]'].ids = [30522];
  await rejects(BertTokenizer.fromModelFiles(memoryModelFiles({ 'tokenizer.json': JSON.stringify(json) }, 'models/x')),
    (e) => e instanceof TokenizerError && (e as Error).message === "models/x/tokenizer.json: post_processor's '[SEP]' has id 30522, past the vocabulary (30522 tokens)");
  // Rust panics encoding with it: the template names "[KLS]", special_tokens has only "[CLS]".
  const missing = bertTokenizerJson().replaceAll('"id":"[CLS]"', '"id":"[KLS]"');
  await rejects(BertTokenizer.fromModelFiles(memoryModelFiles({ 'tokenizer.json': missing }, 'models/x')),
    (e) => e instanceof TokenizerError && (e as Error).message === 'models/x/tokenizer.json: post_processor: special token "[KLS]" must be in special_tokens with one id and one token');
});

loading('vocab.txt lines may end in \\r\\n', () => {
  const crlf = BertTokenizer.fromVocab(vocabText.replace(/\n/g, '\r\n'));
  assert.equal(crlf.encode('Hello there, unbelievable').ids, tokenizer.encode('Hello there, unbelievable').ids);
});

const added = suite('added tokens');

added('added tokens with normalized, lstrip, rstrip and single_word match as in Rust', async () => {
  const json = JSON.parse(bertTokenizerJson()) as { added_tokens: object[] };
  const extra = [
    { id: 30522, content: '<ent>', single_word: false, lstrip: true, rstrip: true, normalized: false, special: true },
    { id: 30523, content: 'Foo', single_word: false, lstrip: false, rstrip: false, normalized: true, special: false },
    { id: 30524, content: 'bar', single_word: true, lstrip: false, rstrip: false, normalized: false, special: false },
    { id: 30525, content: 'ÉTÉ', single_word: false, lstrip: false, rstrip: false, normalized: true, special: false },
    { id: 30526, content: '[MASK]x', single_word: false, lstrip: false, rstrip: false, normalized: false, special: false },
  ];
  json.added_tokens.push(...extra);
  const text = JSON.stringify(json);
  const ours = BertTokenizer.fromTokenizerJson(text);
  type Rust = Parameters<typeof rustEncode>[0] & { getVocabSize(withAdded: boolean): number; idToToken(id: number): string | null };
  const { Tokenizer } = (await import('tokenizers')) as unknown as { Tokenizer: { fromString(json: string): Rust } };
  const rust = Tokenizer.fromString(text);
  const samples = [
    'a <ent> b', 'a\t<ent>\u3000b', '<ent><ent>', 'x<ent>y', 'foo FOO Foo fOo', 'afoob', 'bar barn rebar bar.', '(bar) bar_x',
    'été ÉTÉ Été ete', '[MASK]x [MASK]y [MASK] x', '  <ent>  ', 'foo<ent>bar', 'Straße foo', '',
  ];
  assert.is(ours.vocabSize, rust.getVocabSize(true));
  for (let id = 30520; id < 30530; id++) assert.is(ours.idToToken(id), rust.idToToken(id) ?? undefined, `idToToken(${id})`);
  assert.is(ours.tokenToId('bar'), 3347); // an added token already in the vocabulary keeps its id
  for (const sample of samples) {
    const expected = await rustEncode(rust, sample);
    const got = ours.encode(sample);
    assert.equal(got.ids, expected.ids, sample);
    assert.equal(got.tokens, expected.tokens, `tokens of ${sample}`);
    assert.equal(got.offsets, expected.offsets, `offsets of ${sample}`);
    assert.is(ours.decode(got.ids, { skipSpecialTokens: true }), await rust.decode(got.ids, true), `decode ${sample}`);
  }
});

api.run();
loading.run();
added.run();
