// TEI's POST /tokenize and POST /decode through the handler, for the three tokenizers of the
// generated test models (WordPiece, byte-level BPE, Unigram): each answer compared with what
// Hugging Face's Rust tokenizers (npm `tokenizers`) give, read as TEI reads them
// (core/src/tokenization.rs `into_tokens`: UTF-8 byte offsets, the input's bytes as a token's
// text, null offsets for the special tokens added around it); TEI's errors and limits.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tokenizer as RustTokenizer } from 'tokenizers';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { createSpladeHandler, type SpladeHandlerOptions } from '../../src/serve/handler.js';
import { bertTokenizerJson } from '../../tools/bert-tokenizer-json.js';
import { writeRandomRobertaFolder, writeRandomXlmRobertaFolder } from '../../tools/generate-model.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const f32 = join(root, 'test/parity/fixtures/f32');
const tmp = mkdtempSync(join(tmpdir(), 'splade-serve-tokenize-'));
const SMALL = { layers: 1, hidden: 32, heads: 4, intermediate: 64, maxPositions: 64 };
// Accents, CJK (3 bytes a character), an emoji (4 bytes, 2 UTF-16 units), a special token
// written in the text, runs of spaces: where byte, code point and UTF-16 offsets differ.
const TEXTS = ['The Manhattan Project', 'naïve café résumé 🙂 and 東京 [CLS] <s> x', '   leading and trailing spaces   ', 'Ω'];

interface Model {
  readonly name: string;
  readonly encoder: SpladeEncoder;
  readonly rust: RustTokenizer;
}

type Token = { id: number; text: string; special: boolean; start: number | null; stop: number | null };

async function models(): Promise<Model[]> {
  const vocab = readFileSync(join(f32, 'vocab.txt'), 'utf8').split('\n').filter((line) => line !== '');
  const roberta = join(tmp, 'roberta');
  await writeRandomRobertaFolder(roberta, { ...SMALL, seed: 3 });
  const xlmr = join(tmp, 'xlmr');
  await writeRandomXlmRobertaFolder(xlmr, { ...SMALL, seed: 5 });
  const load = (dir: string): Promise<SpladeEncoder> => SpladeEncoder.fromPretrained(dir, { backend: 'cpu', threads: 1 });
  const rustOf = (dir: string): RustTokenizer => RustTokenizer.fromString(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
  return [
    { name: 'WordPiece (vocab.txt)', encoder: await load(f32), rust: RustTokenizer.fromString(bertTokenizerJson(vocab)) },
    { name: 'byte-level BPE', encoder: await load(roberta), rust: rustOf(roberta) },
    { name: 'Unigram', encoder: await load(xlmr), rust: rustOf(xlmr) },
  ];
}

const all = await models();
const [bert] = all;

function post(body: unknown, path: string): Request {
  return new Request(`http://localhost${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function call(encoder: SpladeEncoder, request: Request, options: SpladeHandlerOptions = {}): Promise<{ status: number; body: unknown }> {
  const response = await createSpladeHandler(encoder, options)(request);
  return { status: response.status, body: await response.json() };
}

/**
 * TEI's tokens of `text` from the Rust tokenizer's encoding: its offsets are code points (the
 * Node binding's), made UTF-8 bytes here as TEI's Rust offsets are.
 */
async function expectedTokens(rust: RustTokenizer, text: string, addSpecialTokens: boolean): Promise<Token[]> {
  const encoding = await rust.encode(text, null, { addSpecialTokens });
  const points = Array.from(text);
  const byteAt = (point: number): number => Buffer.byteLength(points.slice(0, point).join(''));
  const bytes = Buffer.from(text);
  const tokens = encoding.getTokens();
  const mask = encoding.getSpecialTokensMask();
  return encoding.getIds().map((id, k) => {
    if (mask[k] === 1) return { id, text: tokens[k], special: true, start: null, stop: null };
    const [start, stop] = encoding.getOffsets()[k].map(byteAt);
    return { id, text: bytes.subarray(start, stop).toString('utf8'), special: false, start, stop };
  });
}

test('POST /tokenize: Rust\'s ids, special tokens and UTF-8 byte offsets, each token\'s text the input\'s bytes, for each tokenizer', async () => {
  for (const { name, encoder, rust } of all) {
    for (const addSpecialTokens of [true, false]) {
      const got = await call(encoder, post({ inputs: TEXTS, add_special_tokens: addSpecialTokens }, '/tokenize'));
      assert.is(got.status, 200, `${name}: ${JSON.stringify(got.body)}`);
      const expected = await Promise.all(TEXTS.map((text) => expectedTokens(rust, text, addSpecialTokens)));
      assert.equal(got.body, expected, `${name}, add_special_tokens ${addSpecialTokens}`);
    }
  }
});

test('POST /tokenize: one text gives one row; special tokens are added by default; offsets count bytes, not characters', async () => {
  const got = await call(bert.encoder, post({ inputs: 'café x' }, '/tokenize'));
  const rows = got.body as Token[][];
  assert.is(rows.length, 1);
  // "é" is 2 bytes: the "##e" piece it becomes spans bytes 3 to 5, and its text is the input's "é".
  assert.equal(rows[0].map(({ text, special, start, stop }) => [text, special, start, stop]), [
    ['[CLS]', true, null, null],
    ['c', false, 0, 1],
    ['a', false, 1, 2],
    ['f', false, 2, 3],
    ['é', false, 3, 5],
    ['x', false, 6, 7],
    ['[SEP]', true, null, null],
  ]);
});

test('POST /decode: Rust\'s text of each row, special tokens skipped by default or kept, unknown ids left out', async () => {
  for (const { name, encoder, rust } of all) {
    const rows = await Promise.all(TEXTS.map(async (text) => (await rust.encode(text)).getIds()));
    rows.push([...rows[0], 999_999]);
    for (const skip of [true, false]) {
      const got = await call(encoder, post({ ids: rows, skip_special_tokens: skip }, '/decode'));
      assert.is(got.status, 200, `${name}: ${JSON.stringify(got.body)}`);
      assert.equal(got.body, await Promise.all(rows.map((ids) => rust.decode(ids, skip))), `${name}, skip_special_tokens ${skip}`);
    }
    const single = await call(encoder, post({ ids: rows[1] }, '/decode'));
    assert.equal(single.body, [await rust.decode(rows[1], true)], `${name}: one row of ids gives one text, special tokens skipped`);
  }
});

test('TEI\'s errors and limits: empty 400, batch size 422, no pairs nor ids to /tokenize, prompt_name refused, characters bounded, 413, 405', async () => {
  const cases: Array<[Request, SpladeHandlerOptions, number, string, RegExp]> = [
    [post({ inputs: [] }, '/tokenize'), {}, 400, 'Empty', /^`inputs` cannot be empty$/],
    [post({ inputs: '' }, '/tokenize'), {}, 400, 'Empty', /^`inputs` cannot be empty$/],
    [post({ inputs: ['a', ''] }, '/tokenize'), {}, 400, 'Empty', /^`inputs` cannot be empty$/],
    [post({ inputs: ['a', 'b', 'c'] }, '/tokenize'), { maxClientBatchSize: 2 }, 422, 'Validation', /^batch size 3 > maximum allowed batch size 2$/],
    [post({ inputs: [['a', 'b']] }, '/tokenize'), {}, 422, 'Validation', /^`inputs`\[0\] must be a string \(\/tokenize takes no token ids nor pairs\)$/],
    [post({ inputs: [2, 3] }, '/tokenize'), {}, 422, 'Validation', /^`inputs`\[0\] must be a string/],
    [post({ inputs: 7 }, '/tokenize'), {}, 422, 'Validation', /^`inputs` must be a string or an array of strings/],
    [post({ inputs: 'a', add_special_tokens: 'yes' }, '/tokenize'), {}, 422, 'Validation', /^`add_special_tokens` must be true or false$/],
    [post({ inputs: 'a', add_special_tokens: null }, '/tokenize'), {}, 422, 'Validation', /^`add_special_tokens` must be true or false$/],
    [post({ inputs: 'a', prompt_name: 'query' }, '/tokenize'), {}, 422, 'Validation', /^prompt_name is not supported/],
    [post({ inputs: '', prompt_name: 'query' }, '/tokenize'), {}, 400, 'Empty', /^`inputs` cannot be empty$/],
    // TEI tokenizes without cutting, but refuses a text of more than 250 characters a token of the limit (32 here).
    [post({ inputs: ['a', '🙂'.repeat(32 * 250 + 1)] }, '/tokenize'), {}, 422, 'Validation', /^`inputs` must have less than 8000 characters. Given: 8001$/],
    [post({ inputs: 'x'.repeat(200) }, '/tokenize'), { payloadLimit: 100 }, 413, 'Validation', /payload limit of 100 bytes/],
    [post([1], '/tokenize'), {}, 422, 'Validation', /must be a JSON object/],
    [post({ ids: [] }, '/decode'), {}, 400, 'Empty', /^`input_ids` cannot be empty$/],
    [post({ ids: [[5], []] }, '/decode'), {}, 400, 'Empty', /^`input_ids` cannot be empty$/],
    [post({ ids: [[5], [6], [7]] }, '/decode'), { maxClientBatchSize: 2 }, 422, 'Validation', /^batch size 3 > maximum allowed batch size 2$/],
    [post({ ids: [5, -1] }, '/decode'), {}, 422, 'Validation', /^`ids`\[1\] is -1: token ids are whole numbers from 0$/],
    [post({ ids: [[5], [6, 1.5]] }, '/decode'), {}, 422, 'Validation', /^`ids`\[1\]\[1\] is 1.5/],
    [post({ ids: [[5], ['a']] }, '/decode'), {}, 422, 'Validation', /^`ids`\[1\] must be an array of token ids$/],
    [post({ ids: 'hello' }, '/decode'), {}, 422, 'Validation', /^`ids` must be an array of token ids/],
    [post({ ids: [5], skip_special_tokens: 1 }, '/decode'), {}, 422, 'Validation', /^`skip_special_tokens` must be true or false$/],
    [post('{"ids": ', '/decode'), {}, 400, 'Validation', /^the body is not JSON/],
    [new Request('http://localhost/tokenize'), {}, 405, 'Validation', /GET is not allowed here: use POST/],
    [new Request('http://localhost/decode'), {}, 405, 'Validation', /GET is not allowed here: use POST/],
  ];
  for (const [request, options, status, errorType, message] of cases) {
    const got = await call(bert.encoder, request, options);
    const body = got.body as { error: string; error_type: string };
    assert.is(got.status, status, `${request.url} ${body.error}`);
    assert.is(body.error_type, errorType, body.error);
    assert.match(body.error, message);
  }
  const long = 'atomic '.repeat(100);
  const uncut = await call(bert.encoder, post({ inputs: long }, '/tokenize'));
  assert.is((uncut.body as Token[][])[0].length, 102, 'a text over the model\'s 32 tokens is tokenized whole, as TEI does');
});

/** The fixture's encoder seen with another tokenizer (undefined: a folder without tokenizer files). */
function withTokenizer(tokenizer: unknown): SpladeEncoder {
  const encoder = Object.create(bert.encoder) as SpladeEncoder;
  Object.defineProperty(encoder, 'tokenizer', { value: tokenizer });
  return encoder;
}

test('no tokenizer files, or a tokenizer of the caller\'s own that lacks decode or offsets: a 424 that says so', async () => {
  const idsOnly = { ...bert.encoder.tokenizer, encode: () => ({ ids: [2, 5, 3] }) };
  const cases: Array<[unknown, string, unknown, RegExp]> = [
    [undefined, '/tokenize', { inputs: 'a' }, /^the model folder has no tokenizer files, so \/tokenize and \/decode cannot be answered$/],
    [undefined, '/decode', { ids: [5] }, /^the model folder has no tokenizer files/],
    [{ ...bert.encoder.tokenizer, encode: bert.encoder.tokenizer!.encode }, '/decode', { ids: [5] }, /^the encoder's tokenizer has no decode\(\)/],
    [Object.assign(idsOnly, { decode: () => 'a' }), '/tokenize', { inputs: 'a' }, /^the encoder's tokenizer gives no tokens, offsets and specialTokensMask/],
  ];
  for (const [tokenizer, path, body, message] of cases) {
    const got = await call(withTokenizer(tokenizer), post(body, path));
    const error = got.body as { error: string; error_type: string };
    assert.equal([got.status, error.error_type], [424, 'Backend'], error.error);
    assert.match(error.error, message);
  }
});

test.after(() => {
  for (const { encoder } of all) encoder.dispose();
  rmSync(tmp, { recursive: true, force: true });
});
test.run();
