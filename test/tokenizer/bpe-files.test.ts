// Byte-level BPE tokenizers from files: loadTokenizer's choice between WordPiece and BPE, the
// layouts writeRobertaTokenizerFiles writes, what tokenizer_config.json changes, and every
// setting the tokenizer does not implement refused with the file and field named.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tokenizeLine } from '../../src/cli/commands/tokenize.js';
import { memoryModelFiles } from '../../src/io/memory-model-files.js';
import { folderModelFiles } from '../../src/node/folder-model-files.js';
import { isCompleteModelFolder } from '../../src/node/hub/complete-folder.js';
import { BertTokenizer, ByteLevelBpeTokenizer, loadTokenizer, TokenizerError } from '../../src/tokenizer/index.js';
import { bertTokenizerJson } from '../../tools/bert-tokenizer-json.js';
import { bertBaseUncasedVocabText } from '../../tools/bert-vocab.js';
import {
  robertaMergesText, robertaTokenizerConfig, robertaTokenizerJson, robertaTokenizerJsonObject, robertaVocabJson, writeRobertaTokenizerFiles,
} from '../../tools/roberta-tokenizer-files.js';
import { rejects } from '../helpers/rejects.js';
import { rustEncode, rustTokenizerFromJson } from './reference.js';

const SAMPLES = ["Hello world, I'll say it: the <mask> is   here.", '  leading and trailing  ', 'naïve 東京 😀 123', 'x<mask>y', ''];
const tmp = mkdtempSync(join(tmpdir(), 'splade-bpe-files-'));

/** The encodings of SAMPLES, for comparing two tokenizers (or one with Rust's). */
function encodings(tokenizer: { encode(text: string): unknown }): unknown[] {
  return SAMPLES.map((text) => tokenizer.encode(text));
}

async function rustEncodings(json: string): Promise<unknown[]> {
  const rust = rustTokenizerFromJson(json);
  const out: unknown[] = [];
  for (const text of SAMPLES) {
    const e = await rustEncode(rust, text);
    out.push({ ids: e.ids, tokens: e.tokens, offsets: e.offsets });
  }
  return out;
}

function core(list: unknown[]): unknown[] {
  return list.map((e) => {
    const { ids, tokens, offsets } = e as { ids: number[]; tokens: string[]; offsets: number[][] };
    return { ids, tokens, offsets };
  });
}

const loading = suite('byte-level BPE: loading from files');

loading('loadTokenizer: tokenizer.json decides by its model type, WordPiece still gives BertTokenizer', async () => {
  const bert = await loadTokenizer(memoryModelFiles({ 'tokenizer.json': bertTokenizerJson() }));
  assert.instance(bert, BertTokenizer);
  const bpe = await loadTokenizer(memoryModelFiles({ 'tokenizer.json': robertaTokenizerJson(), 'vocab.txt': 'not read\n' }));
  assert.instance(bpe, ByteLevelBpeTokenizer);
  assert.equal(core(encodings(bpe)), await rustEncodings(robertaTokenizerJson()));
});

loading('loadTokenizer: vocab.txt gives BertTokenizer, vocab.json + merges.txt ByteLevelBpeTokenizer', async () => {
  assert.instance(await loadTokenizer(memoryModelFiles({ 'vocab.txt': bertBaseUncasedVocabText() })), BertTokenizer);
  const bpe = await loadTokenizer(memoryModelFiles({ 'vocab.json': robertaVocabJson(), 'merges.txt': robertaMergesText() }));
  assert.instance(bpe, ByteLevelBpeTokenizer);
  assert.equal(core(encodings(bpe)), await rustEncodings(robertaTokenizerJson()));
});

loading('loadTokenizer: without tokenizer files, a TokenizerError naming every file set it reads', async () => {
  const names = /models\/none has no tokenizer files \(tokenizer\.json, vocab\.txt, or vocab\.json with merges\.txt\)/;
  await rejects(loadTokenizer(memoryModelFiles({}, 'models/none')), names);
  await rejects(loadTokenizer(memoryModelFiles({ 'vocab.json': robertaVocabJson() }, 'models/none')), names);
  await rejects(loadTokenizer(memoryModelFiles({ 'merges.txt': robertaMergesText() }, 'models/none')), names);
  const wordLevel = JSON.stringify({ model: { type: 'WordLevel', vocab: {} } });
  await rejects(loadTokenizer(memoryModelFiles({ 'tokenizer.json': wordLevel }, 'models/w')), /models\/w\/tokenizer\.json: model type "WordLevel" is not supported \(WordPiece, BPE or Unigram\)/);
});

loading('writeRobertaTokenizerFiles: each layout loads from a folder and tokenizes as Rust does', async () => {
  const expected = await rustEncodings(robertaTokenizerJson());
  for (const layout of ['tokenizer.json', 'vocab+merges', 'both'] as const) {
    const dir = join(tmp, layout);
    writeRobertaTokenizerFiles(dir, { layout });
    const tokenizer = await loadTokenizer(folderModelFiles(dir));
    assert.instance(tokenizer, ByteLevelBpeTokenizer, layout);
    assert.equal(core(encodings(tokenizer)), expected, layout);
    assert.is(tokenizer.modelMaxLength, 512);
    assert.is(tokenizer.padTokenId, rustTokenizerFromJson(robertaTokenizerJson()).tokenToId('<pad>'));
  }
});

loading('a folder with vocab.json + merges.txt has a tokenizer (complete-folder probe), without merges.txt it has none', async () => {
  const dir = join(tmp, 'complete');
  writeRobertaTokenizerFiles(dir, { layout: 'vocab+merges' });
  writeFileSync(join(dir, 'config.json'), '{}');
  writeFileSync(join(dir, 'model.safetensors'), '');
  assert.ok(await isCompleteModelFolder(dir));
  const partial = join(tmp, 'partial');
  mkdirSync(partial);
  for (const name of ['config.json', 'model.safetensors']) writeFileSync(join(partial, name), '');
  writeFileSync(join(partial, 'vocab.json'), robertaVocabJson());
  assert.not.ok(await isCompleteModelFolder(partial));
});

loading('tokenizer_config.json next to tokenizer.json: add_prefix_space and model_max_length, as RobertaTokenizerFast applies them', async () => {
  const config = JSON.stringify(robertaTokenizerConfig({ addPrefixSpace: true, modelMaxLength: 128 }));
  const t = await loadTokenizer(memoryModelFiles({ 'tokenizer.json': robertaTokenizerJson(), 'tokenizer_config.json': config }));
  assert.is(t.modelMaxLength, 128);
  assert.equal(core(encodings(t)), await rustEncodings(robertaTokenizerJson({ addPrefixSpace: true })));
  // A config that leaves add_prefix_space out means false (RobertaTokenizerFast's default).
  const silent = await loadTokenizer(memoryModelFiles({ 'tokenizer.json': robertaTokenizerJson({ addPrefixSpace: true }), 'tokenizer_config.json': '{}' }));
  assert.equal(core(encodings(silent)), await rustEncodings(robertaTokenizerJson()));
  // Without a config, tokenizer.json's own setting stands.
  const alone = await loadTokenizer(memoryModelFiles({ 'tokenizer.json': robertaTokenizerJson({ addPrefixSpace: true }) }));
  assert.equal(core(encodings(alone)), await rustEncodings(robertaTokenizerJson({ addPrefixSpace: true })));
});

loading('vocab.json + merges.txt with add_prefix_space in tokenizer_config.json, and options given directly', async () => {
  const config = JSON.stringify(robertaTokenizerConfig({ addPrefixSpace: true }));
  const t = await loadTokenizer(memoryModelFiles({ 'vocab.json': robertaVocabJson(), 'merges.txt': robertaMergesText(), 'tokenizer_config.json': config }));
  const expected = await rustEncodings(robertaTokenizerJson({ addPrefixSpace: true }));
  assert.equal(core(encodings(t)), expected);
  assert.equal(core(encodings(ByteLevelBpeTokenizer.fromVocabAndMerges(robertaVocabJson(), robertaMergesText(), { addPrefixSpace: true }))), expected);
});

loading('merges.txt without a #version line, with CRLF line ends, reads the same merges', () => {
  const plain = robertaMergesText().replace(/^#version[^\n]*\n/, '');
  const crlf = robertaMergesText().replace(/\n/g, '\r\n');
  const expected = encodings(ByteLevelBpeTokenizer.fromTokenizerJson(robertaTokenizerJson()));
  for (const merges of [plain, crlf]) assert.equal(encodings(ByteLevelBpeTokenizer.fromVocabAndMerges(robertaVocabJson(), merges)), expected);
});

loading('splade tokenize lines with a RoBERTa tokenizer: Rust ids, tokens without <s> and </s>', async () => {
  const t = await loadTokenizer(memoryModelFiles({ 'tokenizer.json': robertaTokenizerJson() }));
  const expected = await rustEncode(rustTokenizerFromJson(robertaTokenizerJson()), "Hello world, don't");
  const line = JSON.parse(tokenizeLine(t, JSON.stringify({ id: 7, text: "Hello world, don't" }), 1, 512)!) as { ids: number[]; tokens: string[] };
  assert.equal(line.ids, expected.ids);
  assert.equal(line.tokens, expected.tokens.slice(1, -1));
});

loading.run();

const refusals = suite('byte-level BPE: what it does not implement is refused, naming file and field');

/** The parts of a tokenizer.json object the refusal tests change. */
interface TokenizerJsonShape {
  model: Record<string, unknown> & { vocab: Record<string, number>; merges: unknown[] };
  normalizer: unknown;
  pre_tokenizer: unknown;
  post_processor: Record<string, unknown>;
  decoder: unknown;
  added_tokens: Array<{ content: string }>;
}

/** Expects fromTokenizerJson of the changed RoBERTa tokenizer.json to throw a TokenizerError matching `message`. */
function refuses(change: (json: TokenizerJsonShape) => void, message: RegExp): void {
  const json = robertaTokenizerJsonObject() as unknown as TokenizerJsonShape;
  change(json);
  assert.throws(
    () => ByteLevelBpeTokenizer.fromTokenizerJson(JSON.stringify(json)),
    (e: unknown) => e instanceof TokenizerError && message.test((e as Error).message),
    String(message),
  );
}

refusals('model types, normalizers and model options it does not implement', () => {
  refuses((j) => (j.model.type = 'Unigram'), /^tokenizer\.json: model type "Unigram" is not supported/);
  refuses((j) => (j.model.type = 'WordPiece'), /^tokenizer\.json: model type "WordPiece"/);
  refuses((j) => (j.normalizer = { type: 'NFC' }), /^tokenizer\.json: normalizer "NFC" is not supported/);
  refuses((j) => (j.model.dropout = 0.1), /^tokenizer\.json: model\.dropout 0\.1 is not supported/);
  refuses((j) => (j.model.continuing_subword_prefix = '##'), /^tokenizer\.json: model\.continuing_subword_prefix "##" is not supported/);
  refuses((j) => (j.model.end_of_word_suffix = '</w>'), /^tokenizer\.json: model\.end_of_word_suffix "<\/w>" is not supported/);
  refuses((j) => (j.model.byte_fallback = true), /^tokenizer\.json: model\.byte_fallback true is not supported/);
  refuses((j) => (j.model.unk_token = '<nope>'), /^tokenizer\.json: the unknown token '<nope>' is not in the vocabulary/);
});

refusals('pre-tokenizers, post-processors and decoders it does not implement', () => {
  refuses((j) => (j.pre_tokenizer = { type: 'Metaspace', replacement: '▁' }), /^tokenizer\.json: pre_tokenizer "Metaspace" is not supported \(only ByteLevel\)/);
  refuses((j) => (j.pre_tokenizer = { type: 'Sequence', pretokenizers: [j.pre_tokenizer] }), /pre_tokenizer "Sequence"/);
  refuses((j) => (j.pre_tokenizer = null), /pre_tokenizer null/);
  refuses((j) => (j.post_processor = { type: 'TemplateProcessing', single: [] }), /^tokenizer\.json: post_processor "TemplateProcessing" is not supported/);
  refuses((j) => (j.post_processor.cls = '<s>'), /^tokenizer\.json: post_processor\.cls must be a \[token, id\] pair/);
  // Rust would put it, naming no token (and, past the model's vocabulary too, no embedding row).
  refuses((j) => (j.post_processor.sep = ['</s>', 60000]), /^tokenizer\.json: post_processor's '<\/s>' has id 60000, past the vocabulary \(\d+ tokens\)$/);
  refuses((j) => (j.decoder = { type: 'WordPiece' }), /^tokenizer\.json: decoder "WordPiece" is not supported/);
});

refusals('merges that are not pairs of vocabulary tokens, and a vocabulary without <pad>', () => {
  refuses((j) => (j.model.merges[0] = [1, 2]), /^tokenizer\.json: model\.merges\[0\] must be an "a b" string or an \[a, b\] pair/);
  refuses((j) => (j.model.merges[3] = 'a b c'), /^tokenizer\.json: model\.merges\[3\] must be two tokens/);
  refuses((j) => (j.model.merges = {} as unknown[]), /^tokenizer\.json: model\.merges must be an array/);
  refuses((j) => (j.model.merges[0] = ['Ġ', 'zzzz']), /^tokenizer\.json: merge 0 \('Ġ' 'zzzz'\) uses 'zzzz', which is not in the vocabulary/);
  refuses((j) => (j.model.vocab = [] as unknown as Record<string, number>), /^tokenizer\.json: model\.vocab must be an object/);
  refuses((j) => {
    delete j.model.vocab['<pad>'];
    j.added_tokens = j.added_tokens.filter((t) => t.content !== '<pad>');
  }, /^tokenizer\.json: the vocabulary has no padding token '<pad>'/);
  assert.throws(() => ByteLevelBpeTokenizer.fromTokenizerJson('{"model": '), (e: unknown) => e instanceof TokenizerError && /tokenizer\.json is not valid JSON/.test((e as Error).message));
});

refusals('in a folder, the messages name the folder file', async () => {
  const json = robertaTokenizerJsonObject() as unknown as TokenizerJsonShape;
  json.model.dropout = 0.5;
  await rejects(loadTokenizer(memoryModelFiles({ 'tokenizer.json': JSON.stringify(json) }, 'models/r')), /^models\/r\/tokenizer\.json: model\.dropout 0\.5/);
  const files = (extra: Record<string, string>) => memoryModelFiles({ 'vocab.json': robertaVocabJson(), 'merges.txt': robertaMergesText(), ...extra }, 'models/r');
  await rejects(loadTokenizer(files({ 'tokenizer_config.json': '{"tokenizer_class": "XLMRobertaTokenizer"}' })), /^models\/r\/tokenizer_config\.json: tokenizer_class "XLMRobertaTokenizer" is not supported/);
  await rejects(loadTokenizer(files({ 'tokenizer_config.json': '{"add_prefix_space": "yes"}' })), /^models\/r\/tokenizer_config\.json: 'add_prefix_space' must be a boolean/);
  await rejects(loadTokenizer(files({ 'special_tokens_map.json': '{"mask_token": 5}' })), /^models\/r\/special_tokens_map\.json: field 'mask_token' must be a string or an object/);
  await rejects(loadTokenizer(files({ 'merges.txt': '#version: 0.2\nĠ t\nnot-a-pair\n' })), /^models\/r\/merges\.txt line 3 must be two tokens separated by one space/);
  await rejects(loadTokenizer(files({ 'vocab.json': '["<s>"]' })), /^models\/r\/vocab\.json is not a JSON object/);
  await rejects(loadTokenizer(files({ 'tokenizer_config.json': '{"cls_token": "<cls>"}' })), /^models\/r\/vocab\.json has no special token '<cls>'/);
});

refusals('BertTokenizer still refuses a BPE tokenizer.json, naming its model type', () => {
  assert.throws(() => BertTokenizer.fromTokenizerJson(robertaTokenizerJson()), (e: unknown) => e instanceof TokenizerError && /model type "BPE" is not supported \(only WordPiece\)/.test((e as Error).message));
});

refusals.run();
