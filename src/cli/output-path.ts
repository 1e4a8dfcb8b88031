// Checks an output file flag before the run starts. Outputs are written to a temp file that is
// then renamed over the target, so an output that names one of the run's inputs would silently
// replace it (the user's corpus or checkpoint gone, exit 0), and an output that names a device
// or a pipe (/dev/null, /dev/stdout) would replace that node instead of writing into it.
import { dirname } from 'node:path';
import { sameFile, statOrUndefined } from '../node/same-file.js';
import { UsageError } from './command.js';

/** A path given on the command line, with the flag that gave it (for messages). */
export interface FlagPath {
  readonly flag: string;
  readonly path: string;
}

/**
 * Throws a UsageError when writing `output` would replace one of `inputs` (undefined entries
 * and `-`, standard input, are skipped) or something that is not a regular file, or when the
 * folder it goes in is missing.
 */
export async function checkOutputPath(output: FlagPath, inputs: readonly (FlagPath | undefined)[]): Promise<void> {
  for (const input of inputs) {
    if (input === undefined || input.path === '-') continue;
    if (await sameFile(output.path, input.path)) {
      throw new UsageError(`${output.flag} ${output.path} is the ${input.flag} file: the output would replace it; give another ${output.flag}`);
    }
  }
  await checkOutputFolder(output);
  const existing = await statOrUndefined(output.path);
  if (existing?.isDirectory()) throw new UsageError(`${output.flag} ${output.path} is a folder; give a file name`);
  if (existing !== undefined && !existing.isFile()) {
    throw new UsageError(
      `${output.flag} ${output.path} is not a regular file (a device, pipe or socket): the output is written to a temporary file and renamed over it, which would replace it`,
    );
  }
}

/**
 * The folder the output goes in must be there: `splade encode --output` reads the whole corpus
 * and loads the model before it opens its file, and a typo in the folder would only show then.
 */
async function checkOutputFolder(output: FlagPath): Promise<void> {
  const folder = dirname(output.path);
  const stats = await statOrUndefined(folder);
  if (stats === undefined) throw new UsageError(`${output.flag} ${output.path}: the folder ${folder} does not exist; create it first`);
  if (!stats.isDirectory()) throw new UsageError(`${output.flag} ${output.path}: ${folder} is not a folder`);
}

/**
 * Throws a UsageError when `output` is an existing file directly inside the model folder
 * `model` (a model given as a repository id, or not a folder, is skipped): the model is read
 * from that folder, and its config, tokenizer or weights must not be replaced by an output.
 */
export async function checkOutputOutsideModel(output: FlagPath, model: FlagPath): Promise<void> {
  const folder = await statOrUndefined(model.path);
  if (!folder?.isDirectory() || (await statOrUndefined(output.path)) === undefined) return;
  if (await sameFile(dirname(output.path), model.path)) {
    throw new UsageError(`${output.flag} ${output.path} is a file of the ${model.flag} folder: the output would replace it; give another ${output.flag}`);
  }
}
