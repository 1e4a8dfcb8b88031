// The slow-tokenizer side of byte-level BPE: RobertaTokenizer's vocab.json + merges.txt, and
// what tokenizer_config.json and special_tokens_map.json say (special tokens, add_prefix_space,
// model_max_length). Settings are built as transformers' RobertaConverter builds the fast
// tokenizer from the same files, so both layouts of a model tokenize alike.
import type { AddedToken } from './added-tokens.js';
import { parseMergeLine, parseVocabObject, ROBERTA_SPECIALS, type BpeSettings } from './bpe-settings.js';
import { TokenizerError } from './errors.js';
import { DEFAULT_MODEL_MAX_LENGTH } from './settings.js';
import { readTruncationSide, type TruncationSide } from './truncation.js';
import { checkMaxLength, field, isObject, parseJson, UNSET_MAX_LENGTH, type Json, type JsonObject } from './tokenizer-json.js';

/** Options of `ByteLevelBpeTokenizer.fromVocabAndMerges` (named as in transformers' RobertaTokenizer). */
export interface ByteLevelBpeOptions {
  /** Put a space before text that does not start with one (default false). */
  addPrefixSpace?: boolean;
  /** Trim spaces off the tokens' offsets (default true). */
  trimOffsets?: boolean;
  modelMaxLength?: number;
  /** Which end of a long text `encode` cuts by default: 'right' (default) or 'left'. */
  truncationSide?: TruncationSide;
  bosToken?: string;
  eosToken?: string;
  sepToken?: string;
  clsToken?: string;
  unkToken?: string;
  padToken?: string;
  maskToken?: string;
}

/** The special tokens, in the order transformers registers them. */
const SPECIAL_KEYS = ['bos', 'eos', 'unk', 'sep', 'pad', 'cls', 'mask'] as const;
type SpecialKey = (typeof SPECIAL_KEYS)[number];

/** tokenizer_config.json + special_tokens_map.json, as far as byte-level BPE reads them. */
export interface BpeConfig extends ByteLevelBpeOptions {
  tokenizerClass?: string;
  /** Flags given for tokens (special tokens written as objects, added_tokens_decoder), by content. */
  tokenFlags: Map<string, Omit<AddedToken, 'id' | 'content'>>;
  /** added_tokens_decoder's entries (id → token), when tokenizer_config.json has them. */
  addedTokens: AddedToken[];
}

/**
 * tokenizer_config.json classes whose tokenizer is RoBERTa's byte-level BPE (<s> A </s>,
 * RobertaProcessing) as splade-ts implements it.
 */
export const ROBERTA_TOKENIZER_CLASSES = [
  'RobertaTokenizer', 'RobertaTokenizerFast', 'BartTokenizer', 'BartTokenizerFast', 'LongformerTokenizer', 'LongformerTokenizerFast',
] as const;

/** The flags of a token written as an object ({content, lstrip, …}); special unless it says not. */
function tokenFlags(value: JsonObject, where: string, special: boolean): Omit<AddedToken, 'id' | 'content'> {
  const isSpecial = field(value, 'special', 'boolean', where, special);
  return {
    singleWord: field(value, 'single_word', 'boolean', where, false),
    lstrip: field(value, 'lstrip', 'boolean', where, false),
    rstrip: field(value, 'rstrip', 'boolean', where, false),
    normalized: field(value, 'normalized', 'boolean', where, !isSpecial),
    special: isSpecial,
  };
}

/** The special tokens of one file (strings or {content, …} objects) into `config`. */
function readSpecials(json: JsonObject, source: string, config: BpeConfig): void {
  for (const key of SPECIAL_KEYS) {
    const value: Json | undefined = json[`${key}_token`];
    const name = `${key}Token` as `${SpecialKey}Token`;
    if (typeof value === 'string') {
      config[name] = value;
    } else if (isObject(value) && typeof value.content === 'string') {
      config[name] = value.content;
      config.tokenFlags.set(value.content, tokenFlags(value, `${source} ${key}_token`, true));
    } else if (value !== undefined && value !== null) {
      throw new TokenizerError(`${source}: field '${key}_token' must be a string or an object with a 'content', got ${JSON.stringify(value)}`);
    }
  }
}

function readAddedTokensDecoder(value: Json | undefined, source: string, config: BpeConfig): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) throw new TokenizerError(`${source}: field 'added_tokens_decoder' must be an object of id → token`);
  for (const [key, entry] of Object.entries(value)) {
    const where = `${source} added_tokens_decoder['${key}']`;
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || !isObject(entry) || typeof entry.content !== 'string' || entry.content === '') {
      throw new TokenizerError(`${where} must be a token {content, …} under a whole-number id`);
    }
    const flags = tokenFlags(entry, where, false);
    config.tokenFlags.set(entry.content, flags);
    config.addedTokens.push({ id, content: entry.content, ...flags });
  }
  config.addedTokens.sort((a, b) => a.id - b.id);
}

/**
 * Reads tokenizer_config.json and special_tokens_map.json (either may be absent) as the RoBERTa
 * family writes them: RobertaTokenizerFast (byte-level BPE) and XLMRobertaTokenizerFast (Unigram,
 * which takes its padding and mask tokens and model_max_length from here).
 */
export function parseRobertaFamilyConfig(configText: string | undefined, specialTokensText: string | undefined, folder: string): BpeConfig {
  const config: BpeConfig = { tokenFlags: new Map(), addedTokens: [] };
  if (specialTokensText !== undefined) readSpecials(parseJson(specialTokensText, `${folder}/special_tokens_map.json`), `${folder}/special_tokens_map.json`, config);
  if (configText === undefined) return config;
  const source = `${folder}/tokenizer_config.json`;
  const json = parseJson(configText, source);
  readSpecials(json, source, config);
  readAddedTokensDecoder(json.added_tokens_decoder, source, config);
  if (json.add_prefix_space !== undefined) config.addPrefixSpace = field(json, 'add_prefix_space', 'boolean', source, false);
  if (json.trim_offsets !== undefined) config.trimOffsets = field(json, 'trim_offsets', 'boolean', source, true);
  if (typeof json.tokenizer_class === 'string') config.tokenizerClass = json.tokenizer_class;
  const maxLength = json.model_max_length;
  if (maxLength !== undefined && maxLength !== null) {
    if (typeof maxLength !== 'number' || maxLength <= 0) throw new TokenizerError(`${source}: field 'model_max_length' must be a positive number, got ${JSON.stringify(maxLength)}`);
    if (maxLength < UNSET_MAX_LENGTH) config.modelMaxLength = checkMaxLength(maxLength, `${source}: model_max_length`);
  }
  config.truncationSide = readTruncationSide(json, source);
  return config;
}

/**
 * Refuses a vocab.json + merges.txt that tokenizer_config.json says belongs to a tokenizer
 * other than RoBERTa's: read as RoBERTa's, it would be wrapped in the wrong special tokens.
 */
export function checkBpeTokenizerClass(config: BpeConfig, folder: string): void {
  const tokenizerClass = config.tokenizerClass;
  if (tokenizerClass === undefined || (ROBERTA_TOKENIZER_CLASSES as readonly string[]).includes(tokenizerClass)) return;
  throw new TokenizerError(
    `${folder}/tokenizer_config.json: tokenizer_class ${JSON.stringify(tokenizerClass)} is not supported: splade-ts reads vocab.json + merges.txt as RoBERTa's byte-level BPE tokenizer (${ROBERTA_TOKENIZER_CLASSES.join(', ')})`,
  );
}

/** merges.txt: one "a b" merge a line, an optional "#version" first line, blank lines skipped. */
export function parseMergesText(text: string, source = 'merges.txt'): Array<[string, string]> {
  const merges: Array<[string, string]> = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line === '') return;
    const merge = parseMergeLine(line, `${source} line ${index + 1}`);
    if (merge) merges.push(merge);
  });
  return merges;
}

/** The special tokens as RobertaTokenizer registers them: mask strips the space before it. */
function specialTokens(config: ByteLevelBpeOptions & Partial<Pick<BpeConfig, 'tokenFlags' | 'addedTokens'>>, vocab: Map<string, number>): AddedToken[] {
  const tokens: AddedToken[] = [];
  for (const key of SPECIAL_KEYS) {
    const content = config[`${key}Token`] ?? ROBERTA_SPECIALS[key];
    if (tokens.some((t) => t.content === content)) continue;
    const flags = config.tokenFlags?.get(content) ?? { singleWord: false, lstrip: key === 'mask', rstrip: false, normalized: false, special: true };
    tokens.push({ id: vocab.get(content) ?? -1, content, ...flags });
  }
  for (const token of config.addedTokens ?? []) if (!tokens.some((t) => t.content === token.content)) tokens.push(token);
  return tokens;
}

/** Settings for vocab.json + merges.txt, as RobertaConverter makes the fast tokenizer of them. */
export function settingsFromVocabAndMerges(
  vocabJsonText: string,
  mergesText: string,
  config: ByteLevelBpeOptions & Partial<Pick<BpeConfig, 'tokenFlags' | 'addedTokens'>>,
  sources: { vocab: string; merges: string } = { vocab: 'vocab.json', merges: 'merges.txt' },
): BpeSettings {
  const vocab = parseVocabObject(parseJson(vocabJsonText, sources.vocab), sources.vocab);
  const addedTokens = specialTokens(config, vocab);
  const idOf = (content: string): number => {
    const id = vocab.get(content);
    if (id === undefined) throw new TokenizerError(`${sources.vocab} has no special token '${content}'`);
    return id;
  };
  const cls = config.clsToken ?? ROBERTA_SPECIALS.cls;
  const sep = config.sepToken ?? ROBERTA_SPECIALS.sep;
  const addPrefixSpace = config.addPrefixSpace ?? false;
  return {
    model: { vocab, merges: parseMergesText(mergesText, sources.merges), unkToken: null, fuseUnk: false, ignoreMerges: false, source: sources.merges },
    addedTokens,
    addPrefixSpace,
    useRegex: true,
    // RobertaConverter: trim_offsets is always true, whatever the slow tokenizer says.
    postProcessor: { type: 'RobertaProcessing', cls: [cls, idOf(cls)], sep: [sep, idOf(sep)], trimOffsets: true, addPrefixSpace },
    decoder: 'ByteLevel',
    padToken: config.padToken ?? ROBERTA_SPECIALS.pad,
    unkToken: config.unkToken ?? ROBERTA_SPECIALS.unk,
    maskToken: config.maskToken ?? ROBERTA_SPECIALS.mask,
    modelMaxLength: checkMaxLength(config.modelMaxLength ?? DEFAULT_MODEL_MAX_LENGTH, 'modelMaxLength'),
    truncationSide: config.truncationSide,
  };
}

/**
 * What RobertaTokenizerFast does with tokenizer_config.json next to a tokenizer.json: its
 * add_prefix_space (default false) replaces the pre-tokenizer's and RobertaProcessing's, its
 * trim_offsets (default true) RobertaProcessing's; the special tokens and model_max_length
 * are taken from it. Only for RoBERTa's classes (or none named): others keep the file's.
 */
export function applyBpeConfig(settings: BpeSettings, config: BpeConfig): BpeSettings {
  const applied: BpeSettings = {
    ...settings,
    padToken: config.padToken ?? settings.padToken,
    unkToken: config.unkToken ?? settings.unkToken,
    maskToken: config.maskToken ?? settings.maskToken,
    modelMaxLength: config.modelMaxLength ?? settings.modelMaxLength,
    truncationSide: config.truncationSide ?? settings.truncationSide,
  };
  const roberta = config.tokenizerClass === undefined || (ROBERTA_TOKENIZER_CLASSES as readonly string[]).includes(config.tokenizerClass);
  if (!roberta) return applied;
  const addPrefixSpace = config.addPrefixSpace ?? false;
  const post = settings.postProcessor;
  return {
    ...applied,
    addPrefixSpace,
    postProcessor: post?.type === 'RobertaProcessing' ? { ...post, addPrefixSpace, trimOffsets: config.trimOffsets ?? true } : post,
  };
}
