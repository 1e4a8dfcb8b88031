// Rust's NFD (accent stripping) sorts runs of combining marks by canonical combining class with
// its own Unicode 9.0 tables: which marks it sorts must agree with ours for every code point,
// and a run out of order must come out as Rust's does, offsets included.
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COMBINING_SINCE_RUST_TABLES, combiningClassAbove, hasCombiningClass } from '../../src/tokenizer/canonical-order.js';
import { inRanges } from '../../src/tokenizer/unicode.js';
import { BertTokenizer } from '../../src/tokenizer/index.js';
import { bertTokenizerJson } from '../../tools/bert-tokenizer-json.js';
import { rustEncode, rustTokenizerFromJson } from './reference.js';

const require = createRequire(import.meta.url);
const { nfdNormalizer } = require('tokenizers') as { nfdNormalizer(): { normalizeString(text: string): string } };

function hex(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Every mark (\p{M}) that decomposition leaves whole: the characters NFD may sort as they are
 * (no character outside \p{M} has a combining class, in any Unicode version).
 */
function wholeMarks(): number[] {
  const cps: number[] = [];
  for (let cp = 0x300; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    if (/\p{M}/u.test(ch) && ch.normalize('NFD') === ch) cps.push(cp);
  }
  return cps;
}

/**
 * For each code point m of `cps`, whether Rust's NFD swaps m with `other` in "a" + m + other
 * (`before` false) or "a" + other + m (`before` true): one call for all of them.
 */
function rustSwaps(cps: number[], other: string, before: boolean): boolean[] {
  const pair = (m: string): string => (before ? `a${other}${m}` : `a${m}${other}`);
  const normalized = nfdNormalizer().normalizeString(cps.map((cp) => pair(String.fromCodePoint(cp))).join(''));
  const swaps: boolean[] = [];
  let at = 0;
  for (const cp of cps) {
    const m = String.fromCodePoint(cp);
    const kept = pair(m);
    swaps.push(normalized.slice(at, at + kept.length) !== kept);
    at += kept.length;
  }
  return swaps;
}

test('the marks Rust\'s NFD sorts are those hasCombiningClass names, for every mark', () => {
  const cps = wholeMarks();
  // Rust sorts a mark of ccc > 1 before U+0334 (ccc 1), one of ccc 1 to 229 before U+0301 (230).
  const beforeLow = rustSwaps(cps, '\u0334', false);
  const beforeAcute = rustSwaps(cps, '\u0301', true);
  const wrong: string[] = [];
  const sinceRust: number[] = [];
  cps.forEach((cp, k) => {
    const sorted = beforeLow[k] || beforeAcute[k];
    if (sorted !== hasCombiningClass(cp)) wrong.push(`${hex(cp)}: Rust ${sorted ? 'sorts' : 'does not sort'} it`);
    const engineSorts = combiningClassAbove(cp, 0x334) || combiningClassAbove(0x301, cp);
    if (!sorted && engineSorts && !inRanges(COMBINING_SINCE_RUST_TABLES, cp)) sinceRust.push(cp);
  });
  assert.ok(cps.length > 2000, `${cps.length} marks`);
  const regenerated = `COMBINING_SINCE_RUST_TABLES with this Node's new marks: [${rangesOf(withRanges(sinceRust, COMBINING_SINCE_RUST_TABLES))}]`;
  assert.equal(wrong.slice(0, 20), [], `${wrong.length} code points differ; ${regenerated}`);
});

/** `cps` and every code point of `ranges`, ascending. */
function withRanges(cps: readonly number[], ranges: readonly number[]): number[] {
  const all = [...cps];
  for (let k = 0; k < ranges.length; k += 2) for (let cp = ranges[k]; cp <= ranges[k + 1]; cp++) all.push(cp);
  return all.sort((a, b) => a - b);
}

/** `cps` (ascending) as canonical-order.ts writes its ranges: first, last, first, last, ... in hex. */
function rangesOf(cps: readonly number[]): string {
  const bounds: number[] = [];
  for (const cp of cps) {
    if (bounds.length > 0 && bounds[bounds.length - 1] === cp - 1) bounds[bounds.length - 1] = cp;
    else bounds.push(cp, cp);
  }
  return bounds.map((cp) => `0x${cp.toString(16)}`).join(', ');
}

test('combiningClassAbove is the canonical order', () => {
  assert.ok(combiningClassAbove(0x301, 0x323)); // 230 > 220
  assert.not.ok(combiningClassAbove(0x323, 0x301));
  assert.not.ok(combiningClassAbove(0x301, 0x300)); // both 230
  assert.ok(combiningClassAbove(0x308, 0x1d165)); // 230 > 216
});

test('runs out of order, in every tokenizer setting that strips accents, give Rust\'s tokens and offsets', async () => {
  const marks = ['\u0301', '\u0323', '\u0334', '\u0345', '\u05ae', '\u0f71', '\u0f72', '\u0f73', '\u1abf', '\u302e', '\u{1d165}', '\u{1d16d}', '\u200b', 'É', 'ǘ'];
  const texts: string[] = [];
  for (const a of marks) for (const b of marks) texts.push(`x${a}${b} y${b}${a}\u0f73`, `${a}\u{1d165}${b}\u0323`);
  for (const options of [{}, { lowercase: false, stripAccents: true }, { stripAccents: true, handleChineseChars: false }]) {
    const json = bertTokenizerJson(undefined, options);
    const ours = BertTokenizer.fromTokenizerJson(json);
    const rust = rustTokenizerFromJson(json);
    for (const text of texts) {
      const expected = await rustEncode(rust, text);
      const got = ours.encode(text);
      assert.equal([got.tokens, got.offsets], [expected.tokens, expected.offsets], `${JSON.stringify(options)} ${JSON.stringify(text)}`);
    }
  }
});

test.run();
