import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { geluExact } from '../../src/tensor/cpu/activations.js';
import { geluFast } from '../../src/tensor/gemm/gemm.js';

test('geluFast is the exact GELU within 2 float32 ulps (plus 1e-15) on [-12, 12]', () => {
  let worst = 0;
  for (let i = -120000; i <= 120000; i++) {
    const x = i / 10000;
    const reference = geluExact(x);
    const error = Math.abs(geluFast(x) - reference);
    // Far below zero the reference's 1 + erf cancels to ~1e-16 absolute: that is its precision there.
    const ulp = Math.abs(reference) * 2 ** -23 + 1e-15;
    worst = Math.max(worst, error / ulp);
  }
  assert.ok(worst <= 2, `worst error ${worst} ulps`);
});

test.run();
