// Texts through a sentence-transformers MLMTransformer, as its tokenize() prepares them: each
// text `strip()`ped (Python's whitespace), lowercased when sentence_bert_config.json says
// do_lower_case, and cut to its max_seq_length, queries included (they run the same module).
// On a generated RoBERTa (byte-level BPE keeps edge spaces as tokens, and is cased), in the
// layout granite-embedding-30m-sparse is published in (a SparseEncoder without a Router).
import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LayoutError } from '../../src/io/sparse-encoder-layout.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { explainText } from '../../src/splade/explain.js';
import { pythonStrip } from '../../src/splade/mlm-text.js';
import type { SparseVector } from '../../src/splade/sparse-vector.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import { writeRandomRobertaFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';
import { rejects } from '../helpers/rejects.js';
import { writePlainSparseEncoderFolder } from '../helpers/sparse-encoder-folders.js';

const tmp = tempDir('st-text-input');
const mlm = join(tmp, 'mlm');
await writeRandomRobertaFolder(mlm, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 40, seed: 5 });
const backend = new ReferenceBackend();
const bare = await SpladeEncoder.fromPretrained(mlm, { backend });

/** A SparseEncoder folder over the generated RoBERTa with `sentenceBert` as its sentence_bert_config.json. */
async function sparseEncoder(name: string, sentenceBert: Record<string, unknown>): Promise<string> {
  const dir = join(tmp, name);
  writePlainSparseEncoderFolder(dir, mlm, { pooling_strategy: 'max', activation_function: 'relu' });
  writeFileSync(join(dir, 'sentence_bert_config.json'), JSON.stringify(sentenceBert));
  return dir;
}

/** Equal vectors, bit for bit (assert.equal's diff of ~50,000-term vectors would take minutes). */
function same(a: SparseVector, b: SparseVector): boolean {
  return a.indices.length === b.indices.length && a.indices.every((id, k) => id === b.indices[k] && a.values[k] === b.values[k]);
}

test('pythonStrip strips what Python\'s str.strip() strips, not what trim() does', () => {
  assert.is(pythonStrip('\u001c\u0085 war \u3000\u2029\t'), 'war');
  assert.is(pythonStrip('\ufeffwar\ufeff'), '\ufeffwar\ufeff', 'U+FEFF is no whitespace to Python');
  assert.is(pythonStrip(' \n '), '');
  assert.is(pythonStrip('a  b'), 'a  b');
});

test('texts are stripped before tokenizing, documents and queries (the model route), as MLMTransformer.tokenize does', async () => {
  const encoder = await SpladeEncoder.fromPretrained(await sparseEncoder('strip', { max_seq_length: 38, do_lower_case: false }), { backend });
  const text = '  The war of the worlds\n';
  // Byte-level BPE makes tokens of the edge spaces: without the strip the vector is another.
  assert.not.ok(same(await bare.encodeDocument(text), await bare.encodeDocument(text.trim())));
  assert.ok(same(await encoder.encodeDocument(text), await bare.encodeDocument('The war of the worlds')));
  assert.ok(same(await encoder.encodeQuery(text), await bare.encodeDocument('The war of the worlds')));
  assert.is(encoder.tokenCount(text), bare.tokenCount('The war of the worlds'));
  assert.is(encoder.tokenizerText(text), 'The war of the worlds');
  assert.equal((await explainText(encoder, text)).tokens, (await explainText(bare, 'The war of the worlds')).tokens, 'splade explain sees what encode sees');
});

test('do_lower_case: texts are lowercased before the (cased) tokenizer, as MLMTransformer does', async () => {
  const encoder = await SpladeEncoder.fromPretrained(await sparseEncoder('lower', { max_seq_length: 38, do_lower_case: true }), { backend });
  assert.not.ok(same(await bare.encodeDocument('The WAR'), await bare.encodeDocument('the war')));
  assert.ok(same(await encoder.encodeDocument(' The WAR '), await bare.encodeDocument('the war')));
  const bad = await sparseEncoder('lower-bad', { do_lower_case: 'yes' });
  await rejects(SpladeEncoder.fromPretrained(bad), (e: unknown) =>
    e instanceof LayoutError && /lower-bad\/sentence_bert_config\.json: do_lower_case must be true or false/.test(e.message));
});

test('max_seq_length cuts queries too when the MLM encodes them (sentence-transformers runs them through the same module)', async () => {
  const dir = await sparseEncoder('short', { max_seq_length: 6, do_lower_case: false });
  const encoder = await SpladeEncoder.fromPretrained(dir, { backend });
  const query = 'the war of the worlds and the war of the world';
  assert.is(encoder.defaultMaxLength('query'), 6);
  assert.ok(same(await encoder.encodeQuery(query), (await bare.encode([query], { maxLength: 6 }))[0]));
  // A separate query model is cut to its own max_seq_length, not the document model's.
  const withQueryModel = await SpladeEncoder.fromPretrained(mlm, { backend, queryModel: dir });
  assert.is(withQueryModel.defaultMaxLength('document'), bare.defaultMaxLength('document'));
  assert.is(withQueryModel.defaultMaxLength('query'), 6);
  const fromDocumentFolder = await SpladeEncoder.fromPretrained(dir, { backend, queryModel: mlm });
  assert.is(fromDocumentFolder.defaultMaxLength('query'), bare.defaultMaxLength('query'));
  // queryMaxLength still overrides.
  const overridden = await SpladeEncoder.fromPretrained(dir, { backend, queryMaxLength: 20 });
  assert.ok(same(await overridden.encodeQuery(query), (await bare.encode([query], { maxLength: 20 }))[0]));
});

test('config_sentence_transformers.json prompts go before queries and documents, as encode_query and encode_document put them', async () => {
  const dir = await sparseEncoder('prompts', { max_seq_length: 38, do_lower_case: false });
  // encode_document uses the "document" prompt; "passage" is a fallback that never applies.
  writeFileSync(join(dir, 'config_sentence_transformers.json'), JSON.stringify({ model_type: 'SparseEncoder', prompts: { query: 'query: ', document: 'passage: ', passage: 'never: ' }, default_prompt_name: null }));
  const encoder = await SpladeEncoder.fromPretrained(dir, { backend });
  const text = 'The war of the worlds ';
  assert.is(encoder.tokenizerText(text, 'query'), 'query: The war of the worlds');
  assert.ok(same(await encoder.encodeQuery(text), await bare.encodeDocument('query: The war of the worlds')));
  assert.ok(same(await encoder.encodeDocument(text), await bare.encodeDocument('passage: The war of the worlds')));
  writeFileSync(join(dir, 'config_sentence_transformers.json'), JSON.stringify({ prompts: { query: '', passage: 'never: ' } }));
  const unprompted = await SpladeEncoder.fromPretrained(dir, { backend });
  assert.is(unprompted.tokenizerText(text, 'query'), 'The war of the worlds');
  assert.is(unprompted.tokenizerText(text, 'document'), 'The war of the worlds');
  writeFileSync(join(dir, 'config_sentence_transformers.json'), JSON.stringify({ prompts: { query: 7 } }));
  await rejects(SpladeEncoder.fromPretrained(dir), (e: unknown) =>
    e instanceof LayoutError && /prompts\/config_sentence_transformers\.json: prompts must be an object of texts/.test(e.message));
  // A plain MLM folder is no sentence-transformers model: its config_sentence_transformers.json is not read.
  const plainFolder = join(tmp, 'plain-with-st-config');
  cpSync(mlm, plainFolder, { recursive: true });
  writeFileSync(join(plainFolder, 'config_sentence_transformers.json'), JSON.stringify({ prompts: { query: 'query: ' } }));
  assert.is((await SpladeEncoder.fromPretrained(plainFolder, { backend })).tokenizerText(text, 'query'), text);
});

test('splade encode says a text was truncated when its prompt and it pass max_seq_length together', async () => {
  const dir = await sparseEncoder('prompt-cut', { max_seq_length: 8, do_lower_case: false });
  writeFileSync(join(dir, 'config_sentence_transformers.json'), JSON.stringify({ prompts: { query: 'represent this query for search: ' } }));
  const text = 'the war';
  assert.ok(bare.tokenCount(text) <= 8 && bare.tokenCount(`represent this query for search: ${text}`) > 8, 'fits alone, not with the prompt');
  const bin = fileURLToPath(new URL('../../bin/splade.js', import.meta.url));
  const run = spawnSync(process.execPath, [bin, 'encode', '--model', dir, '--query', '--text', text], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stderr, /truncated to 8 tokens/);
});

test('a plain MLM folder (no modules.json) keeps its texts as given, as transformers does', async () => {
  assert.is.not(bare.tokenCount(' war '), bare.tokenCount('war'));
  // sentence-transformers files beside a plain MLM (no modules.json) change nothing but what
  // they changed before MLMTransformer's rules were read: max_seq_length cuts documents only.
  const plain = join(tmp, 'plain-with-st-files');
  cpSync(mlm, plain, { recursive: true });
  writeFileSync(join(plain, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 6, do_lower_case: true }));
  writeFileSync(join(plain, 'config_sentence_transformers.json'), JSON.stringify({ prompts: { query: 'query: ', document: 'passage: ' } }));
  const encoder = await SpladeEncoder.fromPretrained(plain, { backend });
  const text = ' The WAR of the worlds and the war of the world ';
  for (const role of ['query', 'document'] as const) assert.is(encoder.tokenizerText(text, role), text, role);
  assert.is(encoder.tokenCount(text, 'query'), bare.tokenCount(text, 'query'));
  assert.is(encoder.defaultMaxLength('query'), bare.defaultMaxLength('query'));
  assert.ok(same(await encoder.encodeQuery(text), await bare.encodeQuery(text)), 'queries: not stripped, lowercased, prompted or cut');
  assert.is(encoder.defaultMaxLength('document'), 6);
  assert.ok(same(await encoder.encodeDocument(text), (await bare.encode([text], { maxLength: 6 }))[0]), 'documents: cut to max_seq_length only');
});

test.run();
