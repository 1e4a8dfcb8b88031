// Whether two paths name one file. Outputs are written to a temporary file renamed over the
// target, so an output that is one of the run's inputs would replace it: the CLI (usage
// errors) and the library functions that write files (their own errors) both ask this.
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SpladeError } from '../errors.js';

/** The file's stats, or undefined when it cannot be read (missing, no permission). */
export async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/**
 * Whether two paths name the same file: the same spelling once resolved (both may still be
 * missing, e.g. two outputs), or the same existing file by device and inode (so symbolic
 * links, hard links and `dir/../file` spellings count too).
 */
export async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  const [x, y] = await Promise.all([statOrUndefined(a), statOrUndefined(b)]);
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
}

/** An output path that names one of the files it is made from. */
export class OutputIsInputError extends SpladeError {}

/**
 * Throws OutputIsInputError, before anything is written, when `output` is one of `inputs`;
 * `describe` names the input in the message ("the checkpoint file X").
 */
export async function refuseOutputOverInput(output: string, inputs: readonly string[], describe: (input: string) => string): Promise<void> {
  for (const input of inputs) {
    if (await sameFile(output, input)) {
      throw new OutputIsInputError(`${output} is ${describe(input)}: the output would replace it; give another path to write`);
    }
  }
}
