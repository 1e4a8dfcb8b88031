// The ByteLevelBpeTokenizer API around the core tokenization: special token ids, the empty
// text, batches with <pad>, maxLength arguments, odd input, offsets, and bytes the vocabulary
// lacks. Expected values come from the Rust binding or from the text itself.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ByteLevelBpeTokenizer, TokenizerError, type Tokenizer } from '../../src/tokenizer/index.js';
import { robertaTokenizerJson, robertaTokenizerJsonObject, robertaVocab } from '../../tools/roberta-tokenizer-files.js';
import { rustEncode, rustTokenizerFromJson } from './reference.js';

const json = robertaTokenizerJson();
const tokenizer = ByteLevelBpeTokenizer.fromTokenizerJson(json);
const rust = rustTokenizerFromJson(json);

const api = suite('byte-level BPE tokenizer API');

api('it is a Tokenizer', () => {
  const asInterface: Tokenizer = tokenizer;
  assert.is(asInterface.modelMaxLength, 512);
});

api('special token ids and vocabulary size are the ones Rust gives', () => {
  assert.is(tokenizer.vocabSize, rust.getVocabSize(true));
  assert.is(tokenizer.padTokenId, rust.tokenToId('<pad>'));
  assert.is(tokenizer.clsTokenId, rust.tokenToId('<s>'));
  assert.is(tokenizer.sepTokenId, rust.tokenToId('</s>'));
  assert.is(tokenizer.unkTokenId, rust.tokenToId('<unk>'));
  assert.is(tokenizer.maskTokenId, rust.tokenToId('<mask>'));
  // The layout the tool writes: RoBERTa's special ids, GPT-2's tokens shifted by 4, <mask> last.
  assert.equal([tokenizer.clsTokenId, tokenizer.padTokenId, tokenizer.sepTokenId, tokenizer.unkTokenId, tokenizer.maskTokenId], [0, 1, 2, 3, 50261]);
});

api('idToToken and tokenToId agree with Rust', () => {
  for (let id = 0; id < tokenizer.vocabSize; id += 97) {
    assert.is(tokenizer.idToToken(id), rust.idToToken(id), `id ${id}`);
    const token = robertaVocab()[id];
    assert.is(tokenizer.tokenToId(token), rust.tokenToId(token), token);
  }
  assert.is(tokenizer.idToToken(tokenizer.vocabSize), undefined);
  assert.is(tokenizer.tokenToId('not a token'), undefined);
});

api("encode('') is exactly <s> </s>, as the encoder relies on", async () => {
  const empty = tokenizer.encode('');
  assert.equal(empty.ids, [tokenizer.clsTokenId, tokenizer.sepTokenId]);
  assert.equal(empty.ids, (await rustEncode(rust, '')).ids);
  assert.equal(empty.offsets, [[0, 0], [0, 0]]);
  assert.equal(tokenizer.encode('', { addSpecialTokens: false }).ids, []);
});

api('encode gives a mask of ones and token types of zeros, the length of the ids', () => {
  const e = tokenizer.encode("Hello, world! Don't panic.");
  assert.equal(e.attentionMask, e.ids.map(() => 1));
  assert.equal(e.tokenTypeIds, e.ids.map(() => 0));
  assert.is(e.tokens.length, e.ids.length);
  assert.is(e.offsets.length, e.ids.length);
});

api('offsets of ASCII text point at each token without its spaces', () => {
  // Trimmed offsets: the text under a token is the token decoded, less its spaces (" ", not
  // tabs or line feeds: those are not "Ġ" once byte-level).
  for (const text of ['Hello world', "  I'll be   there, don't wait!  ", 'a\tb\nc  d', 'x  <mask> y']) {
    const e = tokenizer.encode(text, { addSpecialTokens: false });
    e.ids.forEach((id, i) => {
      const [start, end] = e.offsets[i];
      assert.is(text.slice(start, end), tokenizer.decode([id]).replace(/^ +| +$/g, ''), `${JSON.stringify(text)} token ${i}`);
    });
  }
  assert.equal(tokenizer.encode('Hello world').offsets, [[0, 0], [0, 5], [6, 11], [0, 0]]);
});

api('encodeBatch pads every row to the longest with <pad> and mask 0', () => {
  const texts = ['short', 'a somewhat longer text here', ''];
  const batch = tokenizer.encodeBatch(texts);
  const lengths = texts.map((t) => tokenizer.encode(t).ids.length);
  const width = Math.max(...lengths);
  const pad = rust.tokenToId('<pad>');
  batch.inputIds.forEach((row, i) => {
    assert.is(row.length, width);
    assert.equal(row.slice(0, lengths[i]), tokenizer.encode(texts[i]).ids);
    assert.ok(row.slice(lengths[i]).every((id) => id === pad));
    assert.equal(batch.attentionMask[i], row.map((_, k) => (k < lengths[i] ? 1 : 0)));
    assert.equal(batch.tokenTypeIds[i], row.map(() => 0));
    assert.is(batch.encodings[i].ids.length, lengths[i]);
  });
  assert.equal(tokenizer.encodeBatch([]).inputIds, []);
});

api('encodeBatch truncates each row to maxLength', () => {
  const long = tokenizer.encode('one two three four five six');
  const batch = tokenizer.encodeBatch(['one two three four five six', 'one'], { maxLength: 4 });
  assert.equal(batch.inputIds[0], [long.ids[0], long.ids[1], long.ids[2], long.ids[long.ids.length - 1]]);
  assert.is(batch.inputIds[1].length, 4);
});

api('maxLength must leave room for <s> and </s>', () => {
  for (const maxLength of [0, 1, -3, 2.5, Number.NaN]) {
    assert.throws(() => tokenizer.encode('hello', { maxLength }), (e: unknown) => e instanceof TokenizerError && /maxLength.*<s> and <\/s>/.test((e as Error).message));
  }
  assert.equal(tokenizer.encode('hello world', { maxLength: 2 }).ids, [0, 2]);
  assert.equal(tokenizer.encode('hello world', { maxLength: 0, addSpecialTokens: false }).ids, []);
});

api('input that is not a string is a TokenizerError', () => {
  assert.throws(() => tokenizer.encode(42 as unknown as string), (e: unknown) => e instanceof TokenizerError);
  assert.throws(() => tokenizer.encodeBatch('text' as unknown as string[]), (e: unknown) => e instanceof TokenizerError);
  assert.throws(() => tokenizer.encodeBatch(['ok', null as unknown as string]), (e: unknown) => e instanceof TokenizerError);
});

api('lone surrogates are U+FFFD, as Rust receives them, one UTF-16 unit wide', async () => {
  const text = 'a\ud800b \udfff';
  const e = tokenizer.encode(text);
  assert.equal(e.ids, (await rustEncode(rust, text)).ids);
  assert.equal(e.ids, tokenizer.encode('a\ufffdb \ufffd').ids);
  assert.equal(e.offsets, (await rustEncode(rust, text)).offsets);
});

api('decode skips ids no token has, as Rust does', async () => {
  const ids = [0, 31414, 10 ** 6, 232, 2];
  assert.is(tokenizer.decode(ids), await rust.decode(ids, false));
});

/** The tokenizer.json without the byte "Ġ" (a space) in its vocabulary, nor merges making it. */
function withoutSpaceByte(change: (model: Record<string, unknown>) => void): string {
  const object = robertaTokenizerJsonObject();
  const model = object.model as { vocab: Record<string, number>; merges: Array<[string, string]> };
  for (const token of Object.keys(model.vocab)) if (token.includes('Ġ')) delete model.vocab[token];
  model.merges = model.merges.filter(([a, b]) => !a.includes('Ġ') && !b.includes('Ġ'));
  change(model as unknown as Record<string, unknown>);
  return JSON.stringify(object);
}

api("a byte the vocabulary lacks becomes the model's unk_token, fused or not, as in Rust", async () => {
  for (const fuse of [false, true]) {
    const text = 'a  b c';
    const missing = withoutSpaceByte((model) => Object.assign(model, { unk_token: '<unk>', fuse_unk: fuse }));
    const expected = await rustEncode(rustTokenizerFromJson(missing), text);
    const got = ByteLevelBpeTokenizer.fromTokenizerJson(missing).encode(text);
    assert.equal(got.ids, expected.ids, `fuse_unk ${fuse}`);
    assert.equal(got.offsets, expected.offsets, `fuse_unk ${fuse}`);
    assert.ok(got.tokens.includes('<unk>'));
  }
});

api('without a model unk_token, a missing byte is <unk> when the vocabulary has it, else a TokenizerError naming it', () => {
  // Rust drops the byte silently; a visible <unk> (or an error) is what the brief asks instead.
  const withUnk = ByteLevelBpeTokenizer.fromTokenizerJson(withoutSpaceByte(() => undefined));
  assert.equal(withUnk.encode('a b', { addSpecialTokens: false }).tokens, ['a', '<unk>', 'b']);
  const noUnk = ByteLevelBpeTokenizer.fromTokenizerJson(withoutSpaceByte((model) => delete (model.vocab as Record<string, number>)['<unk>']));
  assert.equal(noUnk.encode('ab').tokens, ['<s>', 'ab', '</s>']);
  assert.throws(() => noUnk.encode('a b'), (e: unknown) => e instanceof TokenizerError && /no symbol 'Ġ' \(U\+0120\)/.test((e as Error).message));
});

api.run();
