// The JSON-lines form of sparse vectors that `splade encode` writes and `splade index` /
// `splade search --query-vectors` read: {"id": ..., "indices": [...], "values": [...]}.
import { SpladeError } from '../errors.js';
import { idText, roundedIdProblem } from '../splade/document-id.js';
import type { SparseVector } from '../splade/sparse-vector.js';

/** A line that is not a vector: the message names the source and line. */
export class VectorLineError extends SpladeError {}

/** One parsed line. Numeric ids become their decimal text (ids are strings in an index). */
export interface VectorLine {
  readonly id: string;
  readonly vector: SparseVector;
}

/**
 * Parses one line. Term ids must be non-negative integers (any order is not accepted: they
 * must ascend, as `splade encode` writes them), values finite float32 numbers, a numeric id
 * within ±2^53 (past it JSON has rounded its digits); `where` names the line.
 * @throws VectorLineError
 */
export function parseVectorLine(line: string, where: string): VectorLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new VectorLineError(`${where}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new VectorLineError(`${where}: expected an object {"id", "indices", "values"}`);
  const record = value as Record<string, unknown>;
  const id = record.id;
  if (typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id))) throw new VectorLineError(`${where}: "id" must be a string or a number`);
  const rounded = roundedIdProblem(id);
  if (rounded) throw new VectorLineError(`${where}: ${rounded}`);
  const { indices, values } = record;
  if (!Array.isArray(indices) || !Array.isArray(values)) throw new VectorLineError(`${where}: "indices" and "values" must be arrays`);
  if (indices.length !== values.length) throw new VectorLineError(`${where}: ${indices.length} indices but ${values.length} values`);
  const out = { indices: new Uint32Array(indices.length), values: new Float32Array(values.length) };
  for (let k = 0; k < indices.length; k++) {
    const term: unknown = indices[k];
    if (typeof term !== 'number' || !Number.isInteger(term) || term < 0 || term > 0xffffffff) throw new VectorLineError(`${where}: indices[${k}] = ${JSON.stringify(term)} is not a term id`);
    if (k > 0 && term <= out.indices[k - 1]) throw new VectorLineError(`${where}: indices must ascend (indices[${k - 1}] = ${out.indices[k - 1]}, indices[${k}] = ${term})`);
    const weight: unknown = values[k];
    if (typeof weight !== 'number') throw new VectorLineError(`${where}: values[${k}] = ${JSON.stringify(weight)} is not a number`);
    // 1e999 parses to Infinity; 1e39 is finite but becomes Infinity as the float32 it is kept as.
    if (!Number.isFinite(weight)) throw new VectorLineError(`${where}: values[${k}] = ${weight} is not a finite number`);
    if (!Number.isFinite(Math.fround(weight))) throw new VectorLineError(`${where}: values[${k}] = ${weight} is outside the float32 range`);
    out.indices[k] = term;
    out.values[k] = weight;
  }
  return { id: idText(id), vector: out };
}
