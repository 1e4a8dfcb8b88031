// splade convert SRC --out FILE.safetensors
import { parseArgs } from 'node:util';
import { convertToSafetensors } from '../../node/convert.js';
import { UsageError, type Command } from '../command.js';

const usage = `usage: splade convert SRC --out FILE.safetensors

Converts a PyTorch checkpoint to safetensors, reading the pickle without running it.
SRC is a torch.save file (pytorch_model.bin), a shard index (pytorch_model.bin.index.json)
or a model folder holding either. The output has the same tensor names, dtypes and values;
tied tensors (one storage under two names, e.g. the MLM decoder and the word embeddings) are
written once, as Hugging Face's conversion does; __metadata__ is {"format": "pt"} plus the
dropped names. The file is written to a temporary name and renamed when complete.

options:
  --out FILE   the safetensors file to write (required)
  --quiet      print nothing on success`;

export const command: Command = {
  summary: 'convert a PyTorch pytorch_model.bin (or shards, or a folder) to safetensors',
  usage,
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { out: { type: 'string' }, quiet: { type: 'boolean' } } });
    } catch (error) {
      throw new UsageError(`convert: ${(error as Error).message}\n${usage}`);
    }
    const { positionals, values } = parsed;
    if (positionals.length !== 1) throw new UsageError(`convert: expected one SRC, got ${positionals.length}\n${usage}`);
    if (!values.out) throw new UsageError(`convert: --out FILE.safetensors is required\n${usage}`);
    const result = await convertToSafetensors(positionals[0], values.out);
    if (!values.quiet) {
      const tied = [...result.dropped].map(([dropped, kept]) => `\n  ${dropped} -> ${kept} (tied, written once)`).join('');
      process.stdout.write(`wrote ${result.out}: ${result.tensorCount} tensors${tied}\n`);
    }
    return 0;
  },
};
