import * as assert from 'uvu/assert';

/**
 * Asserts that `promise` rejects with an error that `expected` accepts (a RegExp tested on the
 * message, an error class, or a predicate) — uvu/assert has no async `rejects`.
 */
export async function rejects(
  promise: Promise<unknown>,
  expected: RegExp | (new (...args: never[]) => Error) | ((error: unknown) => boolean),
): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  if (error === undefined) assert.unreachable('expected a rejection, but the promise resolved');
  const message = error instanceof Error ? error.message : String(error);
  const ok = expected instanceof RegExp
    ? expected.test(message)
    : expected.prototype instanceof Error || expected === Error
      ? error instanceof (expected as new (...args: never[]) => Error)
      : (expected as (error: unknown) => boolean)(error);
  assert.ok(ok, `unexpected rejection: ${message}`);
}
