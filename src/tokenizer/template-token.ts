// A special token of a tokenizer.json's TemplateProcessing, read as Rust's `tokenizers` reads it:
// the template names it by its key in `special_tokens`, and that entry's `tokens` and `ids` are
// what the encoding gets, whatever id the vocabulary gives the same string.
import { TokenizerError } from './errors.js';
import { isObject, type JsonObject } from './tokenizer-json.js';

/**
 * The [token, id] that `special_tokens[name]` gives; `where` ("FILE: post_processor") starts the
 * error. Rust panics on a name missing from `special_tokens`; several ids (a template token that
 * expands to more than one) are not supported here: both are refused.
 */
export function templateToken(specials: JsonObject, name: string, where: string): [string, number] {
  const entry = specials[name];
  if (!isObject(entry) || !Array.isArray(entry.ids) || !Array.isArray(entry.tokens) || entry.ids.length !== 1 || entry.tokens.length !== 1) {
    throw new TokenizerError(`${where}: special token ${JSON.stringify(name)} must be in special_tokens with one id and one token`);
  }
  const [id] = entry.ids;
  const [token] = entry.tokens;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || typeof token !== 'string') throw new TokenizerError(`${where}: special token ${JSON.stringify(name)} has a bad id or token`);
  return [token, id];
}
