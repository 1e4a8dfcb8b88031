// SpladeEncoder's options, and their checks where they are given: from plain JavaScript a
// misspelt name or a value of the wrong kind would otherwise be ignored (the default runs
// instead) or fail deep inside a forward pass. Every mistake is an InputError naming the option.
import { InputError } from '../models/bert/input.js';
import { checkOptionNames } from '../option-names.js';
import type { ModelFiles } from '../io/model-files.js';
import type { ProgressCallback } from '../io/download-progress.js';
import type { Backend } from '../tensor/backend.js';
import { BACKEND_OPTION_NAMES, type BackendChoice, type BackendOptions } from '../tensor/backend-options.js';
import type { WeightDType } from '../tensor/compact-weight.js';
import { TRUNCATION_SIDES, type TruncationSide } from '../tokenizer/index.js';
import type { Prune } from './prune.js';
import type { TextTokenizer } from './text-tokenizer.js';
import type { Overflow } from './windows.js';

/** Where a model is: a folder path (Node) or URL (browsers), or its files. */
export type ModelLocation = string | ModelFiles;

/**
 * How to load: what computes (the options of `createBackend`: `backend`, `threads`, `kernels`,
 * `gpuMode`, or a Backend you made), a query model, a tokenizer.
 */
export interface SpladeEncoderOptions extends Omit<BackendOptions, 'backend'> {
  /**
   * What computes: `'cpu'` (default: the fastest CPU kernels the runtime allows, WebAssembly
   * SIMD with worker threads under Node and Web Workers in cross-origin isolated browser
   * contexts), `'gpu'` (gpu.js) or `'auto'` (a GPU through gpu.js when there is one, else the
   * CPU); or a Backend made with `createBackend` (then no other backend option; a failed load
   * leaves it alone, `dispose()` disposes it). `backendInfo` says what runs.
   */
  readonly backend?: Backend | BackendChoice;
  /**
   * A separate model for queries (some SPLADE families have one); default: the folder's query
   * route (a sentence-transformers Router's query MLM, idf.json, a SparseStaticEmbedding), else
   * the same model. When given, it replaces that route: its MLM encodes every query (in a
   * sentence-transformers layout, its document route's MLM and pooling, with that folder's own
   * query prompt, strip and do_lower_case; a query route of its own is not used).
   */
  readonly queryModel?: ModelLocation;
  /** Use this tokenizer instead of the folder's tokenizer files. */
  readonly tokenizer?: TextTokenizer;
  /**
   * How the linear weights are held in memory: `f32` (exact), `f16` (half the bytes) or
   * `int8` (a quarter; activations quantized per token at run time). Default: as the folder
   * stores them (F16 as f16, int8 folders written by `splade quantize` as int8, other float
   * dtypes as f32). A float checkpoint loaded as int8 is quantized tensor by tensor.
   */
  readonly dtype?: WeightDType;
  /** Documents' default maxLength (SPLADE++ was trained on 256-token documents). */
  readonly maxLength?: number;
  /** Queries' default maxLength (also for inference-free queries). */
  readonly queryMaxLength?: number;
  /** For a repository id: the branch, tag or commit (default `main`). */
  readonly revision?: string;
  /**
   * For a repository id: the hub to read it from (default https://huggingface.co; in Node the
   * `HF_ENDPOINT` environment variable otherwise).
   */
  readonly hubEndpoint?: string;
  /**
   * Told as each model file fetched over HTTP arrives: `{ file, url, loaded, total }` (total
   * from Content-Length, undefined without one), then once per file `done: true` with
   * `fromCache` (and a `note` when the persistent cache failed and the load went on without it).
   * Not called for in-memory files or files on disk. In Node, a repository id that must be
   * downloaded tells it the same events (a file already downloaded and verified: `fromCache`)
   * and writes nothing to stderr; without it, the download's progress goes to stderr.
   */
  readonly onProgress?: ProgressCallback;
  /**
   * Told each load note once the model is loaded (see `loadNotes`). In Node, without it, the
   * notes go to stderr, as transformers' load warnings do; elsewhere they are only kept.
   */
  readonly onLoadNote?: (note: string) => void;
  /**
   * The persistent cache of files fetched over HTTP (Cache Storage API, docs/browser.md):
   * `false` for none, a cache name, or `true` for 'splade-ts'. Default: on in browser pages
   * and Web Workers, off in Node (which caches hub downloads on disk), Deno, Bun and
   * Cloudflare Workers.
   */
  readonly cache?: boolean | string;
}

/** How `encode` (and encodeQuery, encodeDocument) cuts, batches, pools and prunes texts. */
export interface SpladeEncodeOptions {
  /** Sequences per forward pass (default 16). */
  readonly batchSize?: number;
  /**
   * Truncate to this many tokens, [CLS] and [SEP] included: an integer from 2 to the model's
   * max_position_embeddings (default: `defaultMaxLength(role)`, which is fromPretrained's
   * maxLength or queryMaxLength, else the folder's sentence-transformers max_seq_length, else
   * the model's limit).
   */
  readonly maxLength?: number;
  /**
   * 'query' uses the folder's query route (idf.json, a SparseStaticEmbedding, or the query
   * model) when it has one; default 'document'.
   */
  readonly role?: 'query' | 'document';
  /**
   * Texts longer than maxLength: 'truncate' (default) keeps maxLength - 2 word pieces (the
   * first ones, or the last with `truncation` 'left'); 'chunk' runs overlapping windows and takes the element-wise max (see windows.ts).
   */
  readonly overflow?: Overflow;
  /**
   * Which end of a text overflow 'truncate' cuts: 'right' keeps its first maxLength - 2 word
   * pieces, 'left' its last ones ([CLS] and [SEP] stay around them), as transformers and
   * sentence-transformers cut a folder whose tokenizer_config.json says `truncation_side:
   * "left"`. Default: the folder's truncation_side (the tokenizer's `truncationSide`), else
   * 'right'. Inference-free queries are cut alike; overflow 'chunk' keeps every word piece.
   */
  readonly truncation?: TruncationSide;
  /** With overflow 'chunk': word pieces shared by consecutive windows (default 0). */
  readonly stride?: number;
  /** OpenSearch's pruning of each vector (top_k, max_ratio, alpha_mass, abs_value). */
  readonly prune?: Prune;
  /** sentence-transformers' max_active_dims: keep the N heaviest terms. */
  readonly maxActiveDims?: number;
  /** 'keep' (default, as the model card) or 'drop' the [CLS]/[SEP]/[PAD]/[UNK]/[MASK] dimensions. */
  readonly specialTokens?: 'keep' | 'drop';
  /** Told how many texts were longer than maxLength (truncated, or cut into windows). */
  readonly onOverflow?: (report: { overflowed: number; texts: number; windows: number; maxLength: number }) => void;
}

/** Every name of SpladeEncoderOptions. */
const ENCODER_OPTION_NAMES = [
  ...BACKEND_OPTION_NAMES, 'queryModel', 'tokenizer', 'dtype', 'maxLength', 'queryMaxLength', 'revision', 'hubEndpoint', 'onProgress', 'onLoadNote', 'cache',
] as const satisfies readonly (keyof SpladeEncoderOptions)[];
true satisfies Exclude<keyof SpladeEncoderOptions, (typeof ENCODER_OPTION_NAMES)[number]> extends never ? true : never;

/** Every name of SpladeEncodeOptions. */
const ENCODE_OPTION_NAMES = [
  'batchSize', 'maxLength', 'role', 'overflow', 'truncation', 'stride', 'prune', 'maxActiveDims', 'specialTokens', 'onOverflow',
] as const satisfies readonly (keyof SpladeEncodeOptions)[];
true satisfies Exclude<keyof SpladeEncodeOptions, (typeof ENCODE_OPTION_NAMES)[number]> extends never ? true : never;

const ROLES = ['query', 'document'] as const;

/** `a number`, `null`, `an array`: what a value of the wrong kind is, for messages. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function checkKind(where: string, name: string, value: unknown, ok: boolean, wanted: string): void {
  if (value !== undefined && !ok) throw new InputError(`${where}: ${name} must be ${wanted}, got ${kindOf(value)}`);
}

function checkChoice(where: string, name: string, value: unknown, choices: readonly string[]): void {
  if (value !== undefined && !choices.includes(value as string)) {
    throw new InputError(`${where}: ${name} must be one of ${choices.join(', ')}, got ${typeof value === 'string' ? `'${value}'` : kindOf(value)}`);
  }
}

/**
 * The options of `fromPretrained` that are not the backend's (createBackend checks those).
 * @throws InputError naming the option
 */
export function checkEncoderOptions(options: SpladeEncoderOptions): void {
  const where = 'fromPretrained';
  checkOptionNames(options, ENCODER_OPTION_NAMES, where, InputError);
  for (const name of ['maxLength', 'queryMaxLength'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 2)) {
      throw new InputError(`${where}: ${name} must be an integer of at least 2, got ${typeof value === 'number' ? value : kindOf(value)}`);
    }
  }
  const { tokenizer, queryModel, onProgress, onLoadNote, cache } = options;
  const isTokenizer = typeof tokenizer === 'object' && tokenizer !== null && typeof tokenizer.encode === 'function' && typeof tokenizer.idToToken === 'function';
  checkKind(where, 'tokenizer', tokenizer, isTokenizer, 'a TextTokenizer (an object with encode and idToToken)');
  checkKind(where, 'queryModel', queryModel, typeof queryModel === 'string' || (typeof queryModel === 'object' && queryModel !== null), 'a folder path, URL or ModelFiles');
  for (const name of ['revision', 'hubEndpoint'] as const) checkKind(where, name, options[name], typeof options[name] === 'string', 'a string');
  checkKind(where, 'onProgress', onProgress, typeof onProgress === 'function', 'a function');
  checkKind(where, 'onLoadNote', onLoadNote, typeof onLoadNote === 'function', 'a function');
  checkKind(where, 'cache', cache, typeof cache === 'boolean' || typeof cache === 'string', 'true, false or a cache name');
}

/**
 * One text given to `where` (encode(), encodeQuery(), ...), named `name` in the message.
 * @throws InputError when it is not a string (7 or null would otherwise be encoded as text)
 */
export function checkText(where: string, name: string, text: unknown): void {
  if (typeof text !== 'string') throw new InputError(`${where}: ${name} is ${text === null ? 'null' : `a ${kindOf(text).replace(/^an? /, '')}`}, not a string`);
}

/**
 * The texts and options of `encode` whose mistakes the encoding itself would not name
 * (maxLength, batchSize, stride, prune and maxActiveDims are checked where they are used).
 * @throws InputError naming the text or option
 */
export function checkEncodeArguments(texts: readonly unknown[], options: SpladeEncodeOptions): void {
  const where = 'encode()';
  texts.forEach((text, i) => checkText(where, `texts[${i}]`, text));
  checkOptionNames(options, ENCODE_OPTION_NAMES, where, InputError);
  checkChoice(where, 'role', options.role, ROLES);
  checkChoice(where, 'overflow', options.overflow, ['truncate', 'chunk']);
  checkChoice(where, 'truncation', options.truncation, TRUNCATION_SIDES);
  checkChoice(where, 'specialTokens', options.specialTokens, ['keep', 'drop']);
  checkKind(where, 'onOverflow', options.onOverflow, typeof options.onOverflow === 'function', 'a function');
}

/**
 * A role given on its own (tokenCount, defaultMaxLength): anything but 'query' would otherwise
 * be read as a document.
 * @throws InputError naming `where`
 */
export function checkRole(where: string, role: unknown): void {
  checkChoice(where, 'role', role, ROLES);
}

/**
 * The options of `encodeInputIds` (batchSize is checked where it is used).
 * @throws InputError naming the option
 */
export function checkInputIdsOptions(options: { batchSize?: number; role?: 'query' | 'document'; source?: string }): void {
  const where = 'encodeInputIds()';
  checkOptionNames(options, ['batchSize', 'role', 'source'], where, InputError);
  checkChoice(where, 'role', options.role, ROLES);
  checkKind(where, 'source', options.source, typeof options.source === 'string', 'a string');
}

/**
 * The options of `SpladeEncoder.decode` (topK is checked as the sparse-vector `decode` checks it).
 * @throws InputError naming the option
 */
export function checkDecodeOptions(options: { topK?: number; role?: 'query' | 'document' }): void {
  checkOptionNames(options, ['topK', 'role'], 'decode()', InputError);
  checkChoice('decode()', 'role', options.role, ROLES);
}
