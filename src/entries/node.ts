// splade-ts/node: files on disk (Node, Deno, Bun): model folders, safetensors and PyTorch
// files, conversion, atomic writes, search index files; `listen`, an HTTP server for
// splade-ts/serve's handler.
export { FileAccessError, writeFileAtomic } from '../node/files.js';
export { openSafetensorsFile, readSafetensorsFile, readSafetensorsHeaderFile, writeSafetensorsFile } from '../node/safetensors-file.js';
export { folderModelFiles } from '../node/folder-model-files.js';
export { loadModelFolderFromDisk } from '../node/model-folder.js';
export { readPytorchCheckpointFile } from '../node/pytorch-file.js';
export { ConvertSourceError, convertToSafetensors, type ConversionResult } from '../node/convert.js';
export { buildIndexFile, fileRunStorage, openIndexFile, type IndexFileOptions } from '../node/index-file.js';
export { CorpusTexts, CorpusTextsError, type CorpusTextsOptions } from '../node/corpus/corpus-texts.js';
export { OutputIsInputError } from '../node/same-file.js';
export { quantizeModelFolder, type QuantizeResult } from '../node/quantize.js';
export { listen, type Listening, type RequestHandler } from '../node/http-server.js';
