// What the encoder needs of a tokenizer, in a file of its own so that the encoder's helpers
// (encode-texts.ts, query-routes.ts) can name it without importing the encoder.

/** What the encoder needs of a tokenizer (every `Tokenizer` of src/tokenizer has it). */
export interface TextTokenizer {
  encode(text: string, options?: { maxLength?: number; addSpecialTokens?: boolean }): { ids: number[] };
  idToToken(id: number): string | undefined;
  readonly modelMaxLength: number;
  readonly padTokenId: number;
}
