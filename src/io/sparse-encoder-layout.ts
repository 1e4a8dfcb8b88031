// Where the parts of a SPLADE model folder are, in the two published layouts besides a plain
// MLM folder:
// - OpenSearch's doc-only models: the MLM folder plus `idf.json` ({token: weight}), the
//   weights of inference-free queries;
// - sentence-transformers' SparseEncoder with a Router (modules.json lists a
//   `sentence_transformers.models.Router`; its router_config.json gives `structure`, the module
//   ids of each route, and `types`, their classes; each module is saved in `<router path>/<id>/`):
//   the query route a SparseStaticEmbedding (model.safetensors with `weight` [vocab], and its
//   own tokenizer files), the document route an MLMTransformer (a Hugging Face MLM folder)
//   then SpladePooling (config.json: pooling_strategy, activation_function).
// A SparseEncoder saved without a Router is the MLM folder itself with a modules.json listing
// MLMTransformer and SpladePooling (its config.json in a folder of its own), read for the pooling.
import { SpladeError } from '../errors.js';
import { readSafetensors } from '../formats/safetensors.js';
import { ModelFilesError } from './model-files-error.js';
import type { ModelFiles } from './model-files.js';
import { subfolderFiles } from './subfolder-files.js';

/** A model folder's layout files that do not say what splade-ts can run. */
export class LayoutError extends SpladeError {}

/** SpladePooling's `activation_function`: log(1 + relu(x)), or `log1p_relu`: log(1 + log(1 + relu(x))). */
export type PoolingActivation = 'relu' | 'log1p_relu';

/** The weights of inference-free queries, by where they were found. */
export type StaticQueryWeights =
  | { readonly kind: 'idf'; readonly source: string; readonly idf: ReadonlyMap<string, number> }
  | { readonly kind: 'sparse-static-embedding'; readonly source: string; readonly files: ModelFiles; readonly weight: Float32Array };

export interface SpladeFolderLayout {
  /** The Hugging Face MLM folder that encodes documents (and queries without a query route). */
  readonly documentFiles: ModelFiles;
  readonly poolingActivation: PoolingActivation;
  /**
   * sentence-transformers' `max_seq_length` of the MLM (its folder's sentence_bert_config.json),
   * where it has one: the tokens a document is truncated to, [CLS] and [SEP] included.
   */
  readonly maxSeqLength?: number;
  /** The query route, when the folder has one. */
  readonly queryWeights?: StaticQueryWeights;
}

/** modules.json's `type` of a sentence-transformers Router. */
const ROUTER_MODULE = 'sentence_transformers.models.Router';
const MLM = /\.MLMTransformer$/;
const STATIC = /\.SparseStaticEmbedding$/;
const POOLING = /\.SpladePooling$/;

/** The sentence-transformers Router modules splade-ts runs, by what they are. */
export type RouterModuleKind = 'mlm' | 'sparse-static-embedding' | 'splade-pooling';

/** Which of the Router modules splade-ts runs a class is (undefined: none of them). */
export function routerModuleKind(type: string): RouterModuleKind | undefined {
  return MLM.test(type) ? 'mlm' : STATIC.test(type) ? 'sparse-static-embedding' : POOLING.test(type) ? 'splade-pooling' : undefined;
}

async function readJson(files: ModelFiles, name: string): Promise<unknown> {
  try {
    return JSON.parse(await files.readText(name));
  } catch (error) {
    if (error instanceof SpladeError) throw error;
    throw new LayoutError(`${files.location}/${name}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Finds the parts of a model folder: a sentence-transformers Router layout when modules.json
 * has a Router, else the folder itself as the MLM (pooled as its modules.json's SpladePooling
 * says, when it lists one), with idf.json as the query route when present.
 * @throws LayoutError naming the file and field that do not fit
 */
export async function readSpladeFolderLayout(files: ModelFiles): Promise<SpladeFolderLayout> {
  const layout = await readParts(files);
  const maxSeqLength = await readMaxSeqLength(layout.documentFiles);
  return maxSeqLength === undefined ? layout : { ...layout, maxSeqLength };
}

/** The MLM's `max_seq_length` in sentence_bert_config.json, when the file gives one. */
async function readMaxSeqLength(files: ModelFiles): Promise<number | undefined> {
  if (!(await files.has('sentence_bert_config.json'))) return undefined;
  const config = await readJson(files, 'sentence_bert_config.json');
  const value = isRecord(config) ? config.max_seq_length : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 2) {
    throw new LayoutError(`${files.location}/sentence_bert_config.json: max_seq_length must be an integer of at least 2, got ${JSON.stringify(value)}`);
  }
  return value;
}

async function readParts(files: ModelFiles): Promise<SpladeFolderLayout> {
  // modules.json read once (over HTTP every read is a request).
  const modules = await readModules(files);
  const router = modulePath(modules, (type) => type === ROUTER_MODULE, 'Router');
  if (router !== undefined) return readRouterLayout(files, router);
  // A SparseEncoder saved without a Router (modules.json: MLMTransformer, then SpladePooling
  // in a folder of its own): its pooling's config says how the vector is made.
  const pooling = modulePath(modules, (type) => POOLING.test(type), 'SpladePooling');
  const poolingActivation = pooling === undefined ? 'relu' : await readPooling(subfolderFiles(files, pooling));
  if (await files.has('idf.json')) {
    return { documentFiles: files, poolingActivation, queryWeights: await readIdf(files) };
  }
  return { documentFiles: files, poolingActivation };
}

/** The modules modules.json lists, and where it is (for errors); undefined when there is none. */
async function readModules(files: ModelFiles): Promise<{ list: unknown[]; where: string } | undefined> {
  if (!(await files.has('modules.json'))) return undefined;
  const list = await readJson(files, 'modules.json');
  const where = `${files.location}/modules.json`;
  if (!Array.isArray(list)) throw new LayoutError(`${where}: expected a list of modules`);
  return { list, where };
}

/**
 * The path of the first of `modules` whose type `matches` (`what` names it in errors);
 * undefined when there are no modules or no such one.
 */
function modulePath(modules: { list: unknown[]; where: string } | undefined, matches: (type: string) => boolean, what: string): string | undefined {
  const found = modules?.list.find((m): m is Record<string, unknown> => isRecord(m) && typeof m.type === 'string' && matches(m.type));
  if (found === undefined) return undefined;
  if (typeof found.path !== 'string') throw new LayoutError(`${modules!.where}: the ${what} module has no "path"`);
  return found.path;
}

/** A Router's router_config.json: each module's class by its id (its folder), and the routes' module ids. */
interface RouterConfig {
  readonly types: Record<string, unknown>;
  readonly structure: Record<string, unknown>;
}

async function readRouterConfig(files: ModelFiles): Promise<RouterConfig> {
  const config = await readJson(files, 'router_config.json');
  if (!isRecord(config) || !isRecord(config.types) || !isRecord(config.structure)) {
    throw new LayoutError(`${files.location}/router_config.json: expected {"types": {...}, "structure": {...}}`);
  }
  return { types: config.types, structure: config.structure };
}

/** The modules of a sentence-transformers Router: where it is saved, and each module's folder (its id) and class. */
export interface RouterModules {
  /** The Router's folder in the model folder ('' for the folder itself). */
  readonly path: string;
  readonly modules: ReadonlyArray<{ readonly id: string; readonly type: string }>;
}

/**
 * The Router's modules when modules.json lists a Router (undefined when the folder has no
 * modules.json or no Router in it): what a download must fetch, module folder by module folder.
 * @throws LayoutError naming modules.json or router_config.json when they do not fit
 */
export async function readRouterModules(files: ModelFiles): Promise<RouterModules | undefined> {
  const path = modulePath(await readModules(files), (type) => type === ROUTER_MODULE, 'Router');
  if (path === undefined) return undefined;
  const { types } = await readRouterConfig(subfolderFiles(files, path));
  const modules = Object.entries(types).map(([id, type]) => {
    if (typeof type !== 'string') throw new LayoutError(`${files.location}/${path ? `${path}/` : ''}router_config.json: module ${JSON.stringify(id)} has no type`);
    return { id, type };
  });
  return { path, modules };
}

async function readRouterLayout(root: ModelFiles, path: string): Promise<SpladeFolderLayout> {
  const files = subfolderFiles(root, path);
  const where = `${files.location}/router_config.json`;
  const { types, structure } = await readRouterConfig(files);
  const route = (name: string): Array<{ id: string; type: string }> => {
    const ids = structure[name];
    if (!Array.isArray(ids) || ids.length === 0) throw new LayoutError(`${where}: structure has no "${name}" route`);
    return ids.map((id) => {
      if (typeof id !== 'string' || typeof types[id] !== 'string') throw new LayoutError(`${where}: module ${JSON.stringify(id)} of the "${name}" route has no type`);
      return { id, type: types[id] as string };
    });
  };
  const document = route('document');
  const mlm = document[0];
  if (!MLM.test(mlm.type)) throw new LayoutError(`${where}: the document route starts with ${mlm.type}; splade-ts runs an MLMTransformer`);
  const pooling = document[1];
  if (document.length !== 2 || !POOLING.test(pooling.type)) {
    throw new LayoutError(`${where}: the document route is ${document.map((m) => m.type).join(' + ')}; splade-ts runs MLMTransformer + SpladePooling`);
  }
  const poolingActivation = await readPooling(subfolderFiles(files, pooling.id));
  const query = route('query');
  if (query.length === 1 && MLM.test(query[0].type)) return { documentFiles: subfolderFiles(files, mlm.id), poolingActivation };
  if (query.length !== 1 || !STATIC.test(query[0].type)) {
    throw new LayoutError(`${where}: the query route is ${query.map((m) => m.type).join(' + ')}; splade-ts runs a SparseStaticEmbedding (or the document route)`);
  }
  return {
    documentFiles: subfolderFiles(files, mlm.id),
    poolingActivation,
    queryWeights: await readStaticEmbedding(subfolderFiles(files, query[0].id)),
  };
}

async function readPooling(files: ModelFiles): Promise<PoolingActivation> {
  const where = `${files.location}/config.json`;
  const config = (await files.has('config.json')) ? await readJson(files, 'config.json') : {};
  if (!isRecord(config)) throw new LayoutError(`${where}: expected a JSON object`);
  const strategy = config.pooling_strategy ?? 'max';
  if (strategy !== 'max') throw new LayoutError(`${where}: pooling_strategy ${JSON.stringify(strategy)} is not supported (splade-ts pools with max)`);
  const activation = config.activation_function ?? 'relu';
  if (activation !== 'relu' && activation !== 'log1p_relu') {
    throw new LayoutError(`${where}: activation_function must be "relu" or "log1p_relu", got ${JSON.stringify(activation)}`);
  }
  return activation;
}

async function readStaticEmbedding(files: ModelFiles): Promise<StaticQueryWeights> {
  const name = 'model.safetensors';
  if (!(await files.has(name))) throw new ModelFilesError(`${files.location}: no ${name} (the SparseStaticEmbedding's weight)`);
  const source = `${files.location}/${name}`;
  const tensors = readSafetensors(await files.readBytes(name), source);
  const info = tensors.info('weight');
  if (!info || info.shape.length !== 1) throw new LayoutError(`${source}: expected a tensor 'weight' of shape [vocab]`);
  return { kind: 'sparse-static-embedding', source, files, weight: Float32Array.from(tensors.float32('weight')) };
}

async function readIdf(files: ModelFiles): Promise<StaticQueryWeights> {
  const source = `${files.location}/idf.json`;
  const json = await readJson(files, 'idf.json');
  if (!isRecord(json)) throw new LayoutError(`${source}: expected an object {token: weight}`);
  const idf = new Map<string, number>();
  for (const [token, weight] of Object.entries(json)) {
    if (typeof weight !== 'number' || !Number.isFinite(weight)) throw new LayoutError(`${source}: the weight of ${JSON.stringify(token)} is ${JSON.stringify(weight)}, not a number`);
    idf.set(token, weight);
  }
  return { kind: 'idf', source, idf };
}
