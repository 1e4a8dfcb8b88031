import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, MissingTokenizerError, SpladeEncoder, type SparseVector, type TextTokenizer } from '../../src/index.node.js';
import { folderModelFiles } from '../../src/node/folder-model-files.js';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';
import { memoryModelFiles } from '../../src/io/memory-model-files.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { rejects } from '../helpers/rejects.js';

const fixtures = fileURLToPath(new URL('../parity/fixtures/', import.meta.url));
const f32 = join(fixtures, 'f32');

/** A whole-word tokenizer over the fixture's vocab.txt: enough to drive encode(). */
function wordTokenizer(dir: string): TextTokenizer {
  const vocab = readFileSync(join(dir, 'vocab.txt'), 'utf8').split('\n').slice(0, -1);
  const ids = new Map(vocab.map((token, id) => [token, id]));
  return {
    modelMaxLength: 512,
    padTokenId: 0,
    idToToken: (id) => vocab[id],
    encode(text, options = {}) {
      const words = text.toLowerCase().split(/\s+/).filter(Boolean).map((w) => ids.get(w) ?? 1);
      // TextTokenizer's contract: addSpecialTokens (default true) wraps the text in [CLS] ... [SEP].
      const special = options.addSpecialTokens ?? true;
      const max = (options.maxLength ?? Infinity) - (special ? 2 : 0);
      return { ids: special ? [2, ...words.slice(0, max), 3] : words.slice(0, max) };
    },
  };
}

function assertClose(actual: SparseVector, expected: SparseVector, what: string): void {
  assert.equal(Array.from(actual.indices), Array.from(expected.indices), `${what}: terms`);
  actual.values.forEach((value, k) => {
    if (Math.abs(value - expected.values[k]) > 1e-5) assert.unreachable(`${what}: weight of ${actual.indices[k]}: ${value} vs ${expected.values[k]}`);
  });
}

test('encodeInputIds returns the PyTorch SPLADE rows, in order, every weight above 0', async () => {
  const encoder = await SpladeEncoder.fromPretrained(f32);
  const rows = JSON.parse(readFileSync(join(f32, 'inputs.json'), 'utf8'));
  const expected = (await readSafetensorsFile(join(f32, 'expected.safetensors'))).float32('splade');
  const vocab = encoder.model.sizes.vocab_size;
  for (const batchSize of [1, 2, 16]) {
    const vectors = await encoder.encodeInputIds(rows, { batchSize });
    assert.is(vectors.length, rows.input_ids.length);
    vectors.forEach((vector, b) => {
      const torchRow = expected.subarray(b * vocab, (b + 1) * vocab);
      const active = torchRow.reduce((n, x) => n + (x > 0 ? 1 : 0), 0);
      assert.is(vector.indices.length, active, `row ${b}: active terms`);
      vector.indices.forEach((id, k) => assert.ok(Math.abs(vector.values[k] - torchRow[id]) <= 1e-4, `row ${b} term ${id}`));
    });
  }
});

test('encode sorts by length and batches, yet returns each text as encoded alone, in input order', async () => {
  const encoder = await SpladeEncoder.fromPretrained(f32, { tokenizer: wordTokenizer(f32) });
  const texts = ['the manhattan project', 'atomic', 'the war was the end of the world war and its history', 'peace', 'bomb energy'];
  const batched = await encoder.encode(texts, { batchSize: 2 });
  assert.is(batched.length, texts.length);
  for (const [i, text] of texts.entries()) {
    assertClose(batched[i], (await encoder.encode([text]))[0], `text ${i}`);
  }
  assertClose(await encoder.encodeDocument(texts[0]), batched[0], 'encodeDocument');
  assertClose(await encoder.encodeQuery(texts[0]), batched[0], 'encodeQuery without a query model');
  const [top] = encoder.decode(batched[0], { topK: 1 });
  assert.type(top[0], 'string');
  assert.is(top[1], Math.max(...batched[0].values));
});

test('a separate query model encodes queries, the document model documents', async () => {
  const encoder = await SpladeEncoder.fromPretrained(f32, { queryModel: join(fixtures, 'f16'), tokenizer: wordTokenizer(f32) });
  const q = await encoder.encodeQuery('the atomic bomb');
  const d = await encoder.encodeDocument('the atomic bomb');
  const alone = await SpladeEncoder.fromPretrained(join(fixtures, 'f16'), { tokenizer: wordTokenizer(f32) });
  assertClose(q, await alone.encodeDocument('the atomic bomb'), 'query model');
  assert.not.equal(Array.from(q.values), Array.from(d.values));
});

test('maxLength truncates; out-of-range maxLength and batchSize are errors', async () => {
  const encoder = await SpladeEncoder.fromPretrained(f32, { tokenizer: wordTokenizer(f32) });
  const long = Array.from({ length: 60 }, () => 'war').join(' ');
  assertClose((await encoder.encode([long], { maxLength: 8 }))[0], (await encoder.encode(['war war war war war war']))[0], 'truncated');
  // The fixture's position table has 32 entries: the default maxLength follows it.
  assert.is((await encoder.encode([long])).length, 1);
  await rejects(encoder.encode(['a'], { maxLength: 33 }), /maxLength/);
  await rejects(encoder.encode(['a'], { batchSize: 0 }), /batchSize/);
  // A lone string from plain JavaScript: an InputError, not 'texts.map is not a function'.
  await rejects(encoder.encode('war' as unknown as string[]), /encode\(\) takes an array of texts, got a string/);
});

test('a truncated text is tokenized only as far as it is kept (one piece more tells it was cut); chunks take it whole', async () => {
  const asked: Array<number | undefined> = [];
  const words = wordTokenizer(f32);
  const recording: TextTokenizer = { ...words, encode: (text, options) => (asked.push(options?.addSpecialTokens === false ? options.maxLength : -1), words.encode(text, options)) };
  const encoder = await SpladeEncoder.fromPretrained(f32, { tokenizer: recording });
  const overflowed: number[] = [];
  const onOverflow = (report: { overflowed: number }): void => void overflowed.push(report.overflowed);
  const long = Array.from({ length: 60 }, () => 'war').join(' ');
  asked.length = 0;
  await encoder.encode([long, 'war war war war war war', 'war war war war war war war'], { maxLength: 8, onOverflow });
  assert.equal(asked.filter((x) => x !== -1), [7, 7, 7], 'maxLength - 1 word pieces asked for each text');
  assert.equal(overflowed, [2], 'the 60 and the 7 words were cut, the 6 words fit');
  assert.equal([encoder.tokenCount(long), encoder.tokenCount(long, 'document', 9), encoder.tokenCount('war war', 'document', 9)], [62, 9, 4], 'tokenCount stops at atMost');
  asked.length = 0;
  await encoder.encode([long], { maxLength: 8, overflow: 'chunk', onOverflow });
  assert.equal(asked.filter((x) => x !== -1), [undefined], 'chunks need every piece');
});

test('a folder without tokenizer files loads for ids; text is an error naming the missing files', async () => {
  const files: Record<string, Uint8Array> = {};
  for (const name of ['config.json', 'model.safetensors']) files[name] = readFileSync(join(f32, name));
  const encoder = await SpladeEncoder.fromPretrained(memoryModelFiles(files, 'mem://no-tokenizer'));
  const vectors = await encoder.encodeInputIds({ input_ids: [[2, 40, 50, 3]] });
  assert.is(vectors.length, 1);
  assert.ok(vectors[0].indices.length > 0);
  await rejects(encoder.encode(['hello']), (e: unknown) =>
    e instanceof MissingTokenizerError && /mem:\/\/no-tokenizer/.test(e.message) && /tokenizer\.json, vocab\.txt, or vocab\.json with merges\.txt/.test(e.message));
  assert.throws(() => encoder.decode(vectors[0]), (e: unknown) => e instanceof MissingTokenizerError);
});

test('encodeInputIds rejects ragged rows, unknown ids and too long rows with clear messages', async () => {
  const encoder = await SpladeEncoder.fromPretrained(folderModelFiles(f32));
  await rejects(encoder.encodeInputIds({ input_ids: [[2, 3], [2, 5, 3]] }), (e: unknown) =>
    e instanceof InputError && /input_ids row 1 has 3 values; every row must have 2/.test(e.message));
  await rejects(encoder.encodeInputIds({ input_ids: [[2, 256, 3]] }), (e: unknown) =>
    e instanceof InputError && /input_ids\[0\]\[1\] = 256/.test(e.message) && /0 to 255/.test(e.message));
  await rejects(encoder.encodeInputIds({ input_ids: [new Array(33).fill(5)] }), (e: unknown) =>
    e instanceof InputError && /33 tokens/.test(e.message) && /max_position_embeddings = 32/.test(e.message));
  await rejects(encoder.encodeInputIds({ input_ids: [[2, 3]], attention_mask: [[1, 2]] }), /attention_mask\[0\]\[1\] = 2 is not 0 or 1/);
  await rejects(encoder.encodeInputIds({ input_ids: [[2, 3]], token_type_ids: [[0, 2]] }), /token_type_ids\[0\]\[1\] = 2/);
  await rejects(encoder.encodeInputIds({ input_ids: [] }), /non-empty/);
});



test('with the folder tokenizer, encode(text) equals encodeInputIds of the tokenizer ids', async () => {
  const encoder = await SpladeEncoder.fromPretrained(f32);
  assert.ok(encoder.tokenizer, 'the fixture folder has vocab.txt');
  const text = 'The Manhattan Project and its atomic bomb';
  const ids = encoder.tokenizer!.encode(text).ids;
  assert.is(ids[0], 2, '[CLS] of the fixture vocabulary');
  const [fromText] = await encoder.encode([text]);
  const [fromIds] = await encoder.encodeInputIds({ input_ids: [ids] });
  assertClose(fromText, fromIds, 'text vs ids');
  const bag = encoder.decode(fromText);
  assert.is(bag.length, fromText.indices.length);
  const vocab = readFileSync(join(f32, 'vocab.txt'), 'utf8').split('\n');
  for (const [token, weight] of bag) assert.is(fromText.values[fromText.indices.indexOf(vocab.indexOf(token))], weight, token);
});

test('a folder written by the foundation generator (vocab.txt, tokenizer_config.json, position_ids) encodes text', async () => {
  const { writeRandomBertFolder } = await import('../../tools/generate-model.js');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'splade-generated-'));
  await writeRandomBertFolder(dir, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 24, vocab: 400, positionIds: true, dtype: 'BF16', seed: 3 });
  const encoder = await SpladeEncoder.fromPretrained(dir);
  const [short, long] = await encoder.encode(['hello world', 'a much longer text that will be cut at the position table of twenty four tokens, and more, and more']);
  assert.ok(short.indices.length > 0 && long.indices.length > 0);
  const ids = encoder.tokenizer!.encode('hello world').ids;
  assertClose(short, (await encoder.encodeInputIds({ input_ids: [ids] }))[0], 'generated model');
});

test('a tokenizer with ids beyond the model vocabulary is an error naming the text and token', async () => {
  const tokenizer = wordTokenizer(f32);
  const bigger: TextTokenizer = { ...tokenizer, encode: (text, options) => ({ ids: [...tokenizer.encode(text, options).ids, 300] }), idToToken: (id) => (id === 300 ? 'extra' : tokenizer.idToToken(id)) };
  const encoder = await SpladeEncoder.fromPretrained(f32, { tokenizer: bigger });
  await rejects(encoder.encode(['fine', 'also fine']), (e: unknown) =>
    e instanceof InputError && /text 0: token 'extra' has id 300/.test(e.message) && /vocab_size = 256/.test(e.message));
});

test('batches are formed from texts sorted by length, each padded only to its longest', async () => {
  const shapes: string[] = [];
  class Recording extends ReferenceBackend {
    override spladePool(...args: Parameters<ReferenceBackend['spladePool']>) {
      shapes.push(`${args[2].batch}x${args[2].seq}`);
      return super.spladePool(...args);
    }
  }
  const encoder = await SpladeEncoder.fromPretrained(f32, { tokenizer: wordTokenizer(f32), backend: new Recording() });
  // Token counts with [CLS] and [SEP]: 10, 3, 9, 4, 6 -> sorted 3, 4 | 6, 9 | 10.
  const texts = ['the war was the end of the world', 'a', 'the war was the end of the', 'war war', 'war war war war'];
  const vectors = await encoder.encode(texts, { batchSize: 2 });
  assert.equal(shapes, ['2x4', '2x9', '1x10']);
  assertClose(vectors[1], (await encoder.encode(['a']))[0], 'input order kept');
});
test.run();
