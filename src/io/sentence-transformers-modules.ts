// The module lists of sentence-transformers folders, read as sentence_transformers loads them:
// modules.json lists the modules in the order they run, each saved in the folder its `path`
// names ('' for the folder itself) and of the class its `type` names (the Python module, e.g.
// `sentence_transformers.sparse_encoder.models.MLMTransformer`); a Router's router_config.json
// gives `types` (module id -> class, each module saved in the folder named by its id) and
// `structure` (route name -> module ids, in order).
import { SpladeError } from '../errors.js';
import type { ModelFiles } from './model-files.js';
import { subfolderFiles } from './subfolder-files.js';

/** A model folder's layout files that do not say what splade-ts can run. */
export class LayoutError extends SpladeError {}

/** modules.json's `type` of a sentence-transformers Router. */
export const ROUTER_MODULE = 'sentence_transformers.models.Router';
const MLM = /\.MLMTransformer$/;
const STATIC = /\.SparseStaticEmbedding$/;
const POOLING = /\.SpladePooling$/;
/** The classes of sentence-transformers' sparse encoders (SparseAutoEncoder, CSR's, among them). */
const SPARSE_ENCODER = /^sentence_transformers\.sparse_encoder\./;

/** The sentence-transformers modules splade-ts runs, by what they are. */
export type RouterModuleKind = 'mlm' | 'sparse-static-embedding' | 'splade-pooling';

/** Which of the modules splade-ts runs a class is (undefined: none of them). */
export function routerModuleKind(type: string): RouterModuleKind | undefined {
  return MLM.test(type) ? 'mlm' : STATIC.test(type) ? 'sparse-static-embedding' : POOLING.test(type) ? 'splade-pooling' : undefined;
}

/** Whether a class is one of sentence-transformers' sparse-encoder modules (run by splade-ts or not). */
export function isSparseEncoderModule(type: string): boolean {
  return SPARSE_ENCODER.test(type);
}

/** The classes of modules, short (`MLMTransformer + SpladePooling`), for messages. */
export function moduleNames(modules: ReadonlyArray<{ readonly type: string }>): string {
  return modules.map((m) => m.type.split('.').pop()).join(' + ');
}

export async function readJson(files: ModelFiles, name: string): Promise<unknown> {
  try {
    return JSON.parse(await files.readText(name));
  } catch (error) {
    if (error instanceof SpladeError) throw error;
    throw new LayoutError(`${files.location}/${name}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One module of modules.json: its folder and class. */
export interface ListedModule {
  readonly path: string;
  readonly type: string;
}

/** modules.json's modules in order, and where the file is (for messages). */
export interface ModuleList {
  readonly modules: readonly ListedModule[];
  readonly where: string;
}

/**
 * modules.json's modules (undefined when the folder has none).
 * @throws LayoutError when it is not a list of modules with a `type` and a `path`
 */
export async function readModuleList(files: ModelFiles): Promise<ModuleList | undefined> {
  if (!(await files.has('modules.json'))) return undefined;
  const list = await readJson(files, 'modules.json');
  const where = `${files.location}/modules.json`;
  if (!Array.isArray(list)) throw new LayoutError(`${where}: expected a list of modules`);
  const modules = list.map((m: unknown, index) => {
    if (!isRecord(m) || typeof m.type !== 'string') throw new LayoutError(`${where}: module ${index} has no "type"`);
    if (typeof m.path !== 'string') throw new LayoutError(`${where}: the ${moduleNames([m as { type: string }])} module has no "path"`);
    return { path: m.path, type: m.type };
  });
  return { modules, where };
}

/** A Router's router_config.json: each module's class by its id (its folder), and the routes' module ids. */
export interface RouterConfig {
  readonly types: Record<string, unknown>;
  readonly structure: Record<string, unknown>;
  readonly where: string;
}

export async function readRouterConfig(files: ModelFiles): Promise<RouterConfig> {
  const where = `${files.location}/router_config.json`;
  const config = await readJson(files, 'router_config.json');
  if (!isRecord(config) || !isRecord(config.types) || !isRecord(config.structure)) {
    throw new LayoutError(`${where}: expected {"types": {...}, "structure": {...}}`);
  }
  return { types: config.types, structure: config.structure, where };
}

/** The module folders of a sentence-transformers folder: where they are saved, and each one's folder (its id) and class. */
export interface RouterModules {
  /** The folder the ids are relative to ('' for the folder itself: a Router's, or modules.json's). */
  readonly path: string;
  readonly modules: ReadonlyArray<{ readonly id: string; readonly type: string }>;
}

/**
 * The module folders to fetch or probe: a Router's modules when modules.json lists a Router,
 * else modules.json's own modules when it lists a sparse encoder's (undefined when the folder has
 * no modules.json, or a dense model's).
 * @throws LayoutError naming modules.json or router_config.json when they do not fit
 */
export async function readRouterModules(files: ModelFiles): Promise<RouterModules | undefined> {
  const list = await readModuleList(files);
  const router = list?.modules.find((m) => m.type === ROUTER_MODULE);
  if (router === undefined) {
    if (!list?.modules.some((m) => isSparseEncoderModule(m.type))) return undefined;
    return { path: '', modules: list.modules.map((m) => ({ id: m.path, type: m.type })) };
  }
  const { types, where } = await readRouterConfig(subfolderFiles(files, router.path));
  const modules = Object.entries(types).map(([id, type]) => {
    if (typeof type !== 'string') throw new LayoutError(`${where}: module ${JSON.stringify(id)} has no type`);
    return { id, type };
  });
  return { path: router.path, modules };
}
