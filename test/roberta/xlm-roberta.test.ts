// XLM-RoBERTa: config.json with model_type "xlm-roberta" (or architectures XLMRoberta*) runs as
// RoBERTa (same weights, names and positions), with the SentencePiece Unigram tokenizer. A
// generated XLMRobertaForMaskedLM folder (npm run generate-model -- --architecture
// XLMRobertaForMaskedLM) in the layout transformers saves is encoded from text end to end: the
// ids the Rust tokenizers binding gives for its tokenizer.json, and the vectors of those ids.
// With SPLADE_LIVE_PARITY=1 the folder also goes through roberta_reference.py (plain torch:
// modeling_xlm_roberta.py is modeling_roberta.py under another name).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Tokenizer } from 'tokenizers';
import { parseModelConfig, SUPPORTED_MODEL_TYPES } from '../../src/io/model-config.js';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { UnigramTokenizer } from '../../src/tokenizer/index.js';
import { explanationToHtml } from '../../src/inspect/report-html.js';
import { explainText } from '../../src/splade/explain.js';
import { writeRandomXlmRobertaFolder } from '../../tools/generate-model.js';
import { liveTorchFailures } from '../parity/family-parity.js';

const test = suite('XLMRobertaForMaskedLM');
const tmp = mkdtempSync(join(tmpdir(), 'splade-xlmr-'));
const dir = join(tmp, 'model');
const TEXTS = [
  'Sparse search, on one machine.', 'café résumé naïve façade über straße', 'привет мир москва', '東京 ＡＢＣ ﬁ ①',
  'नमस्ते दुनिया', 'مرحبا بالعالم', '   leading and   trailing spaces   ', 'ሰላም ዓለም 😀👍🏽', 'The capital of France is <mask>.',
];

test.before(async () => {
  await writeRandomXlmRobertaFolder(dir, { layers: 2, hidden: 32, heads: 4, intermediate: 64, maxPositions: 64, seed: 5 });
});
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('config.json: model_type xlm-roberta, or architectures XLMRoberta*, is read as RoBERTa with XLMRobertaConfig defaults', () => {
  assert.is(SUPPORTED_MODEL_TYPES['xlm-roberta'], 'XLMRobertaForMaskedLM');
  const config = parseModelConfig({ model_type: 'xlm-roberta' }, 'c.json');
  assert.is(config.model_type, 'roberta');
  if (config.model_type !== 'roberta') return;
  assert.equal([config.vocab_size, config.pad_token_id, config.hidden_size, config.max_position_embeddings], [30522, 1, 768, 512]);
  const named = parseModelConfig({ architectures: ['XLMRobertaForMaskedLM'], vocab_size: 250002, max_position_embeddings: 514 }, 'c.json');
  assert.is(named.model_type, 'roberta');
  assert.is(named.vocab_size, 250002);
  assert.throws(() => parseModelConfig({ model_type: 'xlm' }, 'c.json'), /'model_type' is "xlm"; supported: 'bert', 'distilbert', 'roberta', 'xlm-roberta'/);
});

test("the layout transformers saves: config.json's model_type xlm-roberta, roberta.* and lm_head.* names, the Unigram tokenizer.json", async () => {
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  assert.equal([config.model_type, config.architectures, config.vocab_size, config.max_position_embeddings], ['xlm-roberta', ['XLMRobertaForMaskedLM'], 3002, 66]);
  const file = await readSafetensorsFile(join(dir, 'model.safetensors'));
  const names = file.names();
  assert.ok(names.every((n) => n.startsWith('roberta.') || n.startsWith('lm_head.')), names.join(', '));
  assert.equal(file.info('roberta.embeddings.word_embeddings.weight')!.shape, [3002, 32]);
  const tokenizerConfig = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  assert.equal([tokenizerConfig.tokenizer_class, tokenizerConfig.model_max_length], ['XLMRobertaTokenizer', 64]);
});

test('explain: the page speaks of SentencePiece pieces between <s> and </s>', async () => {
  const encoder = await SpladeEncoder.fromPretrained(dir);
  try {
    const explanation = await explainText(encoder, TEXTS[1]);
    assert.is(explanation.tokenizerKind, 'unigram');
    assert.is(explanation.tokens[0], '<s>');
    assert.match(explanationToHtml(explanation), /into SentencePiece pieces \(▁ marks a piece that starts a word\) between &#60;s&#62; and &#60;\/s&#62;\./);
  } finally {
    encoder.dispose();
  }
});

test('text: the ids of the Rust tokenizer, the vectors of those ids, and the 64-token limit', async () => {
  const rust = Tokenizer.fromString(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
  const encoder = await SpladeEncoder.fromPretrained(dir);
  assert.ok(encoder.tokenizer instanceof UnigramTokenizer);
  assert.is(encoder.model.sizes.max_position_embeddings, 64);
  const fromText = await encoder.encode(TEXTS);
  for (const [i, text] of TEXTS.entries()) {
    const ids = (await rust.encode(text)).getIds();
    assert.equal(encoder.tokenizer!.encode(text).ids, ids, text);
    const [fromIds] = await encoder.encodeInputIds({ input_ids: [ids] });
    assert.equal([[...fromText[i].indices], [...fromText[i].values]], [[...fromIds.indices], [...fromIds.values]], text);
    assert.ok(fromText[i].indices.length > 0);
  }
  // A text over the limit: cut to 64 ids (<s> and </s> included) as Rust truncates.
  const longText = 'привет мир '.repeat(100);
  rust.setTruncation(64);
  const truncated = (await rust.encode(longText)).getIds();
  assert.is(truncated.length, 64);
  const [long] = await encoder.encode([longText]);
  const [longFromIds] = await encoder.encodeInputIds({ input_ids: [truncated] });
  assert.equal([[...long.indices], [...long.values]], [[...longFromIds.indices], [...longFromIds.values]]);
  encoder.dispose();
});

if (process.env.SPLADE_LIVE_PARITY === '1') {
  test('live: the folder matches roberta_reference.py (plain torch) on hidden states, attentions and SPLADE', async () => {
    const script = fileURLToPath(new URL('../parity/roberta_reference.py', import.meta.url));
    const rust = Tokenizer.fromString(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
    const first = (await rust.encode(TEXTS[2])).getIds();
    const second = (await rust.encode(TEXTS[3])).getIds();
    const width = Math.max(first.length, second.length);
    const pad = (ids: number[]): number[] => ids.concat(new Array<number>(width - ids.length).fill(1));
    const mask = (ids: number[]): number[] => pad(ids.map(() => 1)).map((v, k) => (k < ids.length ? v : 0));
    const rows = { input_ids: [pad(first), pad(second)], attention_mask: [mask(first), mask(second)] };
    assert.equal(await liveTorchFailures(script, dir, tmp, rows), []);
  });
}

test.run();
