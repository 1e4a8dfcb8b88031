// Loading a model folder from disk (Node).
import { loadModelFolder, type LoadModelFolderOptions, type ModelFolder } from '../io/model-folder.js';
import { readSpladeFolderLayout } from '../io/sparse-encoder-layout.js';
import { folderModelFiles } from './folder-model-files.js';

/** Loads the Hugging Face model folder `dir` (see loadModelFolder). */
export function loadModelFolderFromDisk(dir: string, options?: LoadModelFolderOptions): Promise<ModelFolder> {
  return loadModelFolder(folderModelFiles(dir), options);
}

/**
 * The folder of a model folder's MLM: the folder itself, or in a sentence-transformers Router
 * layout its document route's MLMTransformer folder. Only a modules.json makes it look further
 * (so a plain folder's idf.json is not read here).
 */
export async function mlmFolderOf(dir: string): Promise<string> {
  const files = folderModelFiles(dir);
  if (!(await files.has('modules.json'))) return dir;
  return (await readSpladeFolderLayout(files)).documentFiles.location;
}
