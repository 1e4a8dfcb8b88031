// Texts through a masked language model: tokenized, cut to the model's length (truncated or
// in overlapping windows, see windows.ts), sorted by length and batched so that little work
// goes into padding, and each text's vector merged from its windows'.
import { InputError, bertInputFromRows, type BertInput, type InputIdRows } from '../models/bert/input.js';
import type { ModelSizes } from '../models/masked-lm.js';
import type { TruncationSide } from '../tokenizer/index.js';
import type { TextTokenizer } from './text-tokenizer.js';
import type { SparseVector } from './sparse-vector.js';
import { maxOfVectors, textWindows, type Overflow } from './windows.js';

export interface EncodeTextsOptions {
  readonly maxLength: number;
  readonly batchSize: number;
  readonly overflow: Overflow;
  /** Which end of a text overflow 'truncate' cuts ('left' keeps the end). */
  readonly truncation: TruncationSide;
  readonly stride: number;
}

export interface EncodedTexts {
  readonly vectors: SparseVector[];
  /** Texts longer than maxLength: truncated ones, or ones cut into several windows. */
  readonly overflowed: number;
  /** Rows the model ran (one per text when truncating). */
  readonly windows: number;
}

/**
 * SPLADE vectors of texts, in input order.
 * @param run the model on one checked batch: one vector per row
 * @throws InputError when a token id is outside the model's vocabulary or the stride does not fit
 */
export async function encodeTexts(
  texts: readonly string[],
  tokenizer: TextTokenizer,
  sizes: ModelSizes,
  run: (input: BertInput) => Promise<SparseVector[]>,
  options: EncodeTextsOptions,
): Promise<EncodedTexts> {
  // The empty text tokenizes to exactly the tokens the tokenizer wraps every text in.
  const [clsId, sepId] = tokenizer.encode('').ids;
  // Truncating on the right keeps maxLength - 2 word pieces, and one more says the text was
  // longer: the tokenizers stop there instead of tokenizing the rest (a 2 MB text: ~600 ms ->
  // ~1 ms). On the left the kept pieces are the last ones, known only once all are read.
  const limit = options.overflow === 'truncate' && options.truncation === 'right' ? { maxLength: options.maxLength - 1, truncationSide: 'right' as const } : {};
  const pieces = texts.map((text) => tokenizer.encode(text, { addSpecialTokens: false, ...limit }).ids);
  pieces.forEach((row, i) => {
    const outside = row.find((id) => id >= sizes.vocab_size);
    if (outside !== undefined) {
      throw new InputError(
        `text ${i}: token '${tokenizer.idToToken(outside)}' has id ${outside}, outside the model's vocabulary (vocab_size = ${sizes.vocab_size}): the tokenizer files do not match the model`,
      );
    }
  });
  const { rows, owner, overflowed } = textWindows(pieces, { ...options, clsId, sepId });
  const order = rows.map((_, i) => i).sort((a, b) => rows[a].length - rows[b].length || a - b);
  const rowVectors = new Array<SparseVector>(rows.length);
  for (let start = 0; start < order.length; start += options.batchSize) {
    const members = order.slice(start, start + options.batchSize);
    const input = padBatch(members.map((i) => rows[i]), tokenizer.padTokenId);
    const vectors = await run(bertInputFromRows(input, sizes));
    members.forEach((i, k) => (rowVectors[i] = vectors[k]));
  }
  const byText: SparseVector[][] = texts.map(() => []);
  rowVectors.forEach((vector, row) => byText[owner[row]].push(vector));
  return { vectors: byText.map(maxOfVectors), overflowed, windows: rows.length };
}

/** Rows of ids padded on the right to the longest, with the attention mask. */
function padBatch(rows: readonly number[][], padId: number): InputIdRows {
  const seq = Math.max(...rows.map((row) => row.length));
  return {
    input_ids: rows.map((row) => [...row, ...new Array<number>(seq - row.length).fill(padId)]),
    attention_mask: rows.map((row) => [...new Array<number>(row.length).fill(1), ...new Array<number>(seq - row.length).fill(0)]),
  };
}
