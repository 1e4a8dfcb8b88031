// The model's input: token ids in rows of equal length, with the attention mask and token
// type ids, checked before any kernel runs so bad input is a clear error, never a crash deep
// inside a kernel or a huge allocation.
import { SpladeError } from '../../errors.js';
import type { BertConfig } from './config.js';

/**
 * Input that the model cannot take (ragged rows, an id outside the vocabulary, too long), or
 * an option of SpladeEncoder that is unknown or of the wrong kind.
 */
export class InputError extends SpladeError {}

/**
 * Rows of token ids as Hugging Face tokenizers return them (and as the CLI's `--input-ids`
 * file holds them). `attention_mask` defaults to all ones, `token_type_ids` to all zeros.
 */
export interface InputIdRows {
  readonly input_ids: readonly (readonly number[])[];
  readonly attention_mask?: readonly (readonly number[])[];
  readonly token_type_ids?: readonly (readonly number[])[];
}

/** A checked batch, flattened row-major: element [b, t] is at b * seq + t. */
export interface BertInput {
  readonly batch: number;
  readonly seq: number;
  readonly inputIds: Int32Array;
  /** 1 for a real token, 0 for padding. */
  readonly attentionMask: Uint8Array;
  readonly tokenTypeIds: Int32Array;
}

/** The sizes from config.json that bound the input. */
export type InputLimits = Pick<BertConfig, 'vocab_size' | 'max_position_embeddings' | 'type_vocab_size'>;

/**
 * Checks and flattens rows of ids (which may come straight from parsed JSON).
 * @param source names the input in errors (a file name, "input")
 * @throws InputError naming the field, row and position at fault
 */
export function bertInputFromRows(rows: unknown, limits: InputLimits, source = 'input'): BertInput {
  if (typeof rows !== 'object' || rows === null || Array.isArray(rows)) {
    throw new InputError(`${source}: expected an object with "input_ids" (and optionally "attention_mask", "token_type_ids")`);
  }
  const record = rows as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!['input_ids', 'attention_mask', 'token_type_ids'].includes(key)) {
      throw new InputError(`${source}: unknown field "${key}" (expected input_ids, attention_mask, token_type_ids)`);
    }
  }
  const ids = record.input_ids;
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new InputError(`${source}: "input_ids" must be a non-empty list of rows`);
  }
  const first = ids[0];
  if (!Array.isArray(first) || first.length === 0) {
    throw new InputError(`${source}: input_ids row 0 must be a non-empty list of token ids`);
  }
  const batch = ids.length;
  const seq = first.length;
  if (seq > limits.max_position_embeddings) {
    throw new InputError(
      `${source}: sequences of ${seq} tokens are longer than the model's position table (max_position_embeddings = ${limits.max_position_embeddings})`,
    );
  }
  const field = (name: string, value: unknown, upper: number, fallback: number, what: string): Int32Array => {
    const out = new Int32Array(batch * seq);
    if (value === undefined || value === null) return out.fill(fallback);
    if (!Array.isArray(value) || value.length !== batch) {
      throw new InputError(`${source}: "${name}" must be a list of ${batch} rows, like input_ids`);
    }
    for (let b = 0; b < batch; b++) {
      const row: unknown = value[b];
      if (!Array.isArray(row) || row.length !== seq) {
        const length = Array.isArray(row) ? `${row.length} values` : 'not a list';
        throw new InputError(`${source}: ${name} row ${b} has ${length}; every row must have ${seq} (rows must be padded to the same length)`);
      }
      for (let t = 0; t < seq; t++) {
        const v: unknown = row[t];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= upper) {
          throw new InputError(`${source}: ${name}[${b}][${t}] = ${JSON.stringify(v)} is not ${what}`);
        }
        out[b * seq + t] = v;
      }
    }
    return out;
  };
  const inputIds = field('input_ids', ids, limits.vocab_size, 0, `a token id of the vocabulary (0 to ${limits.vocab_size - 1})`);
  const mask = field('attention_mask', record.attention_mask, 2, 1, '0 or 1');
  const tokenTypeIds = field('token_type_ids', record.token_type_ids, limits.type_vocab_size, 0, `a token type (0 to ${limits.type_vocab_size - 1})`);
  return { batch, seq, inputIds, attentionMask: Uint8Array.from(mask), tokenTypeIds };
}

/**
 * Checks a batch built elsewhere (by the tokenizer, by hand) against the config, so that no
 * kernel ever sees an id outside a table.
 * @throws InputError naming the position at fault
 */
export function checkBertInput(input: BertInput, limits: InputLimits): void {
  const { batch, seq } = input;
  if (!Number.isInteger(batch) || !Number.isInteger(seq) || batch < 1 || seq < 1) {
    throw new InputError(`input: batch (${batch}) and sequence length (${seq}) must be positive integers`);
  }
  if (seq > limits.max_position_embeddings) {
    throw new InputError(
      `input: sequences of ${seq} tokens are longer than the model's position table (max_position_embeddings = ${limits.max_position_embeddings})`,
    );
  }
  const count = batch * seq;
  for (const [name, array] of [['input_ids', input.inputIds], ['attention_mask', input.attentionMask], ['token_type_ids', input.tokenTypeIds]] as const) {
    if (array.length !== count) throw new InputError(`input: ${name} has ${array.length} values, expected ${batch} x ${seq}`);
  }
  const check = (name: string, array: ArrayLike<number>, upper: number): void => {
    for (let i = 0; i < count; i++) {
      if (!(array[i] >= 0 && array[i] < upper)) {
        throw new InputError(`input: ${name}[${Math.floor(i / seq)}][${i % seq}] = ${array[i]} is outside [0, ${upper})`);
      }
    }
  };
  check('input_ids', input.inputIds, limits.vocab_size);
  check('attention_mask', input.attentionMask, 2);
  check('token_type_ids', input.tokenTypeIds, limits.type_vocab_size);
}
