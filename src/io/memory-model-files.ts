// Model files held in memory: buffers, strings or Blobs (e.g. the `File`s of an
// <input type="file" webkitdirectory>), keyed by their path inside the folder ('config.json',
// 'document_0_MLMTransformer/config.json').
import { ModelFilesError } from './model-files-error.js';
import type { ModelFiles } from './model-files.js';

/** A file's content: bytes, text, or a Blob (a picked `File`), read when the loader asks for it. */
export type MemoryFile = Uint8Array | ArrayBuffer | string | Blob;

/**
 * Model files from memory.
 * @param files path inside the folder (e.g. 'config.json') to its content
 * @param location what to call the collection in error messages
 */
export function memoryModelFiles(files: Readonly<Record<string, MemoryFile>> | ReadonlyMap<string, MemoryFile>, location = 'memory'): ModelFiles {
  const map = files instanceof Map ? new Map(files) : new Map(Object.entries(files));
  const get = (name: string): MemoryFile => {
    const file = map.get(name);
    if (file === undefined) throw new ModelFilesError(`${location}: no file '${name}'`);
    return file;
  };
  return {
    location,
    has: async (name) => map.has(name),
    async readBytes(name) {
      const file = get(name);
      if (typeof file === 'string') return new TextEncoder().encode(file);
      if (file instanceof Uint8Array) return file;
      if (file instanceof ArrayBuffer) return new Uint8Array(file);
      return new Uint8Array(await file.arrayBuffer());
    },
    async readText(name) {
      const file = get(name);
      if (typeof file === 'string') return file;
      if (file instanceof Blob) return file.text();
      return new TextDecoder().decode(file);
    },
  };
}
