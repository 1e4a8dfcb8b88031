// Which end of a text a truncated encoding keeps. transformers reads it from
// tokenizer_config.json's truncation_side ("right", its default, keeps the start; "left" keeps
// the end) and hands it to the fast tokenizer as Rust's truncation direction on every call, so
// a tokenizer.json's own "truncation" block never counts there, and splade-ts reads only this.
import { TokenizerError } from './errors.js';
import type { JsonObject } from './tokenizer-json.js';

/** 'right' drops tokens from the end of the text (keeps its start), 'left' from its start. */
export type TruncationSide = 'right' | 'left';

/** Both sides, for the checks of an option that names one. */
export const TRUNCATION_SIDES: readonly TruncationSide[] = ['right', 'left'];

/**
 * A tokenizer_config.json's truncation_side, undefined when absent (or null, as transformers
 * saves an unset one).
 * @throws TokenizerError naming `source` and the field when it is neither "left" nor "right"
 */
export function readTruncationSide(json: JsonObject, source: string): TruncationSide | undefined {
  const value = json.truncation_side;
  if (value === undefined || value === null) return undefined;
  if (value === 'right' || value === 'left') return value;
  throw new TokenizerError(`${source}: field 'truncation_side' must be "right" or "left", got ${JSON.stringify(value)}`);
}

/**
 * An encode option's truncation side (JavaScript callers can pass anything).
 * @throws TokenizerError when it is neither 'right' nor 'left'
 */
export function checkTruncationSide(value: unknown): TruncationSide | undefined {
  if (value === undefined || value === 'right' || value === 'left') return value;
  throw new TokenizerError(`truncationSide must be 'right' or 'left', not ${JSON.stringify(value)}`);
}
