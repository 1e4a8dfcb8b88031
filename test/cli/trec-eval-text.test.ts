// trec_eval's number format: printf's "%6.4f", whose halfway cases go to the even neighbour.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fourDecimals } from '../../src/cli/trec-eval-text.js';

test('halfway values go to the even neighbour, as C\'s printf("%.4f") (and Python\'s "%.4f") print them', () => {
  // printf("%.4f %.4f %.4f", 1/32., 3/32., 5/32.) prints these; toFixed gives 0.0313 and 0.1563.
  assert.equal([1 / 32, 3 / 32, 5 / 32].map(fourDecimals), ['0.0312', '0.0938', '0.1562']);
});

test('every multiple of 1/32 from 0 to 20, against exact integer rounding', () => {
  for (let k = 0; k <= 640; k++) {
    // k/32 * 10000 = k * 625 / 2: an integer, or exactly halfway between two.
    const twice = k * 625;
    const below = Math.floor(twice / 2);
    const n = twice % 2 === 0 ? below : below % 2 === 0 ? below : below + 1;
    const expected = `${Math.floor(n / 10000)}.${String(n % 10000).padStart(4, '0')}`;
    assert.is(fourDecimals(k / 32), expected, `${k}/32`);
  }
});

test('values that are not halfway print as toFixed(4) prints them', () => {
  for (const value of [0, 1, 0.00625, 1 / 3, 2 / 3, 0.99995, 0.123449999, 0.5, 0.25, 1 / 7]) {
    assert.is(fourDecimals(value), value.toFixed(4), String(value));
  }
});

test.run();
