// Reading a vectors.jsonl line ({"id", "indices", "values"}, as `splade encode` writes it).
import type { SparseVector } from '../splade/sparse-vector.js';
import { roundedIdProblem } from '../splade/document-id.js';
import { ExportError, type ExportRecord } from './format.js';

function fail(where: string, message: string): never {
  throw new ExportError(`${where}: ${message}`);
}

/**
 * Parses and checks one line: a string or number "id", "indices" strictly increasing
 * non-negative integers, "values" numbers finite as float32, of the same count.
 */
export function parseVectorLine(line: string, where: string): ExportRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    fail(where, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'expected an object {"id", "indices", "values"}');
  const { id, indices, values } = value as Record<string, unknown>;
  if (typeof id !== 'string' && typeof id !== 'number') fail(where, '"id" must be a string or a number');
  const rounded = roundedIdProblem(id);
  if (rounded) fail(where, rounded);
  if (!Array.isArray(indices) || !Array.isArray(values)) fail(where, '"indices" and "values" must be arrays');
  if (indices.length !== values.length) fail(where, `${indices.length} indices but ${values.length} values`);
  const vector: SparseVector = { indices: new Uint32Array(indices.length), values: new Float32Array(values.length) };
  indices.forEach((index: unknown, k) => {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 0xffffffff) fail(where, `indices[${k}] = ${JSON.stringify(index)} is not a term id`);
    if (k > 0 && index <= vector.indices[k - 1]) fail(where, `indices must increase: indices[${k}] = ${index} after ${vector.indices[k - 1]}`);
    const weight = values[k] as unknown;
    // 1e999 parses to Infinity, which JSON.stringify would show as null.
    if (typeof weight !== 'number' || !Number.isFinite(weight)) fail(where, `values[${k}] = ${typeof weight === 'number' ? weight : JSON.stringify(weight)} is not a finite number`);
    // Weights are float32 (what every target stores): one past float32's range (3.4e38) would
    // become Infinity, which the JSON formats would write as the non-JSON word `Infinity` and
    // pgvector refuses ("infinite value not allowed in sparsevec", pgvector src/sparsevec.c).
    if (!Number.isFinite(Math.fround(weight))) fail(where, `values[${k}] = ${weight} is outside the float32 range`);
    vector.indices[k] = index;
    vector.values[k] = weight;
  });
  return { id, vector, where };
}

/**
 * Refuses a record with a term id at or past `vocabularySize` (the model's vocab_size): the
 * vector was not made by that model. Its indices increase, so the last one is the largest.
 */
export function checkTermIdsFit(record: ExportRecord, vocabularySize: number): void {
  const { indices } = record.vector;
  const last = indices.length > 0 ? indices[indices.length - 1] : -1;
  if (last >= vocabularySize) {
    fail(record.where, `term id ${last} is outside the model's vocabulary (vocab_size ${vocabularySize}): are these vectors from this model?`);
  }
}
