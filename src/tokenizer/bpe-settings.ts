// Everything a ByteLevelBpeTokenizer is made of, read from a tokenizer.json whose model is BPE
// over GPT-2's byte-level alphabet (RoBERTa, BART, GPT-2 and their kin). What the tokenizer
// does not implement is refused, naming the file and the field, rather than tokenized
// differently from Hugging Face without a word.
import type { AddedToken } from './added-tokens.js';
import type { BpeModelSettings } from './bpe-merges.js';
import { TokenizerError } from './errors.js';
import { DEFAULT_MODEL_MAX_LENGTH } from './settings.js';
import { field, isObject, parseAddedTokens, parseJson, type Json, type JsonObject } from './tokenizer-json.js';
import type { TruncationSide } from './truncation.js';

/** RobertaProcessing: <s> … </s> around the tokens, offsets trimmed of their spaces. */
export interface RobertaPostProcessor {
  type: 'RobertaProcessing';
  /** The classifier token and its id, put first. */
  cls: [string, number];
  /** The separator token and its id, put last. */
  sep: [string, number];
  trimOffsets: boolean;
  addPrefixSpace: boolean;
}

/** The ByteLevel post-processor: no special tokens, offsets trimmed of their spaces. */
export interface ByteLevelPostProcessor {
  type: 'ByteLevel';
  trimOffsets: boolean;
  addPrefixSpace: boolean;
}

/** The complete description of a byte-level BPE tokenizer. */
export interface BpeSettings {
  model: BpeModelSettings;
  addedTokens: AddedToken[];
  /** The ByteLevel pre-tokenizer puts a space before text that does not start with one. */
  addPrefixSpace: boolean;
  /** The ByteLevel pre-tokenizer splits text with GPT-2's pattern (else each stretch is one word). */
  useRegex: boolean;
  postProcessor: RobertaPostProcessor | ByteLevelPostProcessor | null;
  /** null: decode joins tokens with spaces, as Rust does without a decoder. */
  decoder: 'ByteLevel' | null;
  padToken: string;
  /** The tokenizer's unknown token, used for bytes the vocabulary lacks when the model names none. */
  unkToken: string;
  maskToken: string;
  modelMaxLength: number;
  /** tokenizer_config.json's truncation_side: the end `encode` cuts by default (absent: 'right'). */
  truncationSide?: TruncationSide;
}

/** RoBERTa's special tokens, the defaults of RobertaTokenizer. */
export const ROBERTA_SPECIALS = { bos: '<s>', eos: '</s>', sep: '</s>', cls: '<s>', unk: '<unk>', pad: '<pad>', mask: '<mask>' } as const;

function typeOf(value: Json | undefined): string {
  return JSON.stringify(isObject(value) ? value.type ?? null : value ?? null);
}

/** Token → id of a vocab object (tokenizer.json's model.vocab, or vocab.json). */
export function parseVocabObject(value: Json | undefined, where: string): Map<string, number> {
  if (!isObject(value)) throw new TokenizerError(`${where} must be an object of token → id`);
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(value)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw new TokenizerError(`${where}['${token}'] is not a valid id`);
    vocab.set(token, id);
  }
  return vocab;
}

/**
 * One merge written as "a b" (merges.txt, older tokenizer.json): split at its one space, as
 * Rust splits it. Returns undefined for a "#version" line, which Rust skips.
 */
export function parseMergeLine(line: string, where: string): [string, string] | undefined {
  if (line.startsWith('#version')) return undefined;
  const parts = line.split(' ');
  if (parts.length !== 2) throw new TokenizerError(`${where} must be two tokens separated by one space, not ${JSON.stringify(line)}`);
  return [parts[0], parts[1]];
}

function parseMerges(value: Json | undefined, source: string): Array<[string, string]> {
  if (!Array.isArray(value)) throw new TokenizerError(`${source}: model.merges must be an array of "a b" strings or [a, b] pairs`);
  const merges: Array<[string, string]> = [];
  value.forEach((entry, index) => {
    const where = `${source}: model.merges[${index}]`;
    if (typeof entry === 'string') {
      const merge = parseMergeLine(entry, where);
      if (merge) merges.push(merge);
    } else if (Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && typeof entry[1] === 'string') {
      merges.push([entry[0], entry[1]]);
    } else {
      throw new TokenizerError(`${where} must be an "a b" string or an [a, b] pair, not ${JSON.stringify(entry)}`);
    }
  });
  return merges;
}

/** The options of the model that change tokens and that this tokenizer does not implement. */
function refuseModelOptions(model: JsonObject, source: string): void {
  const dropout = model.dropout;
  if (dropout !== undefined && dropout !== null && dropout !== 0) {
    throw new TokenizerError(`${source}: model.dropout ${JSON.stringify(dropout)} is not supported (BPE dropout is random; only null)`);
  }
  for (const key of ['continuing_subword_prefix', 'end_of_word_suffix']) {
    const value = field<string | null>(model, key, 'string', `${source} model`, null);
    if (value) throw new TokenizerError(`${source}: model.${key} ${JSON.stringify(value)} is not supported (byte-level BPE has none; only null or "")`);
  }
  if (field(model, 'byte_fallback', 'boolean', `${source} model`, false)) {
    throw new TokenizerError(`${source}: model.byte_fallback true is not supported (byte-level BPE needs no byte fallback)`);
  }
}

function parseModel(model: Json | undefined, source: string): BpeModelSettings {
  if (!isObject(model)) throw new TokenizerError(`${source} has no 'model'`);
  if (model.type !== 'BPE' && !(model.type === undefined && 'merges' in model)) {
    throw new TokenizerError(`${source}: model type ${typeOf(model)} is not supported here (ByteLevelBpeTokenizer reads BPE models)`);
  }
  refuseModelOptions(model, source);
  const where = `${source} model`;
  return {
    vocab: parseVocabObject(model.vocab, `${source}: model.vocab`),
    merges: parseMerges(model.merges, source),
    unkToken: field<string | null>(model, 'unk_token', 'string', where, null),
    fuseUnk: field(model, 'fuse_unk', 'boolean', where, false),
    ignoreMerges: field(model, 'ignore_merges', 'boolean', where, false),
    source,
  };
}

function parsePreTokenizer(value: Json | undefined, source: string): { addPrefixSpace: boolean; useRegex: boolean } {
  if (!isObject(value) || value.type !== 'ByteLevel') {
    throw new TokenizerError(`${source}: pre_tokenizer ${typeOf(value)} is not supported (only ByteLevel)`);
  }
  const where = `${source} pre_tokenizer`;
  // Rust's ByteLevel::default() for what the file leaves out.
  return { addPrefixSpace: field(value, 'add_prefix_space', 'boolean', where, true), useRegex: field(value, 'use_regex', 'boolean', where, true) };
}

/** A [token, id] pair of RobertaProcessing. */
function tokenAndId(value: Json | undefined, where: string): [string, number] {
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'number' && Number.isInteger(value[1]) && value[1] >= 0) {
    return [value[0], value[1]];
  }
  throw new TokenizerError(`${where} must be a [token, id] pair, not ${JSON.stringify(value ?? null)}`);
}

function parsePostProcessor(value: Json | undefined, source: string): BpeSettings['postProcessor'] {
  if (value === undefined || value === null) return null;
  const where = `${source} post_processor`;
  if (isObject(value) && value.type === 'RobertaProcessing') {
    return {
      type: 'RobertaProcessing',
      cls: tokenAndId(value.cls, `${source}: post_processor.cls`),
      sep: tokenAndId(value.sep, `${source}: post_processor.sep`),
      trimOffsets: field(value, 'trim_offsets', 'boolean', where, true),
      addPrefixSpace: field(value, 'add_prefix_space', 'boolean', where, true),
    };
  }
  if (isObject(value) && value.type === 'ByteLevel') {
    return { type: 'ByteLevel', trimOffsets: field(value, 'trim_offsets', 'boolean', where, true), addPrefixSpace: field(value, 'add_prefix_space', 'boolean', where, true) };
  }
  throw new TokenizerError(`${source}: post_processor ${typeOf(value)} is not supported (only RobertaProcessing, ByteLevel or null)`);
}

function parseDecoder(value: Json | undefined, source: string): BpeSettings['decoder'] {
  if (value === undefined || value === null) return null;
  if (isObject(value) && value.type === 'ByteLevel') return 'ByteLevel';
  throw new TokenizerError(`${source}: decoder ${typeOf(value)} is not supported (only ByteLevel or null)`);
}

/** Settings from the text of a tokenizer.json with a byte-level BPE model. */
export function settingsFromBpeTokenizerJson(text: string, source = 'tokenizer.json'): BpeSettings {
  const json = parseJson(text, source);
  const model = parseModel(json.model, source);
  if (json.normalizer !== undefined && json.normalizer !== null) {
    throw new TokenizerError(`${source}: normalizer ${typeOf(json.normalizer)} is not supported (byte-level BPE reads the text as it is; only null)`);
  }
  const { addPrefixSpace, useRegex } = parsePreTokenizer(json.pre_tokenizer, source);
  const padding = json.padding;
  return {
    model,
    addedTokens: parseAddedTokens(json.added_tokens, source),
    addPrefixSpace,
    useRegex,
    postProcessor: parsePostProcessor(json.post_processor, source),
    decoder: parseDecoder(json.decoder, source),
    padToken: isObject(padding) ? field(padding, 'pad_token', 'string', `${source} padding`, ROBERTA_SPECIALS.pad) : ROBERTA_SPECIALS.pad,
    unkToken: model.unkToken ?? ROBERTA_SPECIALS.unk,
    maskToken: ROBERTA_SPECIALS.mask,
    modelMaxLength: DEFAULT_MODEL_MAX_LENGTH,
  };
}
