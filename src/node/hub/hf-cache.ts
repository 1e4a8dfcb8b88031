// Models Python users already have: the Hugging Face cache that huggingface_hub and
// transformers fill (`<cache>/models--owner--name/snapshots/<commit>/`, `refs/<branch>`
// holding the commit), read in place and never written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRepoId } from '../../io/hub-repo.js';
import { hfHomeDir, type HubEnv } from './hub-env.js';

/**
 * The hub cache folder as huggingface_hub finds it: `HF_HUB_CACHE`, else `HF_HOME/hub`,
 * else `$XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`.
 */
export function hubCacheDir(env: HubEnv, home?: string): string {
  return env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE || join(hfHomeDir(env, home), 'hub');
}

/** `<cache>/models--owner--name`. */
export function cachedRepoDir(cacheDir: string, repo: string): string {
  const { owner, name } = parseRepoId(repo);
  return join(cacheDir, `models--${owner}--${name}`);
}

/**
 * The snapshot folder of `repo` at `revision` in the cache, or undefined when the cache does
 * not know that revision. A commit id names its snapshot directly; a branch or tag goes
 * through `refs/<revision>`. Whether the snapshot holds a whole model is for the caller.
 */
export function cachedSnapshotDir(cacheDir: string, repo: string, revision: string): string | undefined {
  let commit: string | undefined;
  if (/^[0-9a-f]{40}$/.test(revision)) {
    commit = revision;
  } else {
    // refs may be nested (refs/pr/1) but must stay inside refs/.
    if (revision.split('/').some((part) => part === '' || part === '.' || part === '..')) return undefined;
    try {
      commit = readFileSync(join(cachedRepoDir(cacheDir, repo), 'refs', revision), 'utf8').trim();
    } catch {
      return undefined;
    }
    if (!/^[0-9a-f]{40}$/.test(commit)) return undefined;
  }
  return join(cachedRepoDir(cacheDir, repo), 'snapshots', commit);
}
