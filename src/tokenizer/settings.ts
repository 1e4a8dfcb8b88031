// Everything a BertTokenizer is made of, read from Hugging Face's tokenizer files:
// tokenizer.json, or vocab.txt + tokenizer_config.json + special_tokens_map.json.
import type { AddedToken } from './added-tokens.js';
import type { DecoderSettings } from './decoder.js';
import { TokenizerError } from './errors.js';
import type { NormalizerSettings } from './normalizer.js';
import { templateToken } from './template-token.js';
import { checkMaxLength, field, isObject, parseAddedTokens, parseJson, tokenContent, UNSET_MAX_LENGTH, type Json, type JsonObject } from './tokenizer-json.js';
import { readTruncationSide, type TruncationSide } from './truncation.js';
import type { WordPieceSettings } from './wordpiece.js';

/** The complete description of a tokenizer. */
export interface TokenizerSettings {
  /** Token → id of the WordPiece model. */
  vocab: Map<string, number>;
  /** null when the tokenizer has no normalizer. */
  normalizer: NormalizerSettings | null;
  wordPiece: WordPieceSettings;
  addedTokens: AddedToken[];
  clsToken: string;
  sepToken: string;
  /**
   * The ids a tokenizer.json's post-processor puts for clsToken and sepToken (its template's
   * `special_tokens`, BertProcessing's pairs), which Rust uses whatever the vocabulary says;
   * absent: the vocabulary's ids (vocab.txt, no post-processor).
   */
  clsId?: number;
  sepId?: number;
  padToken: string;
  maskToken: string | undefined;
  decoder: DecoderSettings;
  modelMaxLength: number;
  /** tokenizer_config.json's truncation_side: the end `encode` cuts by default (absent: 'right'). */
  truncationSide?: TruncationSide;
  /** The file the vocabulary was read from, named in errors about it (absent: not named). */
  source?: string;
}

/** BERT's maximum sequence length, used when the files do not give one. */
export const DEFAULT_MODEL_MAX_LENGTH = 512;

/** Options of `BertTokenizer.fromVocab` (named as in Hugging Face's BertTokenizer). */
export interface VocabOptions {
  doLowerCase?: boolean;
  /** null (default): strip accents exactly when lowercasing. */
  stripAccents?: boolean | null;
  tokenizeChineseChars?: boolean;
  modelMaxLength?: number;
  /** Which end of a long text `encode` cuts by default: 'right' (default) or 'left'. */
  truncationSide?: TruncationSide;
  unkToken?: string;
  sepToken?: string;
  padToken?: string;
  clsToken?: string;
  maskToken?: string;
}

/**
 * Reads vocab.txt: one token per line, the line number is the id. Lines end in \n, \r\n or \r
 * (Python's universal newlines, as transformers reads it); a token seen twice keeps its last id.
 */
export function parseVocabText(text: string, source = 'vocab.txt'): Map<string, number> {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new TokenizerError(`${source} is empty`);
  const vocab = new Map<string, number>();
  lines.forEach((token, id) => vocab.set(token, id));
  return vocab;
}

/** Settings for a vocab.txt with BertTokenizerFast's defaults. */
export function settingsFromVocab(vocab: Map<string, number>, options: VocabOptions = {}, source = 'vocab.txt'): TokenizerSettings {
  const lowercase = options.doLowerCase ?? true;
  const special = {
    unk: options.unkToken ?? '[UNK]',
    sep: options.sepToken ?? '[SEP]',
    pad: options.padToken ?? '[PAD]',
    cls: options.clsToken ?? '[CLS]',
    mask: options.maskToken ?? '[MASK]',
  };
  // BertTokenizerFast registers its special tokens as unnormalized added tokens, in this order.
  const addedTokens: AddedToken[] = [];
  for (const content of [special.pad, special.unk, special.cls, special.sep, special.mask]) {
    const id = vocab.get(content);
    if (id === undefined) {
      if (content === special.mask) continue;
      throw new TokenizerError(`${source} has no special token '${content}'`);
    }
    if (addedTokens.some((t) => t.content === content)) continue;
    addedTokens.push({ id, content, singleWord: false, lstrip: false, rstrip: false, normalized: false, special: true });
  }
  return {
    vocab,
    normalizer: {
      cleanText: true,
      handleChineseChars: options.tokenizeChineseChars ?? true,
      stripAccents: options.stripAccents ?? null,
      lowercase,
    },
    wordPiece: { unkToken: special.unk, continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 },
    addedTokens,
    clsToken: special.cls,
    sepToken: special.sep,
    padToken: special.pad,
    maskToken: vocab.has(special.mask) ? special.mask : undefined,
    decoder: { prefix: '##', cleanup: true },
    modelMaxLength: checkMaxLength(options.modelMaxLength ?? DEFAULT_MODEL_MAX_LENGTH, 'modelMaxLength'),
    truncationSide: options.truncationSide,
    source,
  };
}

/** Settings from the text of a tokenizer.json with a WordPiece model. */
export function settingsFromTokenizerJson(text: string, source = 'tokenizer.json'): TokenizerSettings {
  const json = parseJson(text, source);
  const model = json.model;
  if (!isObject(model)) throw new TokenizerError(`${source} has no 'model'`);
  const modelType = model.type ?? (isObject(model.vocab) && 'max_input_chars_per_word' in model ? 'WordPiece' : undefined);
  if (modelType !== 'WordPiece') throw new TokenizerError(`${source}: model type ${JSON.stringify(modelType)} is not supported (only WordPiece)`);
  const vocabJson = model.vocab;
  if (!isObject(vocabJson)) throw new TokenizerError(`${source}: model.vocab must be an object of token → id`);
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(vocabJson)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw new TokenizerError(`${source}: model.vocab['${token}'] is not a valid id`);
    vocab.set(token, id);
  }
  const wordPiece: WordPieceSettings = {
    unkToken: field(model, 'unk_token', 'string', `${source} model`, '[UNK]'),
    continuingSubwordPrefix: field(model, 'continuing_subword_prefix', 'string', `${source} model`, '##'),
    maxInputCharsPerWord: field(model, 'max_input_chars_per_word', 'number', `${source} model`, 100),
  };
  if (!Number.isInteger(wordPiece.maxInputCharsPerWord) || wordPiece.maxInputCharsPerWord < 0) {
    throw new TokenizerError(`${source}: model.max_input_chars_per_word must be a whole number, not ${wordPiece.maxInputCharsPerWord}`);
  }
  const addedTokens = parseAddedTokens(json.added_tokens, source);
  const { cls, sep } = templateSpecialTokens(json.post_processor, source);
  const padding = json.padding;
  const padToken = isObject(padding) ? field(padding, 'pad_token', 'string', `${source} padding`, '[PAD]') : '[PAD]';
  const decoderJson = json.decoder;
  const decoder: DecoderSettings = isObject(decoderJson) && decoderJson.type === 'WordPiece'
    ? { prefix: field(decoderJson, 'prefix', 'string', `${source} decoder`, '##'), cleanup: field(decoderJson, 'cleanup', 'boolean', `${source} decoder`, true) }
    : { prefix: wordPiece.continuingSubwordPrefix, cleanup: true };
  checkPreTokenizer(json.pre_tokenizer, source);
  return {
    vocab,
    normalizer: parseNormalizer(json.normalizer, source),
    wordPiece,
    addedTokens,
    clsToken: cls[0],
    sepToken: sep[0],
    ...(cls[1] === undefined ? {} : { clsId: cls[1] }),
    ...(sep[1] === undefined ? {} : { sepId: sep[1] }),
    padToken,
    maskToken: addedTokens.find((t) => t.content === '[MASK]')?.content ?? (vocab.has('[MASK]') ? '[MASK]' : undefined),
    decoder,
    modelMaxLength: DEFAULT_MODEL_MAX_LENGTH,
    source,
  };
}

function parseNormalizer(value: Json | undefined, source: string): NormalizerSettings | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value) || value.type !== 'BertNormalizer') {
    const type = isObject(value) ? value.type : value;
    throw new TokenizerError(`${source}: normalizer ${JSON.stringify(type)} is not supported (only BertNormalizer)`);
  }
  const where = `${source} normalizer`;
  const lowercase = field(value, 'lowercase', 'boolean', where, true);
  return {
    cleanText: field(value, 'clean_text', 'boolean', where, true),
    handleChineseChars: field(value, 'handle_chinese_chars', 'boolean', where, true),
    stripAccents: field<boolean | null>(value, 'strip_accents', 'boolean', where, null),
    lowercase,
  };
}

function checkPreTokenizer(value: Json | undefined, source: string): void {
  if (isObject(value) && value.type === 'BertPreTokenizer') return;
  const type = isObject(value) ? value.type : value;
  throw new TokenizerError(`${source}: pre_tokenizer ${JSON.stringify(type ?? null)} is not supported (only BertPreTokenizer)`);
}

/** A [CLS] or [SEP] and the id the post-processor gives it (undefined: the vocabulary's). */
type SpecialAndId = [token: string, id: number | undefined];

/**
 * [CLS] and [SEP] with their ids, as the post-processor gives them: TemplateProcessing's
 * `special_tokens` entries (see templateToken) or BertProcessing's [token, id] pairs.
 */
function templateSpecialTokens(value: Json | undefined, source: string): { cls: SpecialAndId; sep: SpecialAndId } {
  const where = `${source}: post_processor`;
  if (isObject(value) && value.type === 'BertProcessing') return { cls: tokenAndId(value.cls, `${where}.cls`), sep: tokenAndId(value.sep, `${where}.sep`) };
  if (isObject(value) && value.type === 'TemplateProcessing' && Array.isArray(value.single)) {
    const specials = value.single.flatMap((piece) => (isObject(piece) && isObject(piece.SpecialToken) && typeof piece.SpecialToken.id === 'string' ? [piece.SpecialToken.id] : []));
    if (specials.length !== 2) throw new TokenizerError(`${where} template must be one special token, the sequence, one special token`);
    const table = isObject(value.special_tokens) ? value.special_tokens : {};
    return { cls: templateToken(table, specials[0], where), sep: templateToken(table, specials[1], where) };
  }
  if (value === undefined || value === null) return { cls: ['[CLS]', undefined], sep: ['[SEP]', undefined] };
  throw new TokenizerError(`${where} ${JSON.stringify(isObject(value) ? value.type : value)} is not supported`);
}

/** A [token, id] pair of BertProcessing. */
function tokenAndId(value: Json | undefined, where: string): [string, number] {
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'number' && Number.isInteger(value[1]) && value[1] >= 0) {
    return [value[0], value[1]];
  }
  throw new TokenizerError(`${where} must be a [token, id] pair, not ${JSON.stringify(value ?? null)}`);
}

/**
 * The parts of tokenizer_config.json (+ special_tokens_map.json) that BertTokenizerFast reads:
 * the same settings as `fromVocab`'s options.
 */
export type TokenizerConfig = VocabOptions;

/**
 * tokenizer_config.json's `tokenizer_class` values whose vocab.txt tokenizer is BERT's
 * WordPiece as splade-ts implements it (ELECTRA's and DistilBERT's are BERT's).
 */
export const WORDPIECE_TOKENIZER_CLASSES = [
  'BertTokenizer', 'BertTokenizerFast', 'DistilBertTokenizer', 'DistilBertTokenizerFast', 'ElectraTokenizer', 'ElectraTokenizerFast',
] as const;

/**
 * Refuses a vocab.txt that tokenizer_config.json says belongs to another tokenizer class
 * (BertJapaneseTokenizer's MeCab words, for one): read as BERT's WordPiece it would give
 * other tokens than transformers, silently. A tokenizer.json says what it is by itself and
 * is checked part by part instead.
 */
export function checkVocabTokenizerClass(configText: string | undefined, folder: string): void {
  if (configText === undefined) return;
  const source = `${folder}/tokenizer_config.json`;
  const tokenizerClass = parseJson(configText, source).tokenizer_class;
  if (tokenizerClass === undefined || tokenizerClass === null) return;
  if (typeof tokenizerClass === 'string' && (WORDPIECE_TOKENIZER_CLASSES as readonly string[]).includes(tokenizerClass)) return;
  throw new TokenizerError(
    `${source}: tokenizer_class ${JSON.stringify(tokenizerClass)} is not supported: splade-ts reads vocab.txt as BERT's WordPiece tokenizer (${WORDPIECE_TOKENIZER_CLASSES.join(', ')})`,
  );
}

/**
 * Reads tokenizer_config.json and special_tokens_map.json (either may be absent) as
 * BertTokenizerFast does; a setting of the wrong type is an error naming the file and field.
 */
export function parseTokenizerConfig(configText: string | undefined, specialTokensText: string | undefined, folder: string): TokenizerConfig {
  const config: TokenizerConfig = {};
  if (specialTokensText !== undefined) {
    const map = parseJson(specialTokensText, `${folder}/special_tokens_map.json`);
    readSpecialTokens(map, config);
  }
  if (configText === undefined) return config;
  const source = `${folder}/tokenizer_config.json`;
  const json = parseJson(configText, source);
  readSpecialTokens(json, config);
  const field = (name: string, what: string, ok: (value: Json) => boolean): boolean => {
    const value = json[name];
    if (value === undefined) return false;
    if (!ok(value)) throw new TokenizerError(`${source}: field '${name}' must be ${what}, got ${JSON.stringify(value)}`);
    return true;
  };
  const isBoolean = (v: Json): boolean => typeof v === 'boolean';
  if (field('do_lower_case', 'true or false', isBoolean)) config.doLowerCase = json.do_lower_case as boolean;
  if (field('strip_accents', 'true, false or null', (v) => v === null || isBoolean(v))) config.stripAccents = json.strip_accents as boolean | null;
  if (field('tokenize_chinese_chars', 'true or false', isBoolean)) config.tokenizeChineseChars = json.tokenize_chinese_chars as boolean;
  if (field('model_max_length', 'a positive number', (v) => typeof v === 'number' && v > 0) && (json.model_max_length as number) < UNSET_MAX_LENGTH) {
    config.modelMaxLength = checkMaxLength(json.model_max_length as number, `${source}: model_max_length`);
  }
  config.truncationSide = readTruncationSide(json, source);
  return config;
}

function readSpecialTokens(json: JsonObject, config: TokenizerConfig): void {
  config.unkToken = tokenContent(json.unk_token) ?? config.unkToken;
  config.sepToken = tokenContent(json.sep_token) ?? config.sepToken;
  config.padToken = tokenContent(json.pad_token) ?? config.padToken;
  config.clsToken = tokenContent(json.cls_token) ?? config.clsToken;
  config.maskToken = tokenContent(json.mask_token) ?? config.maskToken;
}

/**
 * What BertTokenizerFast does with tokenizer_config.json next to a tokenizer.json: when its
 * do_lower_case, strip_accents or tokenize_chinese_chars (defaults true, null, true) differ
 * from the BertNormalizer's, the normalizer is rebuilt with all three from the config.
 */
export function applyConfigToSettings(settings: TokenizerSettings, config: TokenizerConfig): TokenizerSettings {
  const normalizer = settings.normalizer;
  let merged = normalizer;
  if (normalizer) {
    const wanted = {
      lowercase: config.doLowerCase ?? true,
      stripAccents: config.stripAccents ?? null,
      handleChineseChars: config.tokenizeChineseChars ?? true,
    };
    const differs =
      wanted.lowercase !== normalizer.lowercase ||
      wanted.stripAccents !== normalizer.stripAccents ||
      wanted.handleChineseChars !== normalizer.handleChineseChars;
    if (differs) merged = { ...normalizer, ...wanted };
  }
  return {
    ...settings,
    normalizer: merged,
    modelMaxLength: config.modelMaxLength ?? settings.modelMaxLength,
    truncationSide: config.truncationSide ?? settings.truncationSide,
  };
}
