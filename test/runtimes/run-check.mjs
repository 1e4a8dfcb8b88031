// One runtime's side of the matrix (Node, Bun and Deno run this file as it is):
//   <runtime> run-check.mjs <library entry> <fixture folder> [<kernels.wasm>]
// imports the library (the Node entry or the browser bundle), runs parityCheck with default
// options (or with the kernels file as wasmModule) and prints one line: RESULT <json>.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FIXTURE_FILES, parityCheck, peakRssMiB } from './parity-check.mjs';

const [entry, fixture, kernels] = process.argv.slice(2);
const started = performance.now();
const splade = await import(pathToFileURL(resolve(entry)).href);
const files = Object.fromEntries(FIXTURE_FILES.map((name) => [name, new Uint8Array(readFileSync(join(fixture, name)))]));
const options = kernels ? { wasmModule: new WebAssembly.Module(readFileSync(kernels)) } : {};
const result = await parityCheck(splade, files, options);
result.totalMs = performance.now() - started;
result.peakRssMiB = peakRssMiB(process, (path) => readFileSync(path, 'utf8'));
console.log(`RESULT ${JSON.stringify(result)}`);
