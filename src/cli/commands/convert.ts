// splade convert SRC --out FILE.safetensors
import { convertToSafetensors } from '../../node/convert.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { cleanUpWhenInterrupted } from '../interrupted.js';
import { checkOutputPath } from '../output-path.js';

const usage = `usage: splade convert SRC --out FILE.safetensors [--quiet]

Converts a PyTorch checkpoint to safetensors, reading the pickle without running it.
SRC is a torch.save file (pytorch_model.bin), a shard index (pytorch_model.bin.index.json)
or a model folder holding either. The output has the same tensor names, dtypes and values;
tied tensors (one storage under two names, e.g. the MLM decoder and the word embeddings) are
written once, as Hugging Face's conversion does; __metadata__ is {"format": "pt"} plus the
dropped names. The file is written to a temporary name and renamed when complete.
Interrupted (Ctrl-C, SIGTERM), it removes its temporary file and exits with status 130
(SIGTERM: 143); FILE is left as it was.

options:
  --out FILE   the safetensors file to write (required)
  --quiet      print nothing on success`;

export const command: Command = {
  usage,
  async run(args) {
    const { positionals, values } = parseCommandArgs(args, { out: { type: 'string' }, quiet: { type: 'boolean' } }, true);
    if (positionals.length !== 1) throw new UsageError(`expected one SRC, got ${positionals.length}`);
    if (!values.out) throw new UsageError('--out FILE.safetensors is required');
    // A checkpoint's files are .bin and .json: an output named .safetensors never replaces them.
    if (!values.out.endsWith('.safetensors')) throw new UsageError(`--out must name a .safetensors file, got '${values.out}'`);
    await checkOutputPath({ flag: '--out', path: values.out }, [{ flag: 'SRC', path: positionals[0] }]);
    // Stopped by Ctrl-C or kill, the run leaves no checkpoint-sized temporary file behind.
    cleanUpWhenInterrupted(values.out);
    const result = await convertToSafetensors(positionals[0], values.out);
    if (!values.quiet) {
      const tied = [...result.dropped].map(([dropped, kept]) => `\n  ${dropped} -> ${kept} (tied, written once)`).join('');
      process.stdout.write(`wrote ${result.out}: ${result.tensorCount} tensors${tied}\n`);
    }
    return 0;
  },
};
