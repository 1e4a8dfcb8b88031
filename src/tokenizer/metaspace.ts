// The Metaspace pre-tokenizer and decoder of SentencePiece tokenizers, as Rust tokenizers has
// them: spaces become "▁", a "▁" is put before the text (prepend_scheme), and the text is cut
// before each "▁" (split); decoding turns "▁" back into spaces.
import { TokenizerError } from './errors.js';
import { codePoints, type NormalizedString } from './normalized-string.js';
import { field, isObject, type Json } from './tokenizer-json.js';

/** Metaspace's settings, from tokenizer.json's pre_tokenizer or decoder. */
export interface MetaspaceSettings {
  /** The character that stands for a space, "▁" (one code point). */
  replacement: string;
  /** always: "▁" before every stretch of text; first: only before the one at the start of the text; never. */
  prependScheme: 'always' | 'first' | 'never';
  /** Cut the text before each replacement character. */
  split: boolean;
}

/**
 * A Metaspace object of tokenizer.json, read as Rust reads it: prepend_scheme defaults to
 * "always", an older file's add_prefix_space false means "never" (and must not contradict a
 * prepend_scheme), split defaults to true.
 */
export function parseMetaspace(value: Json | undefined, where: string): MetaspaceSettings {
  if (!isObject(value) || value.type !== 'Metaspace') {
    throw new TokenizerError(`${where} ${JSON.stringify(isObject(value) ? value.type ?? null : value ?? null)} is not supported (only Metaspace)`);
  }
  const replacement = field(value, 'replacement', 'string', where, '▁');
  if (codePoints(replacement).length !== 1) throw new TokenizerError(`${where}.replacement must be one character, not ${JSON.stringify(replacement)}`);
  const scheme = field<string>(value, 'prepend_scheme', 'string', where, 'always');
  if (scheme !== 'always' && scheme !== 'first' && scheme !== 'never') {
    throw new TokenizerError(`${where}.prepend_scheme ${JSON.stringify(scheme)} is not supported (always, first or never)`);
  }
  let prependScheme: MetaspaceSettings['prependScheme'] = scheme;
  if (field<boolean | null>(value, 'add_prefix_space', 'boolean', where, null) === false) {
    if (prependScheme !== 'never') throw new TokenizerError(`${where}: add_prefix_space false does not match prepend_scheme ${JSON.stringify(scheme)}`);
    prependScheme = 'never';
  }
  return { replacement, prependScheme, split: field(value, 'split', 'boolean', where, true) };
}

/** Rust's split(char, MergedWithNext): [start, end) pieces, each replacement starting one. */
function mergedWithNext(text: string, replacement: string): Array<[number, number]> {
  const events: Array<[number, number, boolean]> = [];
  let last = 0;
  for (let i = text.indexOf(replacement); i >= 0; i = text.indexOf(replacement, i + replacement.length)) {
    if (last < i) events.push([last, i, false]);
    events.push([i, i + replacement.length, true]);
    last = i + replacement.length;
  }
  if (last < text.length) events.push([last, text.length, false]);
  const pieces: Array<[number, number]> = [];
  let previousMatch = false;
  for (let k = events.length - 1; k >= 0; k--) {
    const [start, end, isMatch] = events[k];
    if (isMatch && !previousMatch && pieces.length > 0) pieces[pieces.length - 1][0] = start;
    else pieces.push([start, end]);
    previousMatch = isMatch;
  }
  return pieces.reverse();
}

/** Pre-tokenizes one stretch of normalized text into the words the model tokenizes. */
export function metaspaceWords(normalized: NormalizedString, settings: MetaspaceSettings): NormalizedString[] {
  const { replacement } = settings;
  const spaces: Array<[number, number]> = [];
  for (let i = normalized.text.indexOf(' '); i >= 0; i = normalized.text.indexOf(' ', i + 1)) spaces.push([i, i + 1]);
  normalized.replace(spaces, replacement);
  const prepend = settings.prependScheme === 'always' || (settings.prependScheme === 'first' && normalized.originalShift === 0);
  if (prepend && !normalized.text.startsWith(replacement)) normalized.prepend(replacement);
  if (!settings.split) return normalized.isEmpty ? [] : [normalized];
  return mergedWithNext(normalized.text, replacement).map(([start, end]) => normalized.slice(start, end));
}

/** Rust's Metaspace decoder: the replacement becomes a space, except in the first token unless prepend_scheme is never. */
export function decodeMetaspace(tokens: readonly string[], settings: MetaspaceSettings): string {
  return tokens
    .map((token, i) => (i === 0 && settings.prependScheme !== 'never' ? token.replaceAll(settings.replacement, '') : token.replaceAll(settings.replacement, ' ')))
    .join('');
}
