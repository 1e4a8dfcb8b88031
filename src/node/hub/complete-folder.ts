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
 * A sentence-transformers Router folder (modules.json names a Router, read as loading reads it)
 * whose MLM module folder is complete and each SparseStaticEmbedding has its weight. A probe,
 * not a check: anything unreadable is just "not complete" (loading the folder says what is wrong).
 */
async function isCompleteRouterFolder(dir: string): Promise<boolean> {
  try {
    const router = await readRouterModules(folderModelFiles(dir));
    if (!router || !router.modules.every(({ id }) => isPlainFileName(id))) return false;
    const folder = (id: string): string => join(dir, router.path, id);
    const mlm = router.modules.filter(({ type }) => routerModuleKind(type) === 'mlm');
    return mlm.length === 1 && (await isCompleteModelFolder(folder(mlm[0].id)))
      && router.modules.every(({ id, type }) => routerModuleKind(type) !== 'sparse-static-embedding' || existsSync(join(folder(id), 'model.safetensors')));
  } catch {
    return false;
  }
}

/**
 * True when `dir` has config.json, a tokenizer (tokenizer.json, vocab.txt, or vocab.json with
 * merges.txt) and weights
 * (model.safetensors, pytorch_model.bin, or an index whose shards are all present), or is a
 * sentence-transformers Router folder whose MLM folder is so (and its static query weights
 * there). `existsSync` follows symlinks, so a cache snapshot whose blob is missing does not count.
 */
export async function isCompleteModelFolder(dir: string): Promise<boolean> {
  const has = (name: string) => existsSync(join(dir, name));
  if (!has('config.json') && has('modules.json')) return isCompleteRouterFolder(dir);
  const hasTokenizer = TOKENIZER_FILE_SETS.some((set) => set.every(has));
  if (!has('config.json') || !hasTokenizer) return false;
  if (has('model.safetensors') || has('pytorch_model.bin')) return true;
  return INDEXES.some((index) => has(index) && shardsPresent(dir, index));
}
