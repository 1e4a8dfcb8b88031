// The op-conformance harness (in the spirit of ggml's test-backend-ops): every op of the
// Backend interface, the optional ones included, on fixed awkward shapes and on seeded random
// ones, against the ReferenceBackend, within per-element bounds justified in bounds.ts. Any
// backend plugs in; it is runtime-neutral, so the browser tests run it from a page bundle:
//
//   const results = await checkConformance(backend);
//   assert.equal(describeFailures(results), []);
//
// A failure names the op, the shape and the worst element with its value, the reference's
// and the bound, e.g. `linear gelu (rows 7, in 33, out 65): element [3, 17] is 0.51, ...`.
import type { Backend } from '../../../src/tensor/backend.js';
import { FIXED_CASES, randomCases, type OpCase } from './cases.js';
import type { OpCheck } from './compare.js';
import { runCase } from './ops.js';

export { describeFailures, worstRatios, type OpCheck } from './compare.js';
export { FIXED_CASES, randomCases, type OpCase } from './cases.js';

/**
 * Ops whose numbers another suite checks against its own reference: compact (f16/int8) weights
 * are quantized, so the float32 reference is no bound for them; test/speed/compact-gemm.test.ts
 * checks their kernels exactly against a plain int8/f16 reference, test/splade/dtype.test.ts
 * the model's vectors against f32; copiesCompactWeights (a property, no op) is checked in
 * test/tensor/compact-feed-forward.test.ts.
 */
type CheckedElsewhere = 'prepareCompactLinear' | 'copiesCompactWeights';

/**
 * The cases that exercise each op of the Backend interface. `satisfies` makes this list
 * exhaustive: an op added to the interface fails the typecheck here until the harness runs it.
 */
export const OPS_EXERCISED = {
  prepareLinear: ['linear', 'feedForward', 'gatherLinearRows', 'spladePool'],
  linear: ['linear', 'feedForward'],
  feedForward: ['feedForward'],
  linearNorm: ['linear'],
  linears: ['linear'],
  activate: ['activate'],
  add: ['add'],
  layerNorm: ['layerNorm'],
  gather: ['gather'],
  gatherLinearRows: ['gatherLinearRows'],
  attention: ['attention'],
  selfAttention: ['attention'],
  spladePool: ['spladePool'],
  scope: ['linear', 'feedForward', 'activate', 'add', 'layerNorm', 'gather', 'gatherLinearRows', 'attention', 'spladePool'],
  // Every result is released after its comparison (ops.ts `check`), so later cases reuse them.
  release: ['linear', 'feedForward', 'activate', 'add', 'layerNorm', 'gather', 'gatherLinearRows', 'attention', 'spladePool'],
} as const satisfies Record<Exclude<keyof Backend, 'name' | 'info' | 'dispose' | CheckedElsewhere>, ReadonlyArray<OpCase['op']>>;

export interface ConformanceOptions {
  /** The fixed awkward shapes (default true). */
  readonly fixed?: boolean;
  /** Seed of the random shapes (default 11). */
  readonly seed?: number;
  /** Rounds of random shapes, one case per op each (default 3). */
  readonly rounds?: number;
  /** Only the cases of these ops (default all). */
  readonly ops?: ReadonlyArray<OpCase['op']>;
}

/** Every case on `backend`; one OpCheck per op variant and shape. */
export async function checkConformance(backend: Backend, options: ConformanceOptions = {}): Promise<OpCheck[]> {
  const seed = options.seed ?? 11;
  const cases = [...(options.fixed ?? true ? FIXED_CASES : []), ...randomCases(seed, options.rounds ?? 3)];
  const results: OpCheck[] = [];
  for (const [index, c] of cases.entries()) {
    if (options.ops && !options.ops.includes(c.op)) continue;
    // Each case draws its inputs from a seed of its own: it fails the same way when run alone.
    results.push(...(await runCase(backend, c, seed * 1000 + index)));
  }
  return results;
}
