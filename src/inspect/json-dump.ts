// The JSON form of an inspection dump: input ids, mask and tokens as lists of rows, then each
// tensor with its shape and its values as nested lists (what `torch.tensor(...)` takes back).
import type { Tensor } from '../tensor/tensor.js';
import { float32ToString } from './numbers.js';
import type { NamedTensors } from './dump.js';

/** The dump's non-tensor fields. */
export interface DumpInputs {
  readonly inputIds: ArrayLike<number>;
  readonly attentionMask: ArrayLike<number>;
  readonly batch: number;
  readonly seq: number;
  /** Tokens per row, when a tokenizer was at hand. */
  readonly tokens?: readonly (readonly string[])[];
}

function rows(values: ArrayLike<number>, batch: number, seq: number): number[][] {
  return Array.from({ length: batch }, (_, b) => Array.from({ length: seq }, (_, t) => values[b * seq + t]));
}

/**
 * The tensor's values as nested JSON lists, float32 values in their shortest exact form, in
 * pieces of one innermost row (and the brackets between rows).
 */
function* nested(tensor: Tensor): Generator<string> {
  const { shape, data } = tensor;
  if (shape.length === 0) {
    yield float32ToString(data[0]);
    return;
  }
  function* walk(dim: number, offset: number, stride: number): Generator<string> {
    const inner = stride / shape[dim];
    if (dim === shape.length - 1) {
      yield `[${Array.from(data.subarray(offset, offset + shape[dim]), float32ToString).join(',')}]`;
      return;
    }
    yield '[';
    for (let i = 0; i < shape[dim]; i++) {
      if (i > 0) yield ',';
      yield* walk(dim + 1, offset + i * inner, inner);
    }
    yield ']';
  }
  yield* walk(0, 0, data.length);
}

/**
 * The JSON dump in pieces, none longer than one innermost tensor row: a dump can be far larger
 * than one JavaScript string holds (V8: 2^29 - 24 UTF-16 units, about 512 MiB of text), so
 * a file is written piece by piece (`splade inspect --out FILE.json`).
 */
export function* dumpToJsonPieces(inputs: DumpInputs, tensors: NamedTensors): Generator<string> {
  const { batch, seq } = inputs;
  yield `{"input_ids":${JSON.stringify(rows(inputs.inputIds, batch, seq))},\n`;
  yield `"attention_mask":${JSON.stringify(rows(inputs.attentionMask, batch, seq))},\n`;
  if (inputs.tokens) yield `"tokens":${JSON.stringify(inputs.tokens)},\n`;
  yield '"tensors":{\n';
  for (const [i, [name, tensor]] of tensors.entries()) {
    yield `${i > 0 ? ',\n' : ''}${JSON.stringify(name)}:{"shape":${JSON.stringify(tensor.shape)},"data":`;
    yield* nested(tensor);
    yield '}';
  }
  yield '\n}}\n';
}

/**
 * `{"input_ids": [[...]], "attention_mask": [[...]], "tokens": [[...]], "tensors": {name:
 * {"shape": [...], "data": [[...]]}}}`, tensors in the dump's order, as one string (for dumps
 * that fit one; dumpToJsonPieces for any size).
 */
export function dumpToJson(inputs: DumpInputs, tensors: NamedTensors): string {
  return [...dumpToJsonPieces(inputs, tensors)].join('');
}
