// Embedding lookup: copies the table rows that the ids name.

/** out[k] = table[ids[k]] for rows of `features` values. Ids are checked by the caller. */
export function gatherRows(out: Float32Array, table: Float32Array, ids: Int32Array, features: number): void {
  for (let k = 0; k < ids.length; k++) {
    const from = ids[k] * features;
    out.set(table.subarray(from, from + features), k * features);
  }
}
