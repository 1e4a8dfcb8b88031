// Rust's BertNormalizer strips accents by applying NFD to the whole text, and NFD puts each run
// of combining marks in canonical order: a stable sort by canonical combining class (ccc). Our
// normalizer decomposes one code point at a time, which gives the same text unless a run is out
// of order, as in "a" + U+0308 (ccc 230) + U+1D165 (ccc 216). For those runs this file does
// what Rust does, alignments included: Rust's NormalizedString gives the n-th character that
// starts a decomposition the alignment of the n-th character before NFD, whichever that was
// before sorting, so a mark that moves takes another character's place in the original text.
import { inRanges, type Ranges } from './unicode.js';

/**
 * Combining marks (ccc > 0 today) that Rust's NFD tables (`unicode-normalization-alignments`,
 * Unicode 9.0) do not know: ccc 0 to Rust, so they end a run instead of being sorted into it.
 * test/tokenizer/canonical-order.test.ts checks every code point against the Rust binding; when
 * a newer Node's Unicode adds combining marks it fails and prints this table with them added
 * (marks the engine's NFD sorts and Rust's does not), to paste here. Entries the running
 * engine does not know yet are harmless: it does not sort them either.
 */
export const COMBINING_SINCE_RUST_TABLES: Ranges = [
  0x7fd, 0x7fd, 0x897, 0x89f, 0x8ca, 0x8d3, 0x9fe, 0x9fe, 0xc3c, 0xc3c, 0xd3b, 0xd3c, 0xeba, 0xeba,
  0x1715, 0x1715, 0x1abf, 0x1add, 0x1ae0, 0x1aeb, 0x1df6, 0x1dfa, 0xa82c, 0xa82c, 0x10d24, 0x10d27,
  0x10d69, 0x10d6d, 0x10eab, 0x10eac, 0x10efa, 0x10efb, 0x10efd, 0x10eff, 0x10f46, 0x10f50,
  0x10f82, 0x10f85, 0x11070, 0x11070, 0x1133b, 0x1133b, 0x113ce, 0x113d0, 0x1145e, 0x1145e,
  0x11839, 0x1183a, 0x1193d, 0x1193e, 0x11943, 0x11943, 0x119e0, 0x119e0, 0x11a34, 0x11a34,
  0x11a47, 0x11a47, 0x11a99, 0x11a99, 0x11d42, 0x11d42, 0x11d44, 0x11d45, 0x11d97, 0x11d97,
  0x11f41, 0x11f42, 0x1612f, 0x1612f, 0x16ff0, 0x16ff1, 0x1e08f, 0x1e08f, 0x1e130, 0x1e136,
  0x1e2ae, 0x1e2ae, 0x1e2ec, 0x1e2ef, 0x1e4ec, 0x1e4ef, 0x1e5ee, 0x1e5ef, 0x1e6e3, 0x1e6e3,
  0x1e6e6, 0x1e6e6, 0x1e6ee, 0x1e6ef, 0x1e6f5, 0x1e6f5,
];

const MARK = /^\p{M}$/u;

/**
 * Whether `a` goes after `b` in canonical order (ccc(a) > ccc(b) > 0), both fully decomposed.
 * JavaScript has no ccc lookup, but its NFD sorts by ccc, so a swapped pair answers. ccc values
 * never change once assigned, so the engine's newer Unicode agrees with Rust's tables on every
 * mark those know.
 */
export function combiningClassAbove(a: number, b: number): boolean {
  const first = String.fromCodePoint(a);
  const second = String.fromCodePoint(b);
  return (first + second).normalize('NFD') === second + first;
}

/**
 * Whether Rust's NFD sorts `cp` (a fully decomposed code point) with the marks around it:
 * ccc > 0 in its Unicode 9.0 tables. Every such character is a mark (\p{M}); U+0334 (ccc 1) and
 * U+0301 (ccc 230) tell the others from ccc 0.
 */
export function hasCombiningClass(cp: number): boolean {
  if (cp < 0x300 || !MARK.test(String.fromCodePoint(cp)) || inRanges(COMBINING_SINCE_RUST_TABLES, cp)) return false;
  return combiningClassAbove(cp, 0x334) || combiningClassAbove(0x301, cp);
}

/** A character of the text before NFD, and where in the original text it came from. */
export interface SourcedChar {
  cp: number;
  /** UTF-16 index in the original text of the code point it came from. */
  source: number;
}

/**
 * What Rust's NFD makes of `chars` (each already decomposed by `decompose`): the decompositions
 * in a row, each run of combining marks sorted by ccc (stable), and each character's source as
 * Rust's alignments give it (see the top of this file).
 */
export function decomposeInCanonicalOrder(chars: readonly SourcedChar[], decompose: (cp: number) => string): SourcedChar[] {
  // Each decomposed character, and whether it starts its decomposition (Rust's change 0).
  const out: Array<{ cp: number; starts: boolean }> = [];
  for (const { cp } of chars) {
    let first = true;
    for (const ch of decompose(cp)) {
      out.push({ cp: ch.codePointAt(0)!, starts: first });
      first = false;
    }
  }
  sortCombiningRuns(out);
  // Rust walks the characters before NFD: one is consumed by each character that starts a
  // decomposition; the others share the alignment of the last one consumed.
  let consumed = 0;
  return out.map(({ cp, starts }) => {
    if (starts) consumed++;
    return { cp, source: chars[Math.max(consumed - 1, 0)].source };
  });
}

/** Sorts each run of characters with a combining class by it, in place, keeping equal ones in order. */
function sortCombiningRuns<T extends { cp: number }>(items: T[]): void {
  for (let start = 0; start < items.length; ) {
    if (!hasCombiningClass(items[start].cp)) {
      start++;
      continue;
    }
    let end = start + 1;
    while (end < items.length && hasCombiningClass(items[end].cp)) end++;
    if (end - start > 1) {
      // Array.prototype.sort is stable.
      const run = items.slice(start, end).sort((x, y) => (combiningClassAbove(x.cp, y.cp) ? 1 : combiningClassAbove(y.cp, x.cp) ? -1 : 0));
      items.splice(start, run.length, ...run);
    }
    start = end;
  }
}
