// Everything a UnigramTokenizer is made of, read from a SentencePiece tokenizer.json (a Unigram
// model, as transformers' XLMRobertaConverter writes it for XLM-RoBERTa). What the tokenizer
// does not implement is refused, naming the file and the field, rather than tokenized
// differently from Hugging Face without a word.
import type { AddedToken } from './added-tokens.js';
import { TokenizerError } from './errors.js';
import { parseMetaspace, type MetaspaceSettings } from './metaspace.js';
import { DEFAULT_MODEL_MAX_LENGTH } from './settings.js';
import { parseSpmNormalizer, type SpmNormalizerStep } from './spm-normalizer.js';
import { templateToken } from './template-token.js';
import { field, isObject, parseAddedTokens, parseJson, type Json, type JsonObject } from './tokenizer-json.js';
import type { TruncationSide } from './truncation.js';
import type { UnigramModelSettings } from './unigram-model.js';

/** The special tokens a post-processor puts around the tokens of one text. */
export interface SpecialsAround {
  /** TemplateProcessing or RobertaProcessing, for messages. */
  type: 'TemplateProcessing' | 'RobertaProcessing';
  before: Array<[token: string, id: number]>;
  after: Array<[token: string, id: number]>;
  /** RobertaProcessing's trim_offsets: offsets lose the spaces at their ends. */
  trimOffsets: boolean;
  addPrefixSpace: boolean;
}

/** The complete description of a Unigram tokenizer. */
export interface UnigramSettings {
  model: UnigramModelSettings;
  normalizer: SpmNormalizerStep[];
  preTokenizer: MetaspaceSettings;
  postProcessor: SpecialsAround | null;
  /** null: decode joins tokens with spaces, as Rust does without a decoder. */
  decoder: MetaspaceSettings | null;
  addedTokens: AddedToken[];
  padToken: string;
  maskToken: string;
  modelMaxLength: number;
  /** tokenizer_config.json's truncation_side: the end `encode` cuts by default (absent: 'right'). */
  truncationSide?: TruncationSide;
}

function parseVocab(value: Json | undefined, source: string): Array<[string, number]> {
  if (!Array.isArray(value)) throw new TokenizerError(`${source}: model.vocab must be an array of [piece, score] pairs`);
  return value.map((entry, id) => {
    if (Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && typeof entry[1] === 'number') return [entry[0], entry[1]];
    throw new TokenizerError(`${source}: model.vocab[${id}] must be a [piece, score] pair, not ${JSON.stringify(entry)}`);
  });
}

function parseModel(model: Json | undefined, source: string): UnigramModelSettings {
  // A file may leave the type out: a vocab of [piece, score] pairs is Unigram's (as Rust finds it).
  const unigram = isObject(model) && (model.type === 'Unigram' || (model.type === undefined && Array.isArray(model.vocab)));
  if (!isObject(model) || !unigram) throw new TokenizerError(`${source}: model must be of type Unigram here (UnigramTokenizer)`);
  const where = `${source} model`;
  if (field(model, 'byte_fallback', 'boolean', where, false)) {
    throw new TokenizerError(`${source}: model.byte_fallback true is not supported (unknown characters as <0xNN> byte pieces); only false`);
  }
  const unkId = model.unk_id;
  if (typeof unkId !== 'number') {
    throw new TokenizerError(`${source}: model.unk_id ${JSON.stringify(unkId ?? null)} is not supported: the Unigram model needs the id of its unknown token`);
  }
  return { vocab: parseVocab(model.vocab, source), unkId, source };
}

/** TemplateProcessing's single template: special tokens, $A once, special tokens, all of type 0. */
function parseTemplate(value: JsonObject, where: string): SpecialsAround {
  const specials = isObject(value.special_tokens) ? value.special_tokens : {};
  if (!Array.isArray(value.single)) throw new TokenizerError(`${where}.single must be an array of template pieces`);
  const around: SpecialsAround = { type: 'TemplateProcessing', before: [], after: [], trimOffsets: false, addPrefixSpace: false };
  let seenA = false;
  for (const piece of value.single) {
    const special = isObject(piece) && isObject(piece.SpecialToken) ? piece.SpecialToken : undefined;
    const sequence = isObject(piece) && isObject(piece.Sequence) ? piece.Sequence : undefined;
    const typeId = (special ?? sequence)?.type_id ?? 0;
    if (typeId !== 0) throw new TokenizerError(`${where}.single: type_id ${JSON.stringify(typeId)} is not supported (one text has token type 0)`);
    if (sequence && sequence.id === 'A' && !seenA) seenA = true;
    else if (special && typeof special.id === 'string') (seenA ? around.after : around.before).push(templateToken(specials, special.id, where));
    else throw new TokenizerError(`${where}.single: piece ${JSON.stringify(piece)} is not supported (special tokens around $A once)`);
  }
  if (!seenA) throw new TokenizerError(`${where}.single has no $A`);
  return around;
}

function parsePostProcessor(value: Json | undefined, source: string): SpecialsAround | null {
  if (value === undefined || value === null) return null;
  const where = `${source}: post_processor`;
  if (isObject(value) && value.type === 'TemplateProcessing') return parseTemplate(value, where);
  if (isObject(value) && value.type === 'RobertaProcessing') {
    const pair = (key: string): [string, number] => {
      const entry = value[key];
      if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number') return [entry[0], entry[1]];
      throw new TokenizerError(`${where}.${key} must be a [token, id] pair`);
    };
    return {
      type: 'RobertaProcessing', before: [pair('cls')], after: [pair('sep')],
      trimOffsets: field(value, 'trim_offsets', 'boolean', where, true), addPrefixSpace: field(value, 'add_prefix_space', 'boolean', where, true),
    };
  }
  throw new TokenizerError(`${where} ${JSON.stringify(isObject(value) ? value.type ?? null : value)} is not supported (TemplateProcessing, RobertaProcessing or null)`);
}

/** Settings from the text of a tokenizer.json with a Unigram model. */
export function settingsFromUnigramTokenizerJson(text: string, source = 'tokenizer.json'): UnigramSettings {
  const json = parseJson(text, source);
  const model = parseModel(json.model, source);
  const padding = json.padding;
  return {
    model,
    normalizer: parseSpmNormalizer(json.normalizer, source),
    preTokenizer: parseMetaspace(json.pre_tokenizer, `${source}: pre_tokenizer`),
    postProcessor: parsePostProcessor(json.post_processor, source),
    decoder: json.decoder === undefined || json.decoder === null ? null : parseMetaspace(json.decoder, `${source}: decoder`),
    addedTokens: parseAddedTokens(json.added_tokens, source),
    padToken: isObject(padding) ? field(padding, 'pad_token', 'string', `${source} padding`, '<pad>') : '<pad>',
    maskToken: '<mask>',
    modelMaxLength: DEFAULT_MODEL_MAX_LENGTH,
  };
}
