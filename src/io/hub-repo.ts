// Browser-safe half of the hub download: what a repository id looks like, what the hub's
// model info API answers, and which of a repository's files a SPLADE model needs. No I/O here,
// so the same choice serves `splade fetch` in Node and a future in-browser download.
import { SpladeError } from '../errors.js';
import type { RouterModuleKind } from './sparse-encoder-layout.js';
import { SENTENCEPIECE_MODEL_FILES, TOKENIZER_FILE_SETS, TOKENIZER_FILES_TEXT } from '../tokenizer/index.js';

/** Base of every error about the Hugging Face hub: repository ids, its answers, downloads. */
export class HubError extends SpladeError {}

/** A repository listing or index the hub sent that splade-ts cannot use. */
export class HubResponseError extends HubError {}

/** A repository id that is not `owner/name`. */
export class RepoIdError extends HubError {}

/** One file of a repository at one commit, as the model info API lists it. */
export interface RepoFile {
  /** Path inside the repository, e.g. `model.safetensors`. */
  readonly path: string;
  /** Size in bytes, when the hub said (it does with `?blobs=true`). */
  readonly size?: number;
  /** Git blob id (sha1 of the git object) of a file kept in git itself. */
  readonly blobId?: string;
  /** SHA-256 of the content of a file kept in LFS (weights). */
  readonly sha256?: string;
}

/** What the hub says about one revision of a model repository. */
export interface RepoListing {
  /** The commit the revision pointed to; files are then fetched at this commit. */
  readonly commit: string;
  readonly files: readonly RepoFile[];
}

/** A parsed `owner/name` repository id. */
export interface RepoId {
  readonly owner: string;
  readonly name: string;
}

// The hub's own rule: letters, digits, '-', '_', '.'; no '--' or '..'; no leading or
// trailing '-' or '.'; at most 96 characters a part.
const REPO_PART = /^(?![-.])(?!.*(?:--|\.\.))[\w.-]{1,96}(?<![-.])$/;

/** Whether `text` has the shape of a hub repository id `owner/name`. */
export function isRepoId(text: string): boolean {
  const parts = text.split('/');
  return parts.length === 2 && parts.every((part) => REPO_PART.test(part));
}

/** Parses `owner/name`; throws RepoIdError naming the text otherwise. */
export function parseRepoId(text: string): RepoId {
  if (!isRepoId(text)) {
    throw new RepoIdError(
      `'${text}' is not a Hugging Face repository id: expected owner/name, e.g. prithivida/Splade_PP_en_v1`,
    );
  }
  const [owner, name] = text.split('/') as [string, string];
  return { owner, name };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isByteCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseSibling(value: unknown, index: number): RepoFile {
  if (!isRecord(value) || typeof value.rfilename !== 'string') {
    throw new HubResponseError(`model info: siblings[${index}] has no rfilename string`);
  }
  const path = value.rfilename;
  const file: { path: string; size?: number; blobId?: string; sha256?: string } = { path };
  if (isByteCount(value.size)) file.size = value.size;
  if (typeof value.blobId === 'string' && /^[0-9a-f]{40}$/.test(value.blobId)) file.blobId = value.blobId;
  if (value.lfs !== undefined && value.lfs !== null) {
    const lfs = value.lfs;
    if (!isRecord(lfs) || typeof lfs.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(lfs.sha256)) {
      throw new HubResponseError(`model info: '${path}' has an lfs entry without a sha256`);
    }
    file.sha256 = lfs.sha256;
    // For an LFS file the size that counts is the content's, not the pointer's.
    if (isByteCount(lfs.size)) file.size = lfs.size;
  }
  return file;
}

/**
 * Reads the JSON of `GET /api/models/{repo}/revision/{rev}?blobs=true`: the commit (`sha`)
 * and the files (`siblings[].rfilename`, `size`, `blobId`, `lfs.sha256`, `lfs.size`).
 */
export function parseModelInfo(json: unknown): RepoListing {
  if (!isRecord(json)) throw new HubResponseError('model info: the answer is not a JSON object');
  const { sha, siblings } = json;
  if (typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha)) {
    throw new HubResponseError('model info: no commit sha in the answer');
  }
  if (!Array.isArray(siblings)) throw new HubResponseError('model info: no siblings list in the answer');
  return { commit: sha, files: siblings.map(parseSibling) };
}

/** The weights formats a model folder can carry, best first. */
export type WeightsFormat = 'safetensors' | 'safetensors-sharded' | 'pytorch' | 'pytorch-sharded';

/** The files to fetch for one model, before shards (they are named only inside the index). */
export interface ModelFilePlan {
  readonly format: WeightsFormat;
  /** The single weights file, or the shard index of a sharded checkpoint. */
  readonly weights: RepoFile;
  /** config.json and whichever tokenizer files the repository has. */
  readonly support: readonly RepoFile[];
}

/** Files a BERT SPLADE model reads besides its weights; config.json is required. */
export const SUPPORT_FILES = [
  'config.json',
  'tokenizer.json',
  'vocab.txt',
  'tokenizer_config.json',
  'special_tokens_map.json',
] as const;

/**
 * RoBERTa's slow-tokenizer files, fetched only when the repository has no tokenizer.json (which
 * the tokenizer reads instead of them).
 */
export const SLOW_BPE_TOKENIZER_FILES = ['vocab.json', 'merges.txt'] as const;

const WEIGHTS_PREFERENCE: ReadonlyArray<readonly [string, WeightsFormat]> = [
  ['model.safetensors', 'safetensors'],
  ['model.safetensors.index.json', 'safetensors-sharded'],
  ['pytorch_model.bin', 'pytorch'],
  ['pytorch_model.bin.index.json', 'pytorch-sharded'],
];

/** A repository that lacks what a model needs (config.json, a tokenizer, usable weights). */
export class ModelFilesMissingError extends HubError {}

/**
 * Files of a model folder that its layout reads when they are there (io/sparse-encoder-layout.ts):
 * OpenSearch's doc-only models keep the weights of inference-free queries in idf.json, and a
 * sentence-transformers MLM its max_seq_length in sentence_bert_config.json.
 */
export const LAYOUT_FILES = ['idf.json', 'sentence_bert_config.json'] as const;

/**
 * Chooses the files a SPLADE model needs from a repository listing: config.json, the
 * tokenizer files present, the LAYOUT_FILES present, and ONE weights format
 * (model.safetensors, sharded safetensors, pytorch_model.bin, sharded bins, in that order).
 * ONNX, TensorFlow, Flax, OpenVINO and every other file are left out.
 */
export function chooseModelFiles(listing: RepoListing, repo = 'the repository'): ModelFilePlan {
  const byPath = new Map(listing.files.map((file) => [file.path, file]));
  const support = [...supportFilesOf(byPath), ...LAYOUT_FILES.flatMap((name) => byPath.get(name) ?? [])];
  if (!byPath.has('config.json')) {
    throw new ModelFilesMissingError(`${repo} has no config.json at its root, so it is not a model splade-ts can load`);
  }
  if (!TOKENIZER_FILE_SETS.some((set) => set.every((name) => byPath.has(name)))) {
    const spm = SENTENCEPIECE_MODEL_FILES.find((name) => byPath.has(name));
    const note = spm ? ` (it has ${spm}, but splade-ts reads SentencePiece tokenizers from tokenizer.json only)` : '';
    throw new ModelFilesMissingError(`${repo} has no tokenizer files (${TOKENIZER_FILES_TEXT}): no tokenizer to load${note}`);
  }
  for (const [name, format] of WEIGHTS_PREFERENCE) {
    const weights = byPath.get(name);
    if (weights) return { format, weights, support };
  }
  const present = listing.files.map((file) => file.path).join(', ');
  throw new ModelFilesMissingError(
    `${repo} has no PyTorch weights (model.safetensors, pytorch_model.bin or a sharded index); files: ${present}`,
  );
}

/** The files of `listing` inside `folder` ('' is the root), with paths relative to it. */
export function folderListing(listing: RepoListing, folder: string): RepoListing {
  if (folder === '') return listing;
  const prefix = `${folder}/`;
  return {
    commit: listing.commit,
    files: listing.files.filter((f) => f.path.startsWith(prefix)).map((f) => ({ ...f, path: f.path.slice(prefix.length) })),
  };
}

/** `file` (its path relative to `folder`) with its path in the repository. */
export function inFolder(file: RepoFile, folder: string): RepoFile {
  return folder === '' ? file : { ...file, path: `${folder}/${file.path}` };
}

/**
 * The files splade-ts reads of a Router module other than the MLM (whose folder is a model
 * folder: chooseModelFiles), from the module folder's listing: a SparseStaticEmbedding's
 * model.safetensors (required) and tokenizer files, a SpladePooling's config.json.
 * @throws ModelFilesMissingError when a SparseStaticEmbedding has no model.safetensors
 */
export function chooseRouterModuleFiles(listing: RepoListing, kind: Exclude<RouterModuleKind, 'mlm'>, where: string): RepoFile[] {
  const byPath = new Map(listing.files.map((file) => [file.path, file]));
  if (kind === 'splade-pooling') return byPath.has('config.json') ? [byPath.get('config.json')!] : [];
  const weight = byPath.get('model.safetensors');
  if (!weight) throw new ModelFilesMissingError(`${where} has no model.safetensors (the SparseStaticEmbedding's weight)`);
  return [weight, ...supportFilesOf(byPath)];
}

/** The SUPPORT_FILES a listing has, and RoBERTa's slow-tokenizer files where it has no tokenizer.json. */
function supportFilesOf(byPath: ReadonlyMap<string, RepoFile>): RepoFile[] {
  const slowBpe = byPath.has('tokenizer.json') ? [] : SLOW_BPE_TOKENIZER_FILES;
  return [...SUPPORT_FILES, ...slowBpe].flatMap((name) => byPath.get(name) ?? []);
}

/**
 * The shard files a sharded checkpoint's index names (`weight_map` values), looked up in the
 * listing. Shard names must be plain file names beside the index: a name with a path, `..`
 * or a missing entry is refused, so a hostile index cannot write outside the model folder.
 */
export function shardsFromIndex(indexJson: unknown, listing: RepoListing, indexName: string): RepoFile[] {
  if (!isRecord(indexJson) || !isRecord(indexJson.weight_map)) {
    throw new HubResponseError(`${indexName}: no weight_map object`);
  }
  const byPath = new Map(listing.files.map((file) => [file.path, file]));
  const shards = new Map<string, RepoFile>();
  for (const [tensor, shard] of Object.entries(indexJson.weight_map)) {
    if (typeof shard !== 'string' || !isPlainFileName(shard)) {
      throw new HubResponseError(`${indexName}: tensor '${tensor}' maps to ${JSON.stringify(shard)}, not a file name`);
    }
    if (shards.has(shard)) continue;
    const file = byPath.get(shard);
    if (!file) throw new ModelFilesMissingError(`${indexName} names the shard '${shard}', which the repository lacks`);
    shards.set(shard, file);
  }
  if (shards.size === 0) throw new HubResponseError(`${indexName}: weight_map is empty`);
  return [...shards.values()];
}

/** A file name with no directory part, not `.`/`..`, no control characters. */
export function isPlainFileName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name.length > 0 && name.length <= 255 && name !== '.' && name !== '..' && !/[/\\\x00-\x1f]/.test(name);
}
