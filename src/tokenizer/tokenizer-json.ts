// Reading the JSON of Hugging Face's tokenizer files (tokenizer.json, tokenizer_config.json,
// special_tokens_map.json), shared by the WordPiece and BPE settings: every field of the wrong
// type is a TokenizerError naming the file and the field.
import type { AddedToken } from './added-tokens.js';
import { TokenizerError } from './errors.js';

/** A parsed JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A parsed JSON object. */
export type JsonObject = { [key: string]: Json };

/** Whether a JSON value is an object (not null, not an array). */
export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a file's text, which must be a JSON object; `source` names the file in errors. */
export function parseJson(text: string, source: string): JsonObject {
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch (error) {
    throw new TokenizerError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw new TokenizerError(`${source} is not a JSON object`);
  return parsed;
}

/** A field of the expected type, or `fallback` when absent or null; another type is an error naming `source` and the key. */
export function field<T extends Json>(object: JsonObject, key: string, kind: 'string' | 'number' | 'boolean', source: string, fallback: T): T {
  const value = object[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== kind) throw new TokenizerError(`${source}: '${key}' must be a ${kind}, not ${JSON.stringify(value)}`);
  return value as T;
}

/** transformers' VERY_LARGE_INTEGER and the like mean "no limit given". */
export const UNSET_MAX_LENGTH = 1e15;

/** A maximum length from the files or the options: an integer of at least 2. */
export function checkMaxLength(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 2) throw new TokenizerError(`${what} must be an integer of at least 2, not ${value}`);
  return value;
}

/** The added_tokens array of a tokenizer.json. */
export function parseAddedTokens(value: Json | undefined, source: string): AddedToken[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new TokenizerError(`${source}: added_tokens must be an array`);
  return value.map((entry, index) => {
    const where = `${source} added_tokens[${index}]`;
    if (!isObject(entry)) throw new TokenizerError(`${where} is not an object`);
    const id = field(entry, 'id', 'number', where, -1);
    const content = field(entry, 'content', 'string', where, '');
    if (!Number.isInteger(id) || id < 0 || content === '') throw new TokenizerError(`${where} needs an 'id' and a non-empty 'content'`);
    const special = field(entry, 'special', 'boolean', where, false);
    return {
      id,
      content,
      singleWord: field(entry, 'single_word', 'boolean', where, false),
      lstrip: field(entry, 'lstrip', 'boolean', where, false),
      rstrip: field(entry, 'rstrip', 'boolean', where, false),
      normalized: field(entry, 'normalized', 'boolean', where, !special),
      special,
    };
  });
}

/** A special token in tokenizer_config.json / special_tokens_map.json: a string or {content}. */
export function tokenContent(value: Json | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value.content === 'string') return value.content;
  return undefined;
}
