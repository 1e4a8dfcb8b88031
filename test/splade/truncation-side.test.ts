// encode's truncation side: a folder whose tokenizer_config.json says truncation_side "left"
// keeps the end of a long text, as transformers (and so sentence-transformers) cut it, checked
// against the ids Rust's tokenizers gives with direction left; the `truncation` option
// outranks the folder; windows (overflow 'chunk') and inference-free queries follow suit.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../../src/models/bert/input.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import type { SparseVector } from '../../src/splade/sparse-vector.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { BertTokenizer } from '../../src/tokenizer/index.js';
import { writeRandomDistilBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';
import { rejects } from '../helpers/rejects.js';
import { writeRouterFolder } from '../helpers/sparse-encoder-folders.js';
import { rustEncode, rustTokenizer } from '../tokenizer/reference.js';

const tmp = tempDir('truncation-side');
const right = join(tmp, 'right');
await writeRandomDistilBertFolder(right, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 32, vocab: 400, seed: 5 });
const left = join(tmp, 'left');
cpSync(right, left, { recursive: true });
writeFileSync(join(left, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true, truncation_side: 'left' }));
const vocab = readFileSync(join(right, 'vocab.txt'), 'utf8').split('\n').slice(0, -1);
const tokenizer = BertTokenizer.fromVocab(vocab.join('\n') + '\n');
const backend = new ReferenceBackend();

/** A text of many word pieces, each a different one near its end. */
const LONG = vocab.filter((t) => /^[a-z]+$/.test(t)).slice(0, 40).join(' ') + ', and so it ends.';

function plain(vector: SparseVector): { indices: number[]; values: number[] } {
  return { indices: Array.from(vector.indices), values: Array.from(vector.values) };
}

/** What the model gives for the ids Rust's tokenizer keeps of `text` truncated to maxLength on `side`. */
async function rustTruncated(encoder: SpladeEncoder, text: string, maxLength: number, side: 'left' | 'right'): Promise<SparseVector> {
  const rust = rustTokenizer({}, vocab);
  rust.setTruncation(maxLength, { direction: side });
  const { ids } = await rustEncode(rust, text);
  assert.is(ids.length, maxLength, 'the text is longer than maxLength');
  return (await encoder.encodeInputIds({ input_ids: [ids], attention_mask: [ids.map(() => 1)] }))[0];
}

test('truncation_side "left": encode keeps [CLS], the last word pieces and [SEP], as Rust with direction left', async () => {
  const encoder = await SpladeEncoder.fromPretrained(left, { backend });
  assert.ok(tokenizer.encode(LONG).ids.length > 20);
  for (const maxLength of [8, 17]) {
    const expected = plain(await rustTruncated(encoder, LONG, maxLength, 'left'));
    assert.equal(plain((await encoder.encode([LONG], { maxLength }))[0]), expected, `maxLength ${maxLength}`);
    assert.not.equal(expected, plain(await rustTruncated(encoder, LONG, maxLength, 'right')), 'the two sides differ');
  }
});

test('the truncation option outranks the folder: left on a plain folder, right on a "left" one', async () => {
  const plainFolder = await SpladeEncoder.fromPretrained(right, { backend });
  const leftFolder = await SpladeEncoder.fromPretrained(left, { backend });
  assert.equal(plain((await plainFolder.encode([LONG], { maxLength: 8 }))[0]), plain(await rustTruncated(plainFolder, LONG, 8, 'right')), 'default: right');
  assert.equal(plain((await plainFolder.encode([LONG], { maxLength: 8, truncation: 'left' }))[0]), plain(await rustTruncated(plainFolder, LONG, 8, 'left')));
  assert.equal(plain((await leftFolder.encode([LONG], { maxLength: 8, truncation: 'right' }))[0]), plain(await rustTruncated(leftFolder, LONG, 8, 'right')));
});

test("overflow 'chunk' keeps every word piece whatever the side", async () => {
  const encoder = await SpladeEncoder.fromPretrained(left, { backend });
  const chunk = { maxLength: 8, overflow: 'chunk', stride: 2 } as const;
  const [a] = await encoder.encode([LONG], chunk);
  const [b] = await encoder.encode([LONG], { ...chunk, truncation: 'right' });
  assert.equal(plain(a), plain(b));
});

test('inference-free queries (idf.json) are cut on the folder side too', async () => {
  const opensearch = join(tmp, 'opensearch-left');
  cpSync(left, opensearch, { recursive: true });
  const idf = Object.fromEntries(vocab.filter((t) => /^[a-z]+$/.test(t)).map((t, i) => [t, 1 + (i % 5)]));
  writeFileSync(join(opensearch, 'idf.json'), JSON.stringify(idf));
  const encoder = await SpladeEncoder.fromPretrained(opensearch, { backend });
  const pieces = tokenizer.encode(LONG, { addSpecialTokens: false }).ids;
  const vectorOf = (ids: number[]): number[] => [...new Set(ids)].filter((id) => idf[tokenizer.idToToken(id)!] !== undefined).sort((x, y) => x - y);
  // maxLength 6 counts [CLS] and [SEP], as OpenSearch tokenizes: the last 4 word pieces.
  assert.equal(Array.from((await encoder.encode([LONG], { role: 'query', maxLength: 6 }))[0].indices), vectorOf(pieces.slice(-4)));
  assert.equal(Array.from((await encoder.encode([LONG], { role: 'query', maxLength: 6, truncation: 'right' }))[0].indices), vectorOf(pieces.slice(0, 4)));
});

test('a Router\'s SparseStaticEmbedding (its own tokenizer files saying "left") keeps the last maxLength word pieces', async () => {
  const router = join(tmp, 'router-left');
  const weight = new Float32Array(vocab.length).map((_, id) => 1 + (id % 3));
  await writeRouterFolder(router, left, { pooling_strategy: 'max', activation_function: 'relu', word_embedding_dimension: vocab.length }, weight);
  const encoder = await SpladeEncoder.fromPretrained(router, { backend });
  assert.is(encoder.queryRoute, 'sparse-static-embedding');
  const pieces = tokenizer.encode(LONG, { addSpecialTokens: false }).ids;
  const distinct = (ids: number[]): number[] => [...new Set(ids)].sort((x, y) => x - y);
  // SparseStaticEmbedding tokenizes without special tokens: maxLength word pieces.
  assert.equal(Array.from((await encoder.encode([LONG], { role: 'query', maxLength: 5 }))[0].indices), distinct(pieces.slice(-5)));
  assert.equal(Array.from((await encoder.encode([LONG], { role: 'query', maxLength: 5, truncation: 'right' }))[0].indices), distinct(pieces.slice(0, 5)));
});

test("truncation other than 'right' or 'left' is an InputError naming encode() and the option", async () => {
  const encoder = await SpladeEncoder.fromPretrained(right, { backend });
  await rejects(encoder.encode([LONG], { truncation: 'Left' as 'left' }), (e: unknown) => e instanceof InputError
    && (e as Error).message === "encode(): truncation must be one of right, left, got 'Left'");
});

test.run();
