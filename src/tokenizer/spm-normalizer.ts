// The normalizers of SentencePiece tokenizer.json files (XLM-RoBERTa and its kin): Precompiled
// (sentencepiece's compiled rules), Replace (" {2,}" → " "), Strip, alone or in a Sequence,
// as transformers' converters write them. Anything else is refused, naming the file and the
// normalizer, rather than normalized differently from Rust.
import { TokenizerError } from './errors.js';
import type { NormalizedString } from './normalized-string.js';
import { PrecompiledCharsmap } from './precompiled.js';
import { field, isObject, type Json } from './tokenizer-json.js';

/** One normalizer of the sequence. */
export type SpmNormalizerStep =
  | { type: 'Precompiled'; charsmap: PrecompiledCharsmap }
  | { type: 'Replace'; pattern: RegExp; content: string }
  | { type: 'Strip'; left: boolean; right: boolean };

/**
 * The regexes accepted in Replace: literal characters, the last one optionally repeated
 * ({n,}, {n,m} with n ≥ 1, or +), on which Rust's Oniguruma and JavaScript agree, and which
 * cannot match empty text.
 */
const SIMPLE_REGEX = /^[^\\^$.|?*+()[\]{}]+(\{[1-9]\d*(,\d*)?\}|\+)?$/;

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

function parseReplace(value: { [key: string]: Json }, where: string): SpmNormalizerStep {
  const pattern = value.pattern;
  const content = value.content;
  if (typeof content !== 'string') throw new TokenizerError(`${where}.content must be a string`);
  if (isObject(pattern) && typeof pattern.String === 'string' && pattern.String !== '') {
    return { type: 'Replace', pattern: new RegExp(escapeRegex(pattern.String), 'gu'), content };
  }
  if (isObject(pattern) && typeof pattern.Regex === 'string' && SIMPLE_REGEX.test(pattern.Regex)) {
    return { type: 'Replace', pattern: new RegExp(pattern.Regex, 'gu'), content };
  }
  throw new TokenizerError(
    `${where}.pattern ${JSON.stringify(pattern ?? null)} is not supported (a non-empty String, or a Regex of literal characters whose last may be repeated, such as " {2,}")`,
  );
}

function parseStep(value: Json, where: string, steps: SpmNormalizerStep[]): void {
  if (!isObject(value)) throw new TokenizerError(`${where} must be an object with a 'type'`);
  switch (value.type) {
    case 'Sequence':
      if (!Array.isArray(value.normalizers)) throw new TokenizerError(`${where}.normalizers must be an array`);
      value.normalizers.forEach((inner, i) => parseStep(inner, `${where}.normalizers[${i}]`, steps));
      return;
    case 'Precompiled':
      if (typeof value.precompiled_charsmap !== 'string') throw new TokenizerError(`${where}.precompiled_charsmap must be a base64 string`);
      steps.push({ type: 'Precompiled', charsmap: new PrecompiledCharsmap(value.precompiled_charsmap, `${where}.precompiled_charsmap`) });
      return;
    case 'Replace':
      steps.push(parseReplace(value, where));
      return;
    case 'Strip':
      steps.push({ type: 'Strip', left: field(value, 'strip_left', 'boolean', where, true), right: field(value, 'strip_right', 'boolean', where, true) });
      return;
    default:
      throw new TokenizerError(`${where}: type ${JSON.stringify(value.type ?? null)} is not supported (Precompiled, Replace, Strip or a Sequence of them)`);
  }
}

/** tokenizer.json's `normalizer` of a SentencePiece tokenizer; null or absent gives no step. */
export function parseSpmNormalizer(value: Json | undefined, source: string): SpmNormalizerStep[] {
  const steps: SpmNormalizerStep[] = [];
  if (value !== undefined && value !== null) parseStep(value, `${source}: normalizer`, steps);
  return steps;
}

/** Applies the steps in order, as Rust's Sequence normalizer does. */
export function applySpmNormalizer(steps: readonly SpmNormalizerStep[], normalized: NormalizedString): void {
  for (const step of steps) {
    if (step.type === 'Precompiled') {
      step.charsmap.normalize(normalized);
    } else if (step.type === 'Strip') {
      normalized.strip(step.left, step.right);
    } else {
      const matches: Array<[number, number]> = [];
      for (const match of normalized.text.matchAll(step.pattern)) matches.push([match.index ?? 0, (match.index ?? 0) + match[0].length]);
      normalized.replace(matches, step.content);
    }
  }
}
