// RoBERTa's position ids, as transformers' create_position_ids_from_input_ids makes them: a
// token's position is pad_token_id + its rank among the row's non-padding tokens (1-based),
// and a padding token's is pad_token_id itself. With padding on the right that is
// pad + 1 .. pad + n, then pad. They are read from the ids, not the attention mask, as
// transformers does: a padding id inside a row takes the padding position too.
import type { PositionIds } from '../bert/embeddings.js';
import type { BertInput } from '../bert/input.js';

/** RoBERTa's position ids for padding id `padId`. */
export function robertaPositionIds(padId: number): PositionIds {
  return (input: BertInput): Int32Array => {
    const ids = new Int32Array(input.batch * input.seq);
    for (let b = 0; b < input.batch; b++) {
      let rank = 0;
      for (let t = 0; t < input.seq; t++) {
        const i = b * input.seq + t;
        if (input.inputIds[i] === padId) ids[i] = padId;
        else ids[i] = padId + ++rank;
      }
    }
    return ids;
  };
}
