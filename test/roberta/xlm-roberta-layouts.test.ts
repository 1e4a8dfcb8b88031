// An XLM-RoBERTa SPLADE model as sentence-transformers' SparseEncoder saves it (the case of
// multilingual SparseEncoder models, whose MLMTransformer is an XLMRobertaForMaskedLM): without
// a Router, and with one whose queries go through a SparseStaticEmbedding that reads the
// SentencePiece tokenizer.json of its own folder.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { UnigramTokenizer } from '../../src/tokenizer/index.js';
import { writeRandomXlmRobertaFolder } from '../../tools/generate-model.js';
import { xlmrTokenizerJson } from '../../tools/xlmr-tokenizer-files.js';
import { writePlainSparseEncoderFolder, writeRouterFolder } from '../helpers/sparse-encoder-folders.js';

const test = suite('XLMRobertaForMaskedLM in SparseEncoder layouts');
const tmp = mkdtempSync(join(tmpdir(), 'splade-xlmr-layouts-'));
const mlm = join(tmp, 'mlm');
const TEXTS = ['привет мир, hello world', 'café ＡＢＣ 東京', 'नमस्ते दुनिया'];
const VOCAB = 3002;
const staticWeight = new Float32Array(VOCAB).map((_, id) => (id % 5 === 0 ? 0 : 0.5 + (id % 11) / 4));

test.before(async () => {
  await writeRandomXlmRobertaFolder(mlm, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 32, seed: 8 });
});
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('without a Router: the MLM folder plus SpladePooling encodes as the bare folder does', async () => {
  const plainDir = join(tmp, 'plain');
  writePlainSparseEncoderFolder(plainDir, mlm, { pooling_strategy: 'max', activation_function: 'relu', word_embedding_dimension: VOCAB });
  const bare = await SpladeEncoder.fromPretrained(mlm);
  const wrapped = await SpladeEncoder.fromPretrained(plainDir);
  assert.ok(wrapped.tokenizer instanceof UnigramTokenizer);
  const [a, b] = [await bare.encode(TEXTS), await wrapped.encode(TEXTS)];
  a.forEach((v, i) => assert.equal([[...b[i].indices], [...b[i].values]], [[...v.indices], [...v.values]], TEXTS[i]));
  bare.dispose();
  wrapped.dispose();
});

test('with a Router: queries weighted per distinct SentencePiece piece by the static table (no <s>, </s>), documents through the MLM', async () => {
  const routerDir = join(tmp, 'router');
  await writeRouterFolder(routerDir, mlm, { pooling_strategy: 'max', activation_function: 'log1p_relu', word_embedding_dimension: VOCAB }, staticWeight);
  cpSync(join(mlm, 'tokenizer.json'), join(routerDir, 'query_0_SparseStaticEmbedding', 'tokenizer.json'));
  const encoder = await SpladeEncoder.fromPretrained(routerDir);
  assert.is(encoder.queryRoute, 'sparse-static-embedding');
  const tokenizer = UnigramTokenizer.fromTokenizerJson(xlmrTokenizerJson());
  for (const text of TEXTS) {
    // Every piece the text has, <unk> (id 3) included: SparseStaticEmbedding weights special tokens too.
    const ids = [...new Set(tokenizer.encode(text, { addSpecialTokens: false }).ids)].filter((id) => staticWeight[id] > 0).sort((x, y) => x - y);
    const query = await encoder.encodeQuery(text);
    assert.equal([...query.indices], ids, text);
    assert.equal([...query.values], ids.map((id) => staticWeight[id]), text);
  }
  const doc = await encoder.encodeDocument(TEXTS[0]);
  assert.ok(doc.indices.length > 0);
  encoder.dispose();
});

test.run();
