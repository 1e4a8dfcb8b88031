/**
 * Base class of every error splade-ts throws on purpose: bad input, a malformed file, a
 * missing tensor. The CLI prints such an error's message alone (no stack trace unless
 * `--debug`); anything else reaching the CLI is a bug in splade-ts.
 */
export class SpladeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
