// The line each vector of a JSON-lines file came from, for a message that names an earlier
// one ("line 17: id "d3" repeats line 4's"). A vector's line is its number plus the blank lines
// skipped before it, which changes only at blank lines: only those places are kept, so memory
// grows with the runs of blank lines, not with the vectors.

/** Vector number (from 0, in the order read) to line number. */
export class VectorLineNumbers {
  private count = 0;
  /** From vector firstVectors[k] on (until the next entry), line = vector + offsets[k]. */
  private readonly firstVectors: number[] = [];
  private readonly offsets: number[] = [];

  /** Records that the next vector was read from `line` (lines ascend). */
  push(line: number): void {
    const offset = line - this.count;
    if (this.offsets.length === 0 || this.offsets[this.offsets.length - 1] !== offset) {
      this.firstVectors.push(this.count);
      this.offsets.push(offset);
    }
    this.count++;
  }

  /** The line vector `vector` was read from (one pushed before). */
  lineOf(vector: number): number {
    if (!(vector >= 0 && vector < this.count)) throw new RangeError(`vector ${vector} is not among the ${this.count} read`);
    // The last entry that starts at or before `vector`.
    let low = 0;
    let high = this.firstVectors.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.firstVectors[middle] <= vector) low = middle;
      else high = middle - 1;
    }
    return vector + this.offsets[low];
  }
}
