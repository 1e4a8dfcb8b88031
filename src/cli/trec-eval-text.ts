// trec_eval's text output, which `splade eval` copies: its line layout and its printf
// rounding, so that the command's lines can be compared with trec_eval's byte for byte.

/** trec_eval's layout ("%-22s\t%s\t%s"): tabs keep a long query id apart from its value. */
export function textLine(name: string, qid: string, value: string): string {
  return `${name.padEnd(22)}\t${qid}\t${value}`;
}

/**
 * A value with 4 decimals as trec_eval's printf ("%6.4f") writes it. Both round the exact
 * binary value, but a value exactly halfway between two 4-decimal numbers goes to the even one
 * in C and up in `toFixed` (1/32: "0.0312" and "0.0313"). The halfway doubles are exactly the
 * odd multiples of 1/32 (x = (2n + 1) / 20000 is a binary fraction only when 625 divides
 * 2n + 1), where x * 10000 is exact.
 */
export function fourDecimals(value: number): string {
  const scaled = value * 32;
  if (!Number.isInteger(scaled) || Math.abs(scaled) % 2 !== 1) return value.toFixed(4);
  const below = Math.floor(value * 10000);
  const even = below % 2 === 0 ? below : below + 1;
  return (even / 10000).toFixed(4);
}
