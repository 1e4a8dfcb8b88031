// One op's result against the reference's, element by element against the bounds of
// bounds.ts, and the report of what failed: the op, the shape and the worst element.
import { readTensorData } from '../../../src/tensor/gpu/device-tensor.js';
import type { Tensor } from '../../../src/tensor/tensor.js';

/** The element furthest outside (or closest to) its bound. */
export interface WorstElement {
  /** Its coordinates in the result, e.g. [row, column]. */
  readonly at: readonly number[];
  readonly actual: number;
  readonly expected: number;
  readonly bound: number;
}

/**
 * One op on one shape. Plain data, so a browser page can hand it back to the test.
 * `ratio` is the largest |actual − expected| / bound (Infinity for any difference where the
 * bound is 0, and for a NaN); `problem` says what went wrong before values could be compared.
 */
export interface OpCheck {
  readonly op: string;
  readonly shape: string;
  readonly ok: boolean;
  readonly ratio: number;
  readonly worst?: WorstElement;
  readonly problem?: string;
}

function coordinates(index: number, shape: readonly number[]): number[] {
  const at: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    at.unshift(index % shape[d]);
    index = Math.floor(index / shape[d]);
  }
  return at;
}

/** A check that could not compare values (a throw, a wrong shape, a changed input). */
export function problem(op: string, shape: string, what: string): OpCheck {
  return { op, shape, ok: false, ratio: Infinity, problem: what };
}

/** Compares `actual` (read back from the device if it lives there) with `expected` within `bounds`. */
export async function compare(
  op: string, shape: string, actual: Tensor | undefined, expected: Tensor, bounds: Float64Array | number,
): Promise<OpCheck> {
  if (!actual) return problem(op, shape, 'no result');
  if (actual.shape.join() !== expected.shape.join()) {
    return problem(op, shape, `result shape [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]`);
  }
  const values = await readTensorData(actual);
  let [ratio, worstError, worstIndex] = [0, 0, -1];
  for (let i = 0; i < expected.size; i++) {
    const bound = typeof bounds === 'number' ? bounds : bounds[i];
    const difference = Math.abs(values[i] - expected.data[i]);
    const error = Number.isNaN(difference) ? Infinity : difference;
    const r = error === 0 ? 0 : error / bound;
    // The largest ratio; among elements with a bound of 0 (ratio Infinity), the largest error.
    if (worstIndex < 0 || r > ratio || (r === ratio && error > worstError)) [ratio, worstError, worstIndex] = [r, error, i];
  }
  if (worstIndex < 0) return { op, shape, ok: true, ratio: 0 };
  const worst: WorstElement = {
    at: coordinates(worstIndex, expected.shape),
    actual: values[worstIndex],
    expected: expected.data[worstIndex],
    bound: typeof bounds === 'number' ? bounds : bounds[worstIndex],
  };
  return { op, shape, ok: ratio <= 1, ratio, worst };
}

/** The failed checks, one line each: op, shape, the worst element and its bound. */
export function describeFailures(results: readonly OpCheck[]): string[] {
  return results.filter((r) => !r.ok).map((r) => {
    if (r.problem) return `${r.op} (${r.shape}): ${r.problem}`;
    const w = r.worst!;
    const error = Math.abs(w.actual - w.expected);
    return `${r.op} (${r.shape}): element [${w.at.join(', ')}] is ${w.actual}, the reference ${w.expected} ` +
      `(error ${error.toExponential(2)} > bound ${w.bound.toExponential(2)})`;
  });
}

/**
 * The largest error/bound ratio per op (`linear`, `attention`, ... over all their variants),
 * to print how close a backend comes to its bounds.
 */
export function worstRatios(results: readonly OpCheck[]): Record<string, number> {
  const worst: Record<string, number> = {};
  for (const r of results) {
    const op = r.op.split(/[ :]/)[0];
    worst[op] = Math.max(worst[op] ?? 0, r.ratio);
  }
  return worst;
}
