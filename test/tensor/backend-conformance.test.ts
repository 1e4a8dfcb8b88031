import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AttentionOptions, TokenLayout } from '../../src/tensor/backend.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { checkBackendConformance } from './backend-conformance.js';

test('the conformance check passes a backend that computes like the reference', async () => {
  assert.equal(await checkBackendConformance(new ReferenceBackend()), []);
});

test('the conformance check catches a backend that ignores the padding mask', async () => {
  class MaskBlind extends ReferenceBackend {
    override attention(q: Tensor, k: Tensor, v: Tensor, tokens: TokenLayout, options: AttentionOptions) {
      return super.attention(q, k, v, { ...tokens, mask: new Uint8Array(tokens.mask.length).fill(1) }, options);
    }
  }
  const failures = await checkBackendConformance(new MaskBlind());
  assert.ok(failures.some((f) => f.startsWith('attention lengths [7, 3, 1]')), failures.join('\n'));
  assert.not.ok(failures.some((f) => f.startsWith('linear')));
});

test('the conformance check catches a tanh GELU posing as the exact one', async () => {
  class Approximate extends ReferenceBackend {
    override activate(x: Tensor, activation: Parameters<ReferenceBackend['activate']>[1]) {
      return super.activate(x, activation === 'gelu' ? 'gelu_tanh' : activation);
    }
  }
  const failures = await checkBackendConformance(new Approximate());
  assert.equal(failures, [failures.find((f) => f.startsWith('activate gelu:'))]);
});

test.run();
