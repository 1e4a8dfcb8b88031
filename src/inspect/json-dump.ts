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

/** The tensor's values as nested JSON lists, float32 values in their shortest exact form. */
function nested(tensor: Tensor): string {
  const { shape, data } = tensor;
  if (shape.length === 0) return float32ToString(data[0]);
  const parts: string[] = [];
  // One string per innermost row keeps the number of pieces small for large tensors.
  const walk = (dim: number, offset: number, stride: number): void => {
    const inner = stride / shape[dim];
    if (dim === shape.length - 1) {
      parts.push(`[${Array.from(data.subarray(offset, offset + shape[dim]), float32ToString).join(',')}]`);
      return;
    }
    parts.push('[');
    for (let i = 0; i < shape[dim]; i++) {
      if (i > 0) parts.push(',');
      walk(dim + 1, offset + i * inner, inner);
    }
    parts.push(']');
  };
  walk(0, 0, data.length);
  return parts.join('');
}

/**
 * `{"input_ids": [[...]], "attention_mask": [[...]], "tokens": [[...]], "tensors": {name:
 * {"shape": [...], "data": [[...]]}}}`, tensors in the dump's order.
 */
export function dumpToJson(inputs: DumpInputs, tensors: NamedTensors): string {
  const { batch, seq } = inputs;
  const lines = [
    `{"input_ids":${JSON.stringify(rows(inputs.inputIds, batch, seq))},`,
    `"attention_mask":${JSON.stringify(rows(inputs.attentionMask, batch, seq))},`,
    ...(inputs.tokens ? [`"tokens":${JSON.stringify(inputs.tokens)},`] : []),
    '"tensors":{',
    tensors.map(([name, tensor]) => `${JSON.stringify(name)}:{"shape":${JSON.stringify(tensor.shape)},"data":${nested(tensor)}}`).join(',\n'),
    '}}\n',
  ];
  return lines.join('\n');
}
