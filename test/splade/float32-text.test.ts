// shortestFloat32 against the definition it shortens: the first of 1 to 9 significant digits
// whose decimal reads back as the same float32. Every float32 class is tried: random bit
// patterns (all exponents, subnormals included), powers of two and ten, the extremes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { shortestFloat32 } from '../../src/splade/float32-text.js';
import { mulberry32 } from '../../tools/random.js';

/** The definition: the fewest significant digits (1 to 9) that read back to the float32. */
function byDefinition(value: number): string {
  const target = Math.fround(value);
  if (!Number.isFinite(target)) return String(target);
  for (let digits = 1; digits <= 9; digits++) {
    const text = target.toPrecision(digits);
    if (Math.fround(Number(text)) === target) return String(Number(text));
  }
  throw new Error(`no 9-digit decimal reads back to ${target}`);
}

test('the text of the definition for 300,000 random float32 bit patterns, and each reads back exactly', () => {
  const random = mulberry32(7);
  const bits = new Uint32Array(1);
  const view = new Float32Array(bits.buffer);
  for (let i = 0; i < 300_000; i++) {
    bits[0] = Math.floor(random() * 2 ** 32);
    const value = view[0];
    const text = shortestFloat32(value);
    assert.is(text, byDefinition(value), `bits 0x${bits[0].toString(16)}`);
    if (Number.isFinite(value)) assert.ok(Object.is(Math.fround(Number(text)), value) || (value === 0 && Number(text) === 0), text);
  }
});

test('short decimals, powers, extremes, signed zero and non-finite values', () => {
  const values = [0, -0, 0.1, 0.5, 1, 2.5, 100, 1e-7, 3.4028234663852886e38, 1.1754943508222875e-38, 1.401298464324817e-45, -1.5, NaN, Infinity, -Infinity];
  for (let e = -45; e <= 38; e++) values.push(10 ** e, 2 ** Math.max(-149, Math.min(127, e * 3)));
  for (const value of values) assert.is(shortestFloat32(value), byDefinition(value), String(value));
  assert.is(shortestFloat32(0.1), '0.1');
  assert.is(shortestFloat32(Math.fround(0.3)), '0.3');
  assert.is(shortestFloat32(1 / 3), '0.33333334');
});

test.run();
