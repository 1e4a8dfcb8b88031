// Vectors' weights as text: the shortest decimal that reads back as the same float32 (0.1f as
// "0.1", not as the double 0.10000000149011612), for every file and answer that writes them
// (vectors.jsonl, the export formats, inspect's dumps, the server's JSON).

/** The smallest normal float32, 2^-126. */
const MIN_NORMAL_FLOAT32 = 2 ** -126;

/**
 * The shortest decimal that reads back to `value` as a float32; "NaN", "Infinity" and
 * "-Infinity" as String() writes them.
 */
export function shortestFloat32(value: number): string {
  const target = Math.fround(value);
  if (!Number.isFinite(target)) return String(target);
  // A decimal that reads back to a normal float32 lies within 2^-24 of it, relative, and the
  // grid of 6-digit decimals is at least 10^-6 apart, relative: so a decimal of up to 6 digits
  // that reads back to it is also its 6-digit rounding, and trying 6 digits first gives the
  // same text as trying 1 to 6, in one call instead of up to six (most weights need 7 to 9
  // digits). Subnormals are coarser than that and zero has no digits: for them, from 1.
  // test/splade/float32-text.test.ts checks it against the definition.
  const first = Math.abs(target) >= MIN_NORMAL_FLOAT32 ? 6 : 1;
  for (let digits = first; digits < 9; digits++) {
    const text = target.toPrecision(digits);
    if (Math.fround(Number(text)) === target) return String(Number(text));
  }
  return String(Number(target.toPrecision(9)));
}
