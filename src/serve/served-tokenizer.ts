// The model's tokenizer as /tokenize and /decode use it: the encoder's (its document model's),
// which must give what every tokenizer of src/tokenizer gives, tokens, offsets, the special
// tokens mask and decode; an encoder made with a tokenizer of its own may lack them.
import type { SpladeEncoder, TextTokenizer } from '../splade/encoder.js';
import { TokenizerError } from '../tokenizer/errors.js';
import type { Encoding, Tokenizer } from '../tokenizer/tokenizer.js';
import { HttpError } from './http-error.js';

/** What /tokenize and /decode need of a tokenizer. */
export type ServedTokenizer = Pick<Tokenizer, 'encode' | 'decode'>;

/** The encoder's tokenizer, or a 424 saying why it cannot answer /tokenize and /decode. */
export function servedTokenizer(encoder: SpladeEncoder): ServedTokenizer {
  const tokenizer = encoder.tokenizer;
  if (!tokenizer) throw new HttpError('the model folder has no tokenizer files, so /tokenize and /decode cannot be answered', 'Backend');
  if (!hasDecode(tokenizer)) throw new HttpError("the encoder's tokenizer has no decode(), so /tokenize and /decode cannot be answered", 'Backend');
  return tokenizer;
}

/** Whether a tokenizer decodes, as every tokenizer of src/tokenizer does; one given to the encoder may not. */
function hasDecode(tokenizer: TextTokenizer): tokenizer is TextTokenizer & ServedTokenizer {
  return typeof (tokenizer as { decode?: unknown }).decode === 'function';
}

/** `encoding` when it has tokens, offsets and the special tokens mask, else a 424. */
export function fullEncoding(encoding: Encoding): Encoding {
  const { ids, tokens, offsets, specialTokensMask } = encoding as Partial<Encoding>;
  const inStep = (field: unknown): boolean => Array.isArray(field) && field.length === ids?.length;
  if (!inStep(tokens) || !inStep(offsets) || !inStep(specialTokensMask)) {
    throw new HttpError("the encoder's tokenizer gives no tokens, offsets and specialTokensMask, so /tokenize cannot be answered", 'Backend');
  }
  return encoding;
}

/** `work`'s result, a TokenizerError as TEI's Tokenizer error (422). */
export function tokenizing<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof TokenizerError) throw new HttpError(error.message, 'Tokenizer');
    throw error;
  }
}
