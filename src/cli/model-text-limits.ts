// The tokenizer and position table of a model given by location, for the length checks of a
// model the encoder loaded but does not expose (the separate query model of `--query-model`).
// The model was resolved (and downloaded if need be) by the encoder already, so this reads
// only config.json and the tokenizer files.
import { urlModelFiles } from '../io/url-model-files.js';
import { maxSequenceLength, parseModelConfigText } from '../io/model-config.js';
import { readSpladeFolderLayout } from '../io/sparse-encoder-layout.js';
import { folderModelFiles } from '../node/folder-model-files.js';
import { silentProgress } from '../node/hub/progress.js';
import { resolveModel } from '../node/resolve-model.js';
import { hasTokenizerFiles, loadTokenizer } from '../tokenizer/index.js';
import type { TextLimits } from './text-limits.js';

/** The model's text limits, or undefined when it has no tokenizer files (encoding text then fails on its own). */
export async function modelTextLimits(location: string): Promise<TextLimits | undefined> {
  const folder = /^https?:\/\//.test(location)
    ? urlModelFiles(location)
    : folderModelFiles((await resolveModel(location, { progress: silentProgress })).dir);
  // In a sentence-transformers Router layout, the MLM (config.json, tokenizer) is a module folder.
  const files = (await readSpladeFolderLayout(folder)).documentFiles;
  const config = parseModelConfigText(await files.readText('config.json'), `${files.location}/config.json`);
  if (!(await hasTokenizerFiles(files))) return undefined;
  return { tokenizer: await loadTokenizer(files), maxPositions: maxSequenceLength(config) };
}
