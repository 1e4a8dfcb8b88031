// Writes the quantized copy of a model folder (see src/io/quantize-model.ts). The copy is the
// whole folder as `splade encode` reads it: in a sentence-transformers Router layout the
// document MLM's subfolder gets the compact model.safetensors and config.json, and every other
// file (tokenizer files, OpenSearch's idf.json, the Router's other modules) is copied as it is,
// so the quantized folder keeps its query route. It is built in a hidden sibling folder, named
// and tracked as the temporary files are (temp-files.ts, so a signal can remove it), and renamed
// into place, so `out` appears complete or not at all.
import { copyFile, mkdir, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { SpladeError } from '../errors.js';
import { SafetensorsFile } from '../formats/safetensors.js';
import type { TensorToWrite } from '../formats/safetensors-writer.js';
import { floatColumnChooser } from '../io/float-columns.js';
import { loadMaskedLM } from '../io/masked-lm.js';
import type { ModelFolder } from '../io/model-folder.js';
import { quantizedConfig, quantizedTensors, type QuantizedDType } from '../io/quantize-model.js';
import { readRouterModules, readSpladeFolderLayout } from '../io/sparse-encoder-layout.js';
import { disposeBackend } from '../tensor/backend.js';
import { createBackend } from './backend.js';
import { fileError, writeFileAtomic } from './files.js';
import { folderModelFiles } from './folder-model-files.js';
import { loadModelFolderFromDisk } from './model-folder.js';
import { writeSafetensorsFile } from './safetensors-file.js';
import { releaseTemp, tempPathFor } from './temp-files.js';

/**
 * Files that hold a model's weights in some format (safetensors and their shards' index,
 * PyTorch pickles, TensorFlow, Flax, Rust, ONNX, checkpoints): in the MLM's folder these are
 * the float weights the quantized model.safetensors replaces, so they are not copied.
 */
const WEIGHT_FILE = /\.(safetensors|bin|h5|msgpack|ot|onnx|pt|pth|ckpt)$|\.index\.json$/;

export interface QuantizeResult {
  readonly tensors: number;
  readonly weightBytes: number;
  /** Files copied as they are, relative to the folder ('/'-separated). */
  readonly copied: readonly string[];
  /** The MLM's float weights (files, and subfolders holding other formats of them), not copied. */
  readonly leftOut: readonly string[];
}

/**
 * Quantizes the model folder `src` into the new (or empty) folder `out`.
 * @throws SpladeError when `out` is `src` or holds files, or the source is already quantized;
 *   WeightError (naming the source's file and tensor) when its model does not load
 */
export async function quantizeModelFolder(src: string, out: string, dtype: QuantizedDType): Promise<QuantizeResult> {
  if (resolve(src) === resolve(out)) throw new SpladeError(`--out must differ from the source folder (${src})`);
  const kind = await stat(out).then((st) => (st.isDirectory() ? 'folder' : 'file'), () => 'none');
  if (kind === 'file') throw new SpladeError(`${out}: is a file; --out takes a new or empty folder`);
  if (kind === 'folder' && (await readdir(out)).length > 0) throw new SpladeError(`${out}: the output folder is not empty (give a new or empty folder)`);
  const layout = await readSpladeFolderLayout(folderModelFiles(src));
  // The document MLM, and a Router's query MLM where its query route has one.
  const mlms = [layout, ...(layout.queryModel ? [layout.queryModel] : [])].map((m) => relative(src, m.documentFiles.location));
  const partial = tempPathFor(resolve(out));
  try {
    const counts = [];
    for (const mlm of mlms) counts.push(await writeQuantizedModel(join(src, mlm), join(partial, mlm), dtype));
    const written = { tensors: counts.reduce((n, c) => n + c.tensors, 0), weightBytes: counts.reduce((n, c) => n + c.weightBytes, 0) };
    const { copied, leftOut } = await copyOtherFiles(src, partial, { mlms, modules: await moduleFolders(src) }, [resolve(out), partial]);
    // An empty `out` is replaced (rename cannot replace a folder everywhere).
    await rmdir(out).catch(() => undefined);
    await rename(partial, out).catch((error: unknown) => { throw fileError(out, 'write', error); });
    return { ...written, copied, leftOut };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  } finally {
    releaseTemp(partial);
  }
}

/** The MLM folder `from`'s weights, quantized, as `to`/model.safetensors, and its config.json saying how. */
async function writeQuantizedModel(from: string, to: string, dtype: QuantizedDType): Promise<{ tensors: number; weightBytes: number }> {
  const folder = await loadModelFolderFromDisk(from);
  await checkModelLoads(folder, dtype);
  const configJson = JSON.parse(await readFile(join(from, 'config.json'), 'utf8')) as Record<string, unknown>;
  const source = folder.weights;
  const readInteger = (name: string): TensorToWrite | undefined => {
    if (!(source instanceof SafetensorsFile)) return undefined;
    const info = source.info(name)!;
    return { dtype: info.dtype, shape: info.shape, data: source.bytesOf(name).slice() };
  };
  const tensors = [...quantizedTensors(source, dtype, readInteger, floatColumnChooser(folder.config, source))];
  await mkdir(to, { recursive: true });
  await writeSafetensorsFile(join(to, 'model.safetensors'), tensors, { format: 'pt' });
  await writeFileAtomic(join(to, 'config.json'), JSON.stringify(quantizedConfig(configJson, dtype), null, 2) + '\n');
  return { tensors: tensors.length, weightBytes: tensors.reduce((sum, [, t]) => sum + t.data.byteLength, 0) };
}

/**
 * Loads the folder's model held as `dtype`, then drops it, so that a source `splade encode`
 * would refuse (a missing tensor, a wrong shape, an integer weight) is refused here with the
 * same message naming the source's file. Quantizing alone reads each tensor without knowing
 * what the model needs: such a source was written out as a folder that fails only when used,
 * its error naming the copy. Held as `dtype`, the check's model is the size of the output.
 */
async function checkModelLoads(folder: ModelFolder, dtype: QuantizedDType): Promise<void> {
  // TypeScript kernels on one thread: nothing to start for a model never run, and they hold
  // compact weights as they are (the reference backend would widen them to float32).
  const backend = await createBackend({ kernels: 'typescript', threads: 1 });
  try {
    await loadMaskedLM(folder.config, folder.weights, backend, { dtype });
  } finally {
    disposeBackend(backend);
  }
}

/**
 * The folders of a sentence-transformers layout's modules (relative to `src`, with the
 * platform's separator), so that a module saved inside the MLM's folder (a SparseStaticEmbedding
 * beside a root MLM, as in OpenSearch's doc-only repositories) is copied, not taken for another
 * format of the MLM's weights.
 */
async function moduleFolders(src: string): Promise<Set<string>> {
  const modules = await readRouterModules(folderModelFiles(src));
  if (!modules) return new Set();
  return new Set(modules.modules.filter(({ id }) => id !== '' && id !== '.').map(({ id }) => join(modules.path, id)));
}

/**
 * Copies every file of `src` into `out` but the MLM folders' (`layout.mlms`, relative) weights
 * and config.json, written quantized instead; hidden files and folders (.git) are skipped, and
 * so are the MLM folder's subfolders that hold weight files (onnx/ and such: other formats of
 * the float weights) unless they are module folders (`layout.modules`), and `outputs`
 * (absolute: the folders being written, should they lie inside).
 */
async function copyOtherFiles(
  src: string,
  out: string,
  layout: { mlms: readonly string[]; modules: ReadonlySet<string> },
  outputs: readonly string[],
): Promise<{ copied: string[]; leftOut: string[] }> {
  const { mlms, modules } = layout;
  const copied: string[] = [];
  const leftOut: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const inMlm = mlms.includes(dir);
    for (const entry of await readdir(join(src, dir), { withFileTypes: true })) {
      const path = dir === '' ? entry.name : `${dir}${sep}${entry.name}`;
      if (entry.name.startsWith('.') || outputs.includes(resolve(src, path))) continue;
      if (await isFolder(join(src, path), entry)) {
        if (inMlm && !modules.has(path) && (await holdsWeights(join(src, path)))) leftOut.push(`${path}/`);
        else await walk(path);
      } else if (inMlm && (WEIGHT_FILE.test(entry.name) || entry.name === 'config.json')) {
        if (entry.name !== 'config.json') leftOut.push(path);
      } else {
        await mkdir(dirname(join(out, path)), { recursive: true });
        await copyFile(join(src, path), join(out, path)).catch((error: unknown) => { throw fileError(join(src, path), 'copy', error); });
        copied.push(path.split(sep).join('/'));
      }
    }
  };
  await walk('');
  return { copied, leftOut: leftOut.map((p) => p.split(sep).join('/')) };
}

/** Whether `entry` (at `path`) is a folder, or a link to one (a Hugging Face cache snapshot links its files). */
async function isFolder(path: string, entry: { isDirectory(): boolean; isSymbolicLink(): boolean }): Promise<boolean> {
  if (!entry.isSymbolicLink()) return entry.isDirectory();
  return (await stat(path).catch((error: unknown) => { throw fileError(path, 'read', error); })).isDirectory();
}

/** Whether a folder holds a weight file (or a link to one) anywhere below it. */
async function holdsWeights(dir: string): Promise<boolean> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isDirectory() && WEIGHT_FILE.test(entry.name)) return true;
  }
  return false;
}
