// The files of a module folder inside a model folder (sentence-transformers saves each module
// of a Router in a folder of its own), read through the parent's ModelFiles.
import { ModelFilesError } from './model-files-error.js';
import type { ModelFiles } from './model-files.js';

/**
 * `files` seen from the sub-folder `path` ('' is the folder itself).
 * @throws ModelFilesError when `path` would leave the folder (absolute, `..`)
 */
export function subfolderFiles(files: ModelFiles, path: string): ModelFiles {
  const clean = path.replace(/\/+$/, '');
  if (clean === '' || clean === '.') return files;
  if (clean.startsWith('/') || clean.split('/').some((part) => part === '..' || part === '')) {
    throw new ModelFilesError(`${files.location}: module path '${path}' is not a folder inside the model folder`);
  }
  const name = (file: string): string => `${clean}/${file}`;
  const open = files.openSafetensors?.bind(files);
  return {
    location: `${files.location}/${clean}`,
    has: (file) => files.has(name(file)),
    readBytes: (file) => files.readBytes(name(file)),
    readText: (file) => files.readText(name(file)),
    ...(open ? { openSafetensors: (file: string) => open(name(file)) } : {}),
  };
}
