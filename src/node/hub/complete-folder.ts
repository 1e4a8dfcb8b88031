// Whether a folder holds a whole model: what resolveModel asks of weights/<owner>/<name> and
// of a cache snapshot before using it instead of downloading.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPlainFileName } from '../../io/hub-repo.js';

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
 * True when `dir` has config.json, a tokenizer (vocab.txt or tokenizer.json) and weights
 * (model.safetensors, pytorch_model.bin, or an index whose shards are all present).
 * `existsSync` follows symlinks, so a cache snapshot whose blob is missing does not count.
 */
export function isCompleteModelFolder(dir: string): boolean {
  const has = (name: string) => existsSync(join(dir, name));
  if (!has('config.json') || !(has('vocab.txt') || has('tokenizer.json'))) return false;
  if (has('model.safetensors') || has('pytorch_model.bin')) return true;
  return INDEXES.some((index) => has(index) && shardsPresent(dir, index));
}
