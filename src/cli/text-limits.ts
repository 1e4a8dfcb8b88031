// How long a text may be, and what a user should hear about texts that are not encoded as
// given: empty ones (no tokens at all) and ones cut to the length limit. Said once per run on
// stderr, with counts, so standard output stays clean JSON lines.
import { UsageError } from './command.js';

/** What the checks need of a tokenizer (every `Tokenizer` of src/tokenizer has it). */
export interface LimitTokenizer {
  encode(text: string, options?: { maxLength?: number }): { ids: readonly number[]; tokens?: readonly string[] };
  readonly modelMaxLength: number;
}

/** The tokenizer that encodes the texts, and the model's position table size. */
export interface TextLimits {
  readonly tokenizer: LimitTokenizer;
  readonly maxPositions: number;
}

/**
 * The length texts are cut to: `--max-length` when given (a usage error beyond the model's
 * position table, which the encoder would refuse), else `fallback` (the encoder's
 * defaultMaxLength) or the model's limit, as the encoder does.
 */
export function effectiveMaxLength(given: number | undefined, limits: TextLimits, fallback?: number): number {
  const { maxPositions, tokenizer } = limits;
  if (given === undefined) return fallback ?? Math.min(tokenizer.modelMaxLength, maxPositions);
  if (given > maxPositions) {
    throw new UsageError(`--max-length must be a whole number from 2 to ${maxPositions} (the model's max_position_embeddings), got '${given}'`);
  }
  return given;
}

/** How many of `texts` have no tokens, and how many are longer than the length limit. */
export interface TextTally {
  readonly texts: number;
  readonly empty: number;
  readonly truncated: number;
}

/**
 * The stderr lines (without a trailing newline) about `texts` cut to `maxLength` tokens (the
 * special tokens the tokenizer wraps a text in included: [CLS] and [SEP], or <s> and </s>):
 * how many have no tokens, how many are truncated. None when all are fine.
 */
export function textNotices(tokenizer: LimitTokenizer, texts: readonly string[], maxLength: number): string[] {
  // What an empty text tokenizes to: the special tokens alone (named where the tokenizer says).
  const specials = tokenizer.encode('');
  let empty = 0;
  let truncated = 0;
  for (const text of texts) {
    // One token more than the limit tells a truncated text from one that fits, without
    // tokenizing all of a long text.
    const length = tokenizer.encode(text, { maxLength: maxLength + 1 }).ids.length;
    if (length <= specials.ids.length) empty++;
    else if (length > maxLength) truncated++;
  }
  return tallyNotices({ texts: texts.length, empty, truncated }, maxLength, specials);
}

/**
 * The lines of textNotices from counts made elsewhere (a corpus run counts window by window,
 * in worker processes); `specials` is what an empty text tokenizes to.
 */
export function tallyNotices(tally: TextTally, maxLength: number, specials: { ids: readonly number[]; tokens?: readonly string[] }): string[] {
  const { texts, empty, truncated } = tally;
  const notices: string[] = [];
  const single = texts === 1;
  if (empty > 0) {
    notices.push(single
      ? 'splade: the text has no tokens (it is empty or whitespace only)'
      : `splade: ${empty} of ${texts} texts ${empty === 1 ? 'has' : 'have'} no tokens (empty or whitespace only)`);
  }
  if (truncated > 0) {
    const where = `to ${maxLength} tokens${specialsIncluded(specials)}`;
    notices.push(single
      ? `splade: the text was truncated ${where}`
      : `splade: ${truncated} of ${texts} texts ${truncated === 1 ? 'was' : 'were'} truncated ${where}`);
  }
  return notices;
}

/** " ([CLS] and [SEP] included)", " (<s> and </s> included)", or as much as is known. */
function specialsIncluded(specials: { ids: readonly number[]; tokens?: readonly string[] }): string {
  if (specials.ids.length === 0) return '';
  return specials.tokens ? ` (${specials.tokens.join(' and ')} included)` : ' (the special tokens included)';
}
