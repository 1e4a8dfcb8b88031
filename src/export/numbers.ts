// Number text for the export formats: float32 weights as their shortest decimal (the one rule
// of src/splade/float32-text.ts), and Python's rounding for the integer impact formats.
export { shortestFloat32 as float32Text } from '../splade/float32-text.js';

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
