// `splade fetch` as a function: list the repository at one commit, choose the files the model
// needs (in a sentence-transformers Router layout, module folder by module folder), download
// each (verified, resumable), and turn a pickle-only checkpoint into model.safetensors once.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SpladeError } from '../../errors.js';
import {
  chooseModelFiles,
  chooseRouterModuleFiles,
  folderListing,
  HubResponseError,
  inFolder,
  isPlainFileName,
  ModelFilesMissingError,
  parseRepoId,
  shardsFromIndex,
  type ModelFilePlan,
  type RepoFile,
  type RepoListing,
  type WeightsFormat,
} from '../../io/hub-repo.js';
import type { ModelFiles } from '../../io/model-files.js';
import { readRouterModules, readSpladeFolderLayout, routerModuleKind } from '../../io/sparse-encoder-layout.js';
import { folderModelFiles } from '../folder-model-files.js';
import { loadCheckpointConverter, type ConvertCheckpointFolder } from './convert-hook.js';
import { withFolderLock } from './folder-lock.js';
import { downloadRepoFile, type DownloadSettings, type FileOutcome } from './download-file.js';
import { hubConnectionFromEnv, type HubEnv } from './hub-env.js';
import { fetchRepoListing } from './model-info.js';
import { silentProgress, type DownloadProgress } from './progress.js';

/** The files arrived, but the pickle could not be converted to safetensors. */
export class ConversionFailedError extends SpladeError {}

export interface FetchModelOptions {
  /** Branch, tag or commit; default `main`. */
  readonly revision?: string;
  /** Target folder; default `weights/<owner>/<name>` under `cwd`. */
  readonly outDir?: string;
  /** Default: the process's working directory. */
  readonly cwd?: string;
  /** HF_ENDPOINT, HF_TOKEN, HF_HOME, HF_TOKEN_PATH; default process.env. */
  readonly env?: HubEnv;
  /** Home folder, for the token file under `~/.cache/huggingface`; default os.homedir(). */
  readonly home?: string;
  /** Default: silent. The CLI passes a stderr reporter. */
  readonly progress?: DownloadProgress;
  /** The pickle converter; `null` skips conversion; default: the checkpoint reader's. */
  readonly convert?: ConvertCheckpointFolder | null;
  /** Tries in a row without a new byte before a file download gives up (default 5). */
  readonly attempts?: number;
  /** First wait between tries, doubling (default 500 ms). */
  readonly retryDelayMs?: number;
  /** Abort a request that brings nothing for this long (default 30 s). */
  readonly stallTimeoutMs?: number;
}

export interface FetchModelResult {
  readonly repo: string;
  readonly revision: string;
  /** The commit every file was fetched at. */
  readonly commit: string;
  /** The folder, absolute. */
  readonly dir: string;
  readonly format: WeightsFormat;
  readonly files: ReadonlyArray<{ readonly path: string; readonly outcome: FileOutcome }>;
  /** What happened to a pickle checkpoint: the safetensors path written, or why not. */
  readonly conversion?: { readonly written?: string; readonly skipped?: string };
}

/** `weights/<owner>/<name>` under `cwd`: where `splade fetch` puts a model by default. */
export function defaultModelDir(repo: string, cwd: string): string {
  const { owner, name } = parseRepoId(repo);
  return resolve(cwd, 'weights', owner, name);
}

/**
 * Downloads what the model `repo` needs (config.json, tokenizer files, idf.json when there,
 * one weights format; for a sentence-transformers Router layout, its modules.json,
 * router_config.json and the files of each module splade-ts runs) into a folder and returns
 * what it did. Files already there and verified are kept.
 */
export async function fetchModel(repo: string, options: FetchModelOptions = {}): Promise<FetchModelResult> {
  parseRepoId(repo);
  const revision = options.revision ?? 'main';
  const cwd = options.cwd ?? process.cwd();
  const dir = options.outDir ? resolve(cwd, options.outDir) : defaultModelDir(repo, cwd);
  const connection = hubConnectionFromEnv(options.env ?? process.env, { stallTimeoutMs: options.stallTimeoutMs, home: options.home });
  const progress = options.progress ?? silentProgress;

  // Listed and chosen before the folder exists, so a misspelt id leaves nothing behind.
  const listing = await fetchRepoListing(connection, repo, revision);
  const plan = hasRootFile(listing, 'config.json') ? chooseModelFiles(listing, repo) : undefined;
  const settings: DownloadSettings = {
    connection,
    repo,
    revision,
    commit: listing.commit,
    dir,
    progress,
    attempts: options.attempts ?? 5,
    retryDelayMs: options.retryDelayMs ?? 500,
  };
  return withFolderLock(dir, async () => {
    const downloads = new Downloads(settings);
    const mlm = await fetchModuleFolders(listing, downloads, plan);
    await downloadPlan(mlm.plan, folderListing(listing, mlm.folder), downloads, mlm.folder);
    const result = { repo, revision, commit: listing.commit, dir, format: mlm.plan.format, files: downloads.files };
    if (mlm.plan.format !== 'pytorch' && mlm.plan.format !== 'pytorch-sharded') return result;
    return { ...result, conversion: await convertOnce(join(dir, mlm.folder), options.convert, progress) };
  });
}

function hasRootFile(listing: RepoListing, name: string): boolean {
  return listing.files.some((f) => f.path === name);
}

type DownloadedFile = { path: string; outcome: FileOutcome };

/** The files of one fetch, each downloaded once (reading a layout may ask for one twice). */
class Downloads {
  readonly files: DownloadedFile[] = [];
  private readonly done = new Set<string>();

  constructor(readonly settings: DownloadSettings) {}

  async get(file: RepoFile): Promise<void> {
    if (this.done.has(file.path)) return;
    this.files.push({ path: file.path, outcome: await downloadRepoFile(file, this.settings) });
    this.done.add(file.path);
  }
}

/**
 * The MLM's folder and the plan of its files, which the caller downloads last so that its
 * config.json marks a finished download (hub/complete-folder.ts): the root's (`rootPlan`), or
 * in a sentence-transformers layout (modules.json listing a Router, or a SparseEncoder's
 * modules) the MLMTransformer's. In such a layout the other modules' files come first (a
 * SparseStaticEmbedding's weight and tokenizer, a SpladePooling's config), even where the MLM
 * is the root folder (OpenSearch's doc-only repositories), and the layout is read as loading
 * reads it, so a folder splade-ts would refuse is refused before its weights are fetched.
 * @throws ModelFilesMissingError when there is no config.json at the root and no such layout,
 *   or the layout has no MLM, or more than one per route
 */
async function fetchModuleFolders(listing: RepoListing, downloads: Downloads, rootPlan: ModelFilePlan | undefined): Promise<{ folder: string; plan: ModelFilePlan }> {
  const { repo } = downloads.settings;
  const files = downloadingFiles(listing, downloads);
  const modules = hasRootFile(listing, 'modules.json') ? await readRouterModules(files) : undefined;
  if (!modules) {
    if (rootPlan) return { folder: '', plan: rootPlan };
    throw new ModelFilesMissingError(`${repo} has no config.json at its root, and its modules.json lists no sentence-transformers Router or SparseEncoder modules`);
  }
  const chosen: RepoFile[] = [];
  const mlm: Array<{ folder: string; plan: ModelFilePlan }> = [];
  for (const { id, type } of modules.modules) {
    const folder = moduleFolder(modules.path, id, repo);
    const kind = routerModuleKind(type);
    if (kind === 'mlm') mlm.push({ folder, plan: folder === '' && rootPlan ? rootPlan : chooseModelFiles(folderListing(listing, folder), `${repo}/${folder}`) });
    else if (kind) chosen.push(...chooseRouterModuleFiles(folderListing(listing, folder), kind, `${repo}/${folder}`).map((f) => inFolder(f, folder)));
  }
  if (mlm.length === 0 || mlm.length > 2) throw new ModelFilesMissingError(`${repo}: its modules have ${mlm.length} MLMTransformer modules; splade-ts runs one, or one per route`);
  for (const file of chosen) await downloads.get(file);
  await readSpladeFolderLayout(files);
  // A Router with an MLM per route: the first whole before the last, whose config.json ends the download.
  for (const { folder, plan } of mlm.slice(0, -1)) await downloadPlan(plan, folderListing(listing, folder), downloads, folder);
  return mlm[mlm.length - 1];
}

/** A module's folder in the repository: `id` ('' or '.' for the folder itself) under `path`. */
function moduleFolder(path: string, id: string, repo: string): string {
  if (id === '' || id === '.') return path;
  if (!isPlainFileName(id)) throw new HubResponseError(`${repo}: router_config.json names the module folder ${JSON.stringify(id)}, not a folder name`);
  return path === '' ? id : `${path}/${id}`;
}

/**
 * The repository's files as ModelFiles over the download folder: a file is downloaded the
 * first time it is read, so reading the layout fetches exactly the files it reads.
 */
function downloadingFiles(listing: RepoListing, downloads: Downloads): ModelFiles {
  const { dir, repo } = downloads.settings;
  const disk = folderModelFiles(dir);
  const byPath = new Map(listing.files.map((f) => [f.path, f]));
  const fetched = async (name: string): Promise<void> => {
    const file = byPath.get(name);
    if (!file) throw new ModelFilesMissingError(`${repo} has no file '${name}'`);
    await downloads.get(file);
  };
  return {
    location: dir,
    has: async (name) => byPath.has(name),
    readBytes: async (name) => { await fetched(name); return disk.readBytes(name); },
    readText: async (name) => { await fetched(name); return disk.readText(name); },
  };
}

/**
 * Downloads the plan of the model folder `folder` (its paths relative to it; `listing`: the
 * folder's), and the shards its index names, in an order that marks completion.
 */
async function downloadPlan(plan: ModelFilePlan, listing: RepoListing, downloads: Downloads, folder: string): Promise<void> {
  const get = (file: RepoFile): Promise<void> => downloads.get(inFolder(file, folder));
  // Weights first and config.json last: a folder with config.json is a finished download,
  // which is how resolveModel tells it from an interrupted one.
  await get(plan.weights);
  if (plan.format === 'safetensors-sharded' || plan.format === 'pytorch-sharded') {
    for (const shard of await readShards(join(downloads.settings.dir, folder), plan.weights.path, listing)) await get(shard);
  }
  for (const file of plan.support.filter((f) => f.path !== 'config.json')) await get(file);
  const config = plan.support.find((f) => f.path === 'config.json');
  if (config) await get(config);
}

async function readShards(dir: string, indexName: string, listing: RepoListing): Promise<RepoFile[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(join(dir, indexName), 'utf8'));
  } catch (error) {
    throw new HubResponseError(`${join(dir, indexName)} is not valid JSON`, { cause: error });
  }
  return shardsFromIndex(json, listing, indexName);
}

/** Converts the pickle to model.safetensors unless that file is already there. */
async function convertOnce(
  dir: string,
  convert: ConvertCheckpointFolder | null | undefined,
  progress: DownloadProgress,
): Promise<{ written?: string; skipped?: string }> {
  if (existsSync(join(dir, 'model.safetensors'))) return { skipped: 'model.safetensors already there' };
  if (convert === null) return { skipped: 'conversion turned off' };
  const converter = convert ?? (await loadCheckpointConverter());
  progress.note('converting the PyTorch checkpoint to model.safetensors (once; later loads read it directly)');
  let written: string;
  try {
    written = await converter(dir);
  } catch (error) {
    if (!(error instanceof SpladeError)) throw error;
    throw new ConversionFailedError(
      `the download into ${dir} is complete and verified, but converting its PyTorch checkpoint to model.safetensors failed: ${error.message}`,
      { cause: error },
    );
  }
  progress.note(`wrote ${written}`);
  return { written };
}
