// Number text for the export formats. (The same shortest-float32 rule as src/inspect's
// float32ToString, repeated here so that src/export stays free of the inspect module.)

/** The shortest decimal that reads back to the same float32 (what vectors.jsonl holds). */
export function float32Text(value: number): string {
  const target = Math.fround(value);
  for (let digits = 1; digits < 9; digits++) {
    const text = target.toPrecision(digits);
    if (Math.fround(Number(text)) === target) return String(Number(text));
  }
  return String(Number(target.toPrecision(9)));
}

/**
 * Rounds half to even, as Python's round() does: Anserini's and Pyserini's SPLADE recipes
 * quantize with Python, so the same weights give the same integers here.
 */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
