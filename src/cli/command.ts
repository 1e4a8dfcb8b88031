import { SpladeError } from '../errors.js';

/** A usage mistake on the command line: printed with the command's usage, exit code 2. */
export class UsageError extends SpladeError {}

/** One `splade <name>` subcommand. */
export interface Command {
  /** One line for `splade --help`. */
  readonly summary: string;
  /** The full usage text for `splade <name> --help`. */
  readonly usage: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}
