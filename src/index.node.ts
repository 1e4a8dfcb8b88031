// The Node entry: everything of the browser-safe API plus file-system loading.
export * from './index.js';
export { FileAccessError, writeFileAtomic } from './node/files.js';
export { readSafetensorsFile, readSafetensorsHeaderFile, writeSafetensorsFile } from './node/safetensors-file.js';
export { folderModelFiles } from './node/folder-model-files.js';
export { loadModelFolderFromDisk } from './node/model-folder.js';
// Shadows the browser SpladeEncoder of './index.js': here a string location is a folder path.
export { SpladeEncoder } from './node/splade-encoder.js';
export { createNodeBackend } from './node/backend.js';
