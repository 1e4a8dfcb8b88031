// Loading a model folder from disk (Node).
import { loadModelFolder, type LoadModelFolderOptions, type ModelFolder } from '../io/model-folder.js';
import { folderModelFiles } from './folder-model-files.js';

/** Loads the Hugging Face model folder `dir` (see loadModelFolder). */
export function loadModelFolderFromDisk(dir: string, options?: LoadModelFolderOptions): Promise<ModelFolder> {
  return loadModelFolder(folderModelFiles(dir), options);
}
