// `splade fetch REPO_ID`: download what a model needs from the Hugging Face hub.
import { fetchModel } from '../../node/hub/fetch-model.js';
import { silentProgress, streamProgress } from '../../node/hub/progress.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';

const usage = `usage: splade fetch REPO_ID [--revision REV] [--out DIR] [--quiet]

Downloads from the Hugging Face hub what the model REPO_ID (owner/name) needs and nothing
else: config.json, the tokenizer files and one weights format (model.safetensors, sharded
safetensors, pytorch_model.bin or sharded bins, in that preference). Every weights file is
checked against the sha256 the hub publishes; an interrupted download resumes where it
stopped when run again. A pickle-only checkpoint is converted once to model.safetensors.

options:
  --revision REV   branch, tag or commit (default main)
  --out DIR        target folder (default weights/<owner>/<name>)
  --quiet          no progress on stderr

environment:
  HF_ENDPOINT      the hub (default https://huggingface.co), e.g. a mirror
  HF_TOKEN         access token for gated or private repositories`;

export const command: Command = {
  usage,
  async run(args) {
    const parsed = parseCommandArgs(args, { revision: { type: 'string' }, out: { type: 'string' }, quiet: { type: 'boolean' } }, true);
    const [repo, ...extra] = parsed.positionals;
    if (repo === undefined || extra.length > 0) throw new UsageError(`expected one REPO_ID (owner/name), got ${parsed.positionals.length}`);
    const progress = parsed.values.quiet ? silentProgress : streamProgress(process.stderr);
    const result = await fetchModel(repo, { revision: parsed.values.revision, outDir: parsed.values.out, progress });
    const fetched = result.files.filter((f) => f.outcome === 'downloaded').length;
    process.stdout.write(
      `${result.dir}\n`,
    );
    process.stderr.write(
      `${repo}@${result.commit.slice(0, 12)}: ${fetched} downloaded, ${result.files.length - fetched} already present (${result.format})\n`,
    );
    return 0;
  },
};
