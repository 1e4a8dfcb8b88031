// Whether a folder holds a whole model: what resolveModel asks of weights/<owner>/<name> and
// of a cache snapshot before using it instead of downloading.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPlainFileName } from '../../io/hub-repo.js';
import { readRouterModules, routerModuleKind } from '../../io/sparse-encoder-layout.js';
import { TOKENIZER_FILE_SETS } from '../../tokenizer/index.js';
import { folderModelFiles } from '../folder-model-files.js';

const INDEXES = ['model.safetensors.index.json', 'pytorch_model.bin.index.json'];

/** The shards an index names are all there (and the index is readable JSON). */
function shardsPresent(dir: string, index: string): boolean {
  try {
    const json = JSON.parse(readFileSync(join(dir, index), 'utf8')) as { weight_map?: Record<string, unknown> };
    const shards = new Set(Object.values(json.weight_map ?? {}));
    if (shards.size === 0) return false;
    return [...shards].every((s) => typeof s === 'string' && isPlainFileName(s) && existsSync(join(dir, s)));
  } catch {
    return false;
  }
}

/**
 * A sentence-transformers folder without config.json at its root (modules.json names a Router,
 * or a SparseEncoder's modules, read as loading reads them) whose MLM module folders (one, or
 * one per route) are complete and whose other modules have their files. A probe, not a check: anything unreadable
 * is just "not complete" (loading the folder says what is wrong).
 */
async function isCompleteRouterFolder(dir: string): Promise<boolean> {
  try {
    const router = await readRouterModules(folderModelFiles(dir));
    if (!router || !router.modules.every(({ id }) => isPlainFileName(id))) return false;
    const mlm = router.modules.filter(({ type }) => routerModuleKind(type) === 'mlm');
    const complete = await Promise.all(mlm.map(({ id }) => isCompleteModelFolder(join(dir, router.path, id))));
    return mlm.length > 0 && complete.every(Boolean) && (await modulesPresent(dir));
  } catch {
    return false;
  }
}

/**
 * Whether each SparseStaticEmbedding of the folder's sentence-transformers modules (none when
 * it has no modules.json) has its weight and a tokenizer: a Hugging Face cache snapshot that
 * transformers filled holds a root MLM's files, not its Router's query module.
 */
async function modulesPresent(dir: string): Promise<boolean> {
  if (!existsSync(join(dir, 'modules.json'))) return true;
  try {
    const modules = await readRouterModules(folderModelFiles(dir));
    if (!modules) return true;
    return modules.modules.every(({ id, type }) => {
      if (routerModuleKind(type) !== 'sparse-static-embedding') return true;
      const folder = join(dir, modules.path, id);
      return existsSync(join(folder, 'model.safetensors')) && TOKENIZER_FILE_SETS.some((set) => set.every((name) => existsSync(join(folder, name))));
    });
  } catch {
    return false;
  }
}

/**
 * True when `dir` has config.json, a tokenizer (tokenizer.json, vocab.txt, or vocab.json with
 * merges.txt) and weights
 * (model.safetensors, pytorch_model.bin, or an index whose shards are all present), and the
 * files of the sentence-transformers modules its modules.json names; or is a
 * sentence-transformers folder whose MLM module folder is so. `existsSync` follows symlinks, so
 * a cache snapshot whose blob is missing does not count.
 */
export async function isCompleteModelFolder(dir: string): Promise<boolean> {
  const has = (name: string) => existsSync(join(dir, name));
  if (!has('config.json') && has('modules.json')) return isCompleteRouterFolder(dir);
  const hasTokenizer = TOKENIZER_FILE_SETS.some((set) => set.every(has));
  if (!has('config.json') || !hasTokenizer) return false;
  const hasWeights = has('model.safetensors') || has('pytorch_model.bin') || INDEXES.some((index) => has(index) && shardsPresent(dir, index));
  return hasWeights && modulesPresent(dir);
}
