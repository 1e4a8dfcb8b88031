// One line of vectors.jsonl: {"id", "indices", "values"}, the floats written as the shortest
// decimal that reads back to the same float32 (the format `splade encode` prints).
import { float32ToString } from '../../inspect/numbers.js';
import type { SparseVector } from '../../splade/sparse-vector.js';

/** The JSON line (with its "\n") of a document's vector. */
export function vectorLine(id: string | number, vector: SparseVector): string {
  const values = Array.from(vector.values, float32ToString).join(',');
  return `{"id":${JSON.stringify(id)},"indices":[${Array.from(vector.indices).join(',')}],"values":[${values}]}\n`;
}
