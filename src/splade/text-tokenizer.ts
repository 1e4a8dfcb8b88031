// What the encoder needs of a tokenizer, in a file of its own so that the encoder's helpers
// (encode-texts.ts, query-routes.ts) can name it without importing the encoder.

import type { TruncationSide } from '../tokenizer/index.js';

/** What the encoder needs of a tokenizer (every `Tokenizer` of src/tokenizer has it). */
export interface TextTokenizer {
  /**
   * `truncationSide` 'right' is asked with every maxLength, so that a tokenizer with another
   * default (a folder's truncation_side "left") stops reading there; one without the option
   * truncates on the right anyway.
   */
  encode(text: string, options?: { maxLength?: number; addSpecialTokens?: boolean; truncationSide?: 'right' }): { ids: number[] };
  idToToken(id: number): string | undefined;
  readonly modelMaxLength: number;
  readonly padTokenId: number;
  /**
   * The end a long text is cut on by default (tokenizer_config.json's truncation_side; every
   * `Tokenizer` of src/tokenizer has it): absent, 'right'.
   */
  readonly truncationSide?: TruncationSide;
}
