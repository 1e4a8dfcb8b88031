/** The shortest decimal text that reads back as the same float32 (see src/splade/float32-text.ts). */
export { shortestFloat32 as float32ToString } from '../splade/float32-text.js';

/** Python's repr of a str, as the model card's printed bag of words shows tokens. */
export function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(quote === "'" ? /'/g : /"/g, `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}

/** Python's repr of round(x, 2): at most two decimals, no trailing zeros ("1.7", "2.32", "1.0"). */
export function pythonRound2Repr(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Number.isInteger(rounded) ? `${rounded}.0` : String(rounded);
}
