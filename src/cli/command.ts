import { SpladeError } from '../errors.js';

/**
 * A usage mistake on the command line (an unknown option, a bad or missing value): printed as
 * one line that points to the command's --help, exit code 2.
 */
export class UsageError extends SpladeError {}

/** One `splade <name>` subcommand (its one-line summary for `splade --help` is in main.ts). */
export interface Command {
  /** The full usage text for `splade <name> --help`. */
  readonly usage: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}
