// Long documents: a model sees at most `maxLength` tokens, [CLS] and [SEP] included. With
// overflow 'truncate' a text keeps its first maxLength - 2 word pieces (its last with truncation
// 'left', as transformers cuts a folder whose truncation_side is "left"); with 'chunk' its word
// pieces are cut into windows of maxLength - 2 pieces that overlap by `stride` (step
// maxLength - 2 - stride; windows start at 0, step, 2·step, ... and the last is the first that
// reaches the text's end, so it may be shorter), each wrapped in [CLS] ... [SEP], and the
// text's vector is the element-wise max over its windows' vectors, whatever the truncation side.
import { InputError } from '../models/bert/input.js';
import type { TruncationSide } from '../tokenizer/index.js';
import type { SparseVector } from './sparse-vector.js';

/** What to do with texts longer than the model takes. */
export type Overflow = 'truncate' | 'chunk';

/** The rows to run: each a window of one text, [CLS] and [SEP] included. */
export interface TextWindows {
  readonly rows: number[][];
  /** The text each row belongs to (rows of a text are consecutive, in order). */
  readonly owner: number[];
  /** How many texts lost word pieces (truncate) or were cut into several windows (chunk). */
  readonly overflowed: number;
}

/**
 * The start of every window over `pieces` word pieces: 0, step, 2·step, ... up to the first
 * window that reaches the end.
 */
export function windowStarts(pieces: number, window: number, stride: number): number[] {
  const step = window - stride;
  const starts = [0];
  while (starts[starts.length - 1] + window < pieces) starts.push(starts[starts.length - 1] + step);
  return starts;
}

/**
 * Cuts texts (their word pieces, without special tokens) into the rows a model runs.
 * @throws InputError when the stride leaves no step (stride >= maxLength - 2) or is not a non-negative integer
 */
export function textWindows(
  pieces: readonly (readonly number[])[],
  options: { maxLength: number; overflow: Overflow; truncation?: TruncationSide; stride: number; clsId: number; sepId: number },
): TextWindows {
  const { maxLength, overflow, truncation, stride, clsId, sepId } = options;
  const window = maxLength - 2;
  if (!Number.isInteger(stride) || stride < 0) throw new InputError(`stride must be a non-negative integer, got ${stride}`);
  if (overflow === 'chunk' && stride >= window) {
    throw new InputError(`stride (${stride}) must be below maxLength - 2 (${window}): windows of ${window} word pieces need a step of at least 1`);
  }
  const rows: number[][] = [];
  const owner: number[] = [];
  let overflowed = 0;
  pieces.forEach((ids, text) => {
    if (ids.length > window) overflowed++;
    const starts = overflow === 'chunk' ? windowStarts(ids.length, window, stride) : [truncation === 'left' ? Math.max(0, ids.length - window) : 0];
    for (const start of starts) {
      rows.push([clsId, ...ids.slice(start, start + window), sepId]);
      owner.push(text);
    }
  });
  return { rows, owner, overflowed };
}

/** The element-wise max of sparse vectors (the vector of a text from its windows' vectors). */
export function maxOfVectors(vectors: readonly SparseVector[]): SparseVector {
  if (vectors.length === 1) return vectors[0];
  const best = new Map<number, number>();
  for (const { indices, values } of vectors) {
    for (let k = 0; k < indices.length; k++) {
      const previous = best.get(indices[k]);
      if (previous === undefined || values[k] > previous) best.set(indices[k], values[k]);
    }
  }
  const ids = [...best.keys()].sort((a, b) => a - b);
  return { indices: Uint32Array.from(ids), values: Float32Array.from(ids, (id) => best.get(id)!) };
}
