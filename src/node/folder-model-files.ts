// Model files in a folder on disk. Safetensors weights are opened to be read tensor by tensor
// (openSafetensors), so the file is never whole in memory; other binary files (PyTorch
// pickles) are read into one exactly-sized buffer (no second copy).
import { open, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { SpladeError } from '../errors.js';
import { ModelFilesError } from '../io/model-files-error.js';
import type { ModelFiles } from '../io/model-files.js';
import { fileError, readFully } from './files.js';
import { openSafetensorsFile } from './safetensors-file.js';

/** Model files in the folder `dir`; names must stay inside it. */
export function folderModelFiles(dir: string): ModelFiles {
  const pathOf = (name: string): string => {
    const clean = normalize(name);
    if (isAbsolute(clean) || clean === '..' || clean.startsWith(`..${sep}`)) {
      throw new ModelFilesError(`${dir}: '${name}' is not a file name inside the model folder`);
    }
    return join(dir, clean);
  };
  const missing = (name: string, error: unknown): Error =>
    (error as { code?: string }).code === 'ENOENT'
      ? new ModelFilesError(`${dir}: no file '${name}'`, { cause: error })
      : fileError(pathOf(name), 'read', error);
  return {
    location: dir,
    async has(name) {
      try {
        return (await stat(pathOf(name))).isFile();
      } catch {
        return false;
      }
    },
    async readBytes(name) {
      const path = pathOf(name);
      let handle;
      try {
        handle = await open(path, 'r');
      } catch (error) {
        throw missing(name, error);
      }
      try {
        const bytes = new Uint8Array((await handle.stat()).size);
        await readFully(handle, bytes, 0, path);
        return bytes;
      } catch (error) {
        throw error instanceof SpladeError ? error : fileError(path, 'read', error);
      } finally {
        await handle.close();
      }
    },
    async readText(name) {
      try {
        return await readFile(pathOf(name), 'utf8');
      } catch (error) {
        throw missing(name, error);
      }
    },
    async openSafetensors(name) {
      const path = pathOf(name);
      try {
        await stat(path);
      } catch (error) {
        throw missing(name, error);
      }
      return openSafetensorsFile(path);
    },
  };
}
