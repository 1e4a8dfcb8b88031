// What `--model X` and `SpladeEncoder.fromPretrained(X)` mean: a folder on disk, or a hub
// repository id found locally (weights/<owner>/<name>, then the Hugging Face cache) or
// downloaded there.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { SpladeError } from '../errors.js';
import { isRepoId } from '../io/hub-repo.js';
import { isCompleteModelFolder } from './hub/complete-folder.js';
import { HubUnreachableError } from './hub/errors.js';
import { defaultModelDir, fetchModel } from './hub/fetch-model.js';
import type { HubEnv } from './hub/hub-env.js';
import { cachedSnapshotDir, hubCacheDir } from './hub/hf-cache.js';
import { silentProgress, type DownloadProgress } from './hub/progress.js';

/** The model could not be found locally and not downloaded either. */
export class ModelNotFoundError extends SpladeError {}

export interface ResolveModelOptions {
  /** Branch, tag or commit for the cache and a download; default `main`. */
  readonly revision?: string;
  /** Where `weights/` is looked for; default the working directory. */
  readonly cwd?: string;
  /** HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE, HF_HOME, HF_HUB_OFFLINE; default process.env. */
  readonly env?: HubEnv;
  /** Home folder for `~/.cache/huggingface` (cache, token file); default os.homedir(). */
  readonly home?: string;
  /** Download when not found locally (default true; HF_HUB_OFFLINE=1 also turns it off). */
  readonly download?: boolean;
  /** Progress of a download; default silent. */
  readonly progress?: DownloadProgress;
}

export type ModelSource = 'folder' | 'weights' | 'hf-cache' | 'download';

export interface ResolvedModel {
  /** The model folder, absolute. */
  readonly dir: string;
  /** Where it was found. */
  readonly source: ModelSource;
}

/** Nothing at the path: the only failures of `stat` that mean "no such folder". */
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG']);

/**
 * True for a folder, false for a file, undefined when nothing is there. Any other failure is
 * thrown as it is: a folder that cannot be read (EACCES; Deno without --allow-read, whose
 * NotCapable error names the flag) reported as "no folder" sends the user looking for a
 * model that is there.
 */
function isDirectory(path: string): boolean | undefined {
  try {
    return statSync(path).isDirectory();
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (typeof code === 'string' && ABSENT.has(code)) return undefined;
    throw error;
  }
}

const truthy = (value: string | undefined) => value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());

/**
 * Finds the model folder for `idOrPath`, in this order:
 * 1. an existing folder at that path, as is;
 * 2. for a repository id `owner/name`: a complete `weights/<owner>/<name>` under `cwd`;
 * 3. the Hugging Face cache snapshot of that revision (reused, never written);
 * 4. a download into `weights/<owner>/<name>` (what `splade fetch` does).
 * When the hub cannot be reached the error says how to supply a folder instead.
 */
export async function resolveModel(idOrPath: string, options: ResolveModelOptions = {}): Promise<ResolvedModel> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const revision = options.revision ?? 'main';
  const path = resolve(cwd, idOrPath);
  const directory = isDirectory(path);
  if (directory) return { dir: path, source: 'folder' };
  if (directory === false) {
    throw new ModelNotFoundError(`${path} is a file; a model is a folder with config.json, a tokenizer and the weights`);
  }
  if (!isRepoId(idOrPath)) {
    throw new ModelNotFoundError(
      `no folder ${path}, and '${idOrPath}' is not a Hugging Face repository id (owner/name) either`,
    );
  }

  const weightsDir = defaultModelDir(idOrPath, cwd);
  if (await isCompleteModelFolder(weightsDir)) return { dir: weightsDir, source: 'weights' };
  const cacheDir = hubCacheDir(env, options.home);
  const snapshot = cachedSnapshotDir(cacheDir, idOrPath, revision);
  if (snapshot && (await isCompleteModelFolder(snapshot))) return { dir: snapshot, source: 'hf-cache' };

  const howToSupply =
    `Supply it as a folder instead: put config.json, the tokenizer files (tokenizer.json, vocab.txt, or vocab.json with merges.txt) ` +
    `and model.safetensors (or pytorch_model.bin) ` +
    `from https://huggingface.co/${idOrPath} into ${weightsDir}, or pass the path of such a folder`;
  const notLocal = `${idOrPath} is neither in ${weightsDir} nor in the Hugging Face cache ${cacheDir}`;
  if (options.download === false || truthy(env.HF_HUB_OFFLINE)) {
    const why = options.download === false ? 'downloading is off' : 'HF_HUB_OFFLINE is set';
    throw new ModelNotFoundError(`${notLocal}, and ${why}. ${howToSupply}.`);
  }
  try {
    const fetched = await fetchModel(idOrPath, { revision, cwd, env, home: options.home, progress: options.progress ?? silentProgress });
    return { dir: fetched.dir, source: 'download' };
  } catch (error) {
    if (!(error instanceof HubUnreachableError)) throw error;
    throw new ModelNotFoundError(`${notLocal}, and the download failed: ${error.message}. ${howToSupply}.`, { cause: error });
  }
}
