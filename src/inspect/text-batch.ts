// Texts to one padded batch of token ids, as a Hugging Face tokenizer called with
// `padding=True` returns it: right padding with the pad token, mask 0 on padding.
import type { InputIdRows } from '../models/bert/input.js';
import type { TextTokenizer } from '../splade/encoder.js';

export function textBatch(tokenizer: TextTokenizer, texts: readonly string[], maxLength: number): Required<Pick<InputIdRows, 'input_ids' | 'attention_mask'>> {
  const ids = texts.map((text) => tokenizer.encode(text, { maxLength }).ids);
  const seq = Math.max(...ids.map((row) => row.length));
  return {
    input_ids: ids.map((row) => [...row, ...new Array<number>(seq - row.length).fill(tokenizer.padTokenId)]),
    attention_mask: ids.map((row) => row.map(() => 1).concat(new Array<number>(seq - row.length).fill(0))),
  };
}
