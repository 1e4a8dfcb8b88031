// bench:runtimes -- --model DIR: one runtime loads a model folder with default options and
// encodes one short text (Node, Bun and Deno run this file as it is):
//   <runtime> run-model.mjs <library entry> <model folder>
// The Node entry reads the folder path; the browser bundle gets the files' bytes
// (memoryModelFiles: Deno's fetch of file:// URLs refuses the HEAD requests urlModelFiles
// makes). Prints one line: RESULT <json> (backend, load and encode ms, peak RSS).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { peakRssMiB } from './parity-check.mjs';

const [entry, model] = process.argv.slice(2);
const splade = await import(pathToFileURL(resolve(entry)).href);
const started = performance.now();
const bytes = (name) => new Uint8Array(readFileSync(join(model, name)));
const location = entry.includes('browser')
  ? splade.memoryModelFiles({ 'config.json': bytes('config.json'), 'vocab.txt': bytes('vocab.txt'), 'model.safetensors': bytes('model.safetensors') })
  : resolve(model);
const encoder = await splade.SpladeEncoder.fromPretrained(location);
const loaded = performance.now();
const [vector] = await encoder.encode(['who built the atomic bomb in the manhattan project?']);
const encodeMs = performance.now() - loaded;
const result = { backendInfo: encoder.backendInfo.name, terms: vector.indices.length, loadMs: loaded - started, encodeMs };
encoder.dispose();
result.peakRssMiB = peakRssMiB(process, (path) => readFileSync(path, 'utf8'));
console.log(`RESULT ${JSON.stringify(result)}`);
