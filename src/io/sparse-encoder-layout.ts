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
// A SparseEncoder saved without a Router has a modules.json listing MLMTransformer (in the folder
// its path names, usually the folder itself) and SpladePooling (its config.json in a folder of
// its own). Module lists splade-ts cannot run as sentence-transformers would are refused.
import { readSafetensors } from '../formats/safetensors.js';
import { ModelFilesError } from './model-files-error.js';
import type { ModelFiles } from './model-files.js';
import {
  isRecord, isSparseEncoderModule, LayoutError, moduleNames, readJson, readModuleList, readRouterConfig, ROUTER_MODULE, routerModuleKind,
  type ModuleList,
} from './sentence-transformers-modules.js';
import { subfolderFiles } from './subfolder-files.js';

export { LayoutError, readRouterModules, routerModuleKind, type RouterModuleKind, type RouterModules } from './sentence-transformers-modules.js';

/** SpladePooling's `activation_function`: log(1 + relu(x)), or `log1p_relu`: log(1 + log(1 + relu(x))). */
export type PoolingActivation = 'relu' | 'log1p_relu';

/** The weights of inference-free queries, by where they were found. */
export type StaticQueryWeights =
  | { readonly kind: 'idf'; readonly source: string; readonly idf: ReadonlyMap<string, number> }
  | { readonly kind: 'sparse-static-embedding'; readonly source: string; readonly files: ModelFiles; readonly weight: Float32Array };

/** An MLM of a model folder, and how it is pooled and fed. */
export interface MlmLayout {
  /** The Hugging Face MLM folder (for the document MLM: it encodes queries too without a query route). */
  readonly documentFiles: ModelFiles;
  readonly poolingActivation: PoolingActivation;
  /**
   * sentence-transformers' `max_seq_length` of the MLM (its folder's sentence_bert_config.json),
   * where it has one: the tokens a text is truncated to, [CLS] and [SEP] included.
   */
  readonly maxSeqLength?: number;
  /**
   * How texts reach the MLM's tokenizer when sentence-transformers' MLMTransformer runs it (the
   * folder's modules.json lists one): stripped of Python's whitespace, and lowercased when its
   * sentence_bert_config.json says `do_lower_case`. Undefined for a plain MLM folder.
   */
  readonly mlmText?: MlmTextInput;
}

export interface SpladeFolderLayout extends MlmLayout {
  /**
   * The prompts sentence-transformers puts before each text (config_sentence_transformers.json's
   * `prompts`): `query` before queries (encode_query), `document` before documents
   * (encode_document: its "passage" and "corpus" fallbacks never apply, since the model's
   * prompts always hold a "document" one, '' by default). Only the non-empty ones.
   */
  readonly prompts?: { readonly query?: string; readonly document?: string };
  /** The inference-free query route, when the folder has one. */
  readonly queryWeights?: StaticQueryWeights;
  /** A Router's query route of its own MLMTransformer + SpladePooling, when it has one. */
  readonly queryModel?: MlmLayout;
}

/** What MLMTransformer.tokenize does to a text before its tokenizer: strip(), then lower() when `lowercase`. */
export interface MlmTextInput {
  readonly lowercase: boolean;
}

/**
 * Finds the parts of a model folder: a sentence-transformers Router layout when modules.json
 * has a Router, a SparseEncoder's MLMTransformer + SpladePooling when it lists those, else the
 * folder itself as the MLM; idf.json beside a modules.json without a Router is the query route.
 * @throws LayoutError naming the file and field that do not fit
 */
export async function readSpladeFolderLayout(files: ModelFiles): Promise<SpladeFolderLayout> {
  const layout = await withSentenceBertConfig(await readParts(files));
  // mlmText marks the sentence-transformers layouts, the only ones sentence-transformers reads prompts for.
  const prompts = layout.mlmText ? await readPrompts(files) : {};
  return {
    ...layout,
    ...(layout.queryModel ? { queryModel: await withSentenceBertConfig(layout.queryModel) } : {}),
    ...(prompts.query || prompts.document ? { prompts } : {}),
  };
}

/** `mlm` with its folder's sentence_bert_config.json applied: max_seq_length, and do_lower_case for an MLMTransformer. */
async function withSentenceBertConfig<T extends MlmLayout>(mlm: T): Promise<T> {
  const { maxSeqLength, doLowerCase } = await readSentenceBertConfig(mlm.documentFiles);
  return {
    ...mlm,
    ...(maxSeqLength === undefined ? {} : { maxSeqLength }),
    ...(mlm.mlmText ? { mlmText: { lowercase: doLowerCase } } : {}),
  };
}

/** The query and document prompts of config_sentence_transformers.json, as encode_query and encode_document choose them. */
async function readPrompts(files: ModelFiles): Promise<{ query?: string; document?: string }> {
  if (!(await files.has('config_sentence_transformers.json'))) return {};
  const where = `${files.location}/config_sentence_transformers.json`;
  const config = await readJson(files, 'config_sentence_transformers.json');
  const prompts = isRecord(config) ? config.prompts : undefined;
  if (prompts === undefined || prompts === null) return {};
  if (!isRecord(prompts) || !Object.values(prompts).every((p) => typeof p === 'string')) {
    throw new LayoutError(`${where}: prompts must be an object of texts, got ${JSON.stringify(prompts)}`);
  }
  const { query, document } = prompts as Record<string, string | undefined>;
  return { ...(query ? { query } : {}), ...(document ? { document } : {}) };
}

/** The MLM's sentence_bert_config.json (MLMTransformer's `max_seq_length` and `do_lower_case`), where the folder has one. */
async function readSentenceBertConfig(files: ModelFiles): Promise<{ maxSeqLength?: number; doLowerCase: boolean }> {
  if (!(await files.has('sentence_bert_config.json'))) return { doLowerCase: false };
  const where = `${files.location}/sentence_bert_config.json`;
  const config = await readJson(files, 'sentence_bert_config.json');
  if (!isRecord(config)) throw new LayoutError(`${where}: expected a JSON object`);
  const { max_seq_length: maxSeqLength, do_lower_case: doLowerCase } = config;
  if (doLowerCase !== undefined && doLowerCase !== null && typeof doLowerCase !== 'boolean') {
    throw new LayoutError(`${where}: do_lower_case must be true or false, got ${JSON.stringify(doLowerCase)}`);
  }
  if (maxSeqLength === undefined || maxSeqLength === null) return { doLowerCase: doLowerCase === true };
  if (typeof maxSeqLength !== 'number' || !Number.isInteger(maxSeqLength) || maxSeqLength < 2) {
    throw new LayoutError(`${where}: max_seq_length must be an integer of at least 2, got ${JSON.stringify(maxSeqLength)}`);
  }
  return { maxSeqLength, doLowerCase: doLowerCase === true };
}

async function readParts(files: ModelFiles): Promise<SpladeFolderLayout> {
  // modules.json read once (over HTTP every read is a request).
  const list = await readModuleList(files);
  if (list?.modules.some((m) => m.type === ROUTER_MODULE)) return readRouterLayout(files, routerPath(list));
  // No modules.json, or a dense model's beside the MLM folder: the folder as transformers reads it.
  if (!list?.modules.some((m) => isSparseEncoderModule(m.type))) return withIdf(files, { documentFiles: files, poolingActivation: 'relu' });
  // A SparseEncoder saved without a Router: its MLMTransformer's folder, pooled as its SpladePooling says.
  if (!isMlmRoute(list.modules)) {
    throw new LayoutError(`${list.where}: the modules are ${moduleNames(list.modules)}; splade-ts runs a SparseEncoder's MLMTransformer + SpladePooling (or a Router of them)`);
  }
  return withIdf(files, await readMlmRoute(files, list.modules.map((m) => ({ id: m.path }))));
}

/** The Router's folder, when it is the only module (sentence-transformers would run the others after it). */
function routerPath(list: ModuleList): string {
  if (list.modules.length !== 1) {
    throw new LayoutError(`${list.where}: the modules are ${moduleNames(list.modules)}; splade-ts runs a Router alone`);
  }
  return list.modules[0].path;
}

/** The layout with the folder's idf.json as the query route, when it has one. */
async function withIdf(files: ModelFiles, layout: SpladeFolderLayout): Promise<SpladeFolderLayout> {
  return (await files.has('idf.json')) ? { ...layout, queryWeights: await readIdf(files) } : layout;
}

async function readRouterLayout(root: ModelFiles, path: string): Promise<SpladeFolderLayout> {
  const files = subfolderFiles(root, path);
  const { types, structure, where } = await readRouterConfig(files);
  const route = (name: string): Array<{ id: string; type: string }> => {
    const ids = structure[name];
    if (!Array.isArray(ids) || ids.length === 0) throw new LayoutError(`${where}: structure has no "${name}" route`);
    return ids.map((id) => {
      if (typeof id !== 'string' || typeof types[id] !== 'string') throw new LayoutError(`${where}: module ${JSON.stringify(id)} of the "${name}" route has no type`);
      return { id, type: types[id] as string };
    });
  };
  const documentRoute = route('document');
  if (!isMlmRoute(documentRoute)) {
    throw new LayoutError(`${where}: the document route is ${moduleNames(documentRoute)}; splade-ts runs MLMTransformer + SpladePooling`);
  }
  const document = await readMlmRoute(files, documentRoute);
  const query = route('query');
  if (query.length === 1 && routerModuleKind(query[0].type) === 'sparse-static-embedding') {
    return { ...document, queryWeights: await readStaticEmbedding(subfolderFiles(files, query[0].id)) };
  }
  if (isMlmRoute(query)) return { ...document, queryModel: await readMlmRoute(files, query) };
  throw new LayoutError(`${where}: the query route is ${moduleNames(query)}; splade-ts runs a SparseStaticEmbedding, or MLMTransformer + SpladePooling, there`);
}

/** Whether a route is an MLMTransformer then a SpladePooling, the route splade-ts runs a model for. */
function isMlmRoute(modules: ReadonlyArray<{ type: string }>): boolean {
  return modules.length === 2 && routerModuleKind(modules[0].type) === 'mlm' && routerModuleKind(modules[1].type) === 'splade-pooling';
}

/**
 * An MLMTransformer + SpladePooling pair (a Router route's, or modules.json's), each module in
 * its folder under `files`: the MLM's folder and the pooling; do_lower_case is read later.
 */
async function readMlmRoute(files: ModelFiles, [mlm, pooling]: ReadonlyArray<{ id: string }>): Promise<MlmLayout> {
  const poolingActivation = await readPooling(subfolderFiles(files, pooling.id));
  return { documentFiles: subfolderFiles(files, mlm.id), poolingActivation, mlmText: { lowercase: false } };
}

async function readPooling(files: ModelFiles): Promise<PoolingActivation> {
  const where = `${files.location}/config.json`;
  const config = (await files.has('config.json')) ? await readJson(files, 'config.json') : {};
  if (!isRecord(config)) throw new LayoutError(`${where}: expected a JSON object`);
  // Absent fields take SpladePooling's defaults; a null is passed to its constructor, which refuses it.
  const strategy = config.pooling_strategy === undefined ? 'max' : config.pooling_strategy;
  if (strategy !== 'max') throw new LayoutError(`${where}: pooling_strategy ${JSON.stringify(strategy)} is not supported (splade-ts pools with max)`);
  const activation = config.activation_function === undefined ? 'relu' : config.activation_function;
  if (activation !== 'relu' && activation !== 'log1p_relu') {
    throw new LayoutError(`${where}: activation_function must be "relu" or "log1p_relu", got ${JSON.stringify(activation)}`);
  }
  return activation;
}

async function readStaticEmbedding(files: ModelFiles): Promise<StaticQueryWeights> {
  await refuseIdfPath(files);
  const name = 'model.safetensors';
  if (!(await files.has(name))) throw new ModelFilesError(`${files.location}: no ${name} (the SparseStaticEmbedding's weight)`);
  const source = `${files.location}/${name}`;
  const tensors = readSafetensors(await files.readBytes(name), source);
  const info = tensors.info('weight');
  if (!info || info.shape.length !== 1) throw new LayoutError(`${source}: expected a tensor 'weight' of shape [vocab]`);
  const weight = Float32Array.from(tensors.float32('weight'));
  // sentence-transformers would give a query such a weight as it is; splade-ts's index refuses a
  // negative query weight (its MaxScore bounds assume none), as Elasticsearch and OpenSearch do,
  // so the folder is refused when it loads rather than at the first query that meets one.
  const bad = weight.findIndex((w) => !(w >= 0 && w < Infinity));
  if (bad >= 0) throw new LayoutError(`${source}: weight[${bad}] is ${weight[bad]}; splade-ts runs static query weights that are finite and not negative`);
  return { kind: 'sparse-static-embedding', source, files, weight };
}

/**
 * A SparseStaticEmbedding whose config.json gives a `path` ending in .json is built at load
 * time from that idf.json (SparseStaticEmbedding.from_json), not from model.safetensors.
 */
async function refuseIdfPath(files: ModelFiles): Promise<void> {
  if (!(await files.has('config.json'))) return;
  const config = await readJson(files, 'config.json');
  const path = isRecord(config) ? config.path : undefined;
  if (typeof path === 'string' && path.endsWith('.json')) {
    throw new LayoutError(`${files.location}/config.json: "path" ${JSON.stringify(path)} builds the SparseStaticEmbedding from that JSON file when loading, which splade-ts does not do; save the module (its model.safetensors) instead`);
  }
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
