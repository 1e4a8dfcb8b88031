// One runtime's side of the matrix (Node, Bun and Deno run this file as it is):
//   <runtime> run-check.mjs <library entry> <fixture folder> [--kernels <kernels.wasm>] [--tokenizers <cases folder>]
// imports the library (the Node entry or the browser bundle), runs parityCheck with default
// options (or with the kernels file as wasmModule); with --tokenizers, also imports the
// tokenizer subpath beside the entry (node/tokenizer.js, browser/tokenizer.js) and runs
// tokenizerCheck on the cases folder (tokenizer-cases.ts). Prints one line: RESULT <json>.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FIXTURE_FILES, parityCheck, peakRssMiB } from './parity-check.mjs';
import { TOKENIZER_CHECK_FILES, tokenizerCheck } from './tokenizer-check.mjs';

const [entry, fixture, ...flags] = process.argv.slice(2);
const flag = (name) => {
  const at = flags.indexOf(name);
  return at >= 0 ? flags[at + 1] : undefined;
};
const kernels = flag('--kernels');
const tokenizerCases = flag('--tokenizers');
const started = performance.now();
const splade = await import(pathToFileURL(resolve(entry)).href);
const files = Object.fromEntries(FIXTURE_FILES.map((name) => [name, new Uint8Array(readFileSync(join(fixture, name)))]));
const options = kernels ? { wasmModule: new WebAssembly.Module(readFileSync(kernels)) } : {};
const result = await parityCheck(splade, files, options);
if (tokenizerCases) {
  const tokenizer = await import(pathToFileURL(join(dirname(resolve(entry)), 'tokenizer.js')).href);
  const caseFiles = Object.fromEntries(TOKENIZER_CHECK_FILES.map((name) => [name, new Uint8Array(readFileSync(join(tokenizerCases, name)))]));
  result.tokenizers = await tokenizerCheck(splade, tokenizer, caseFiles);
}
result.totalMs = performance.now() - started;
result.peakRssMiB = peakRssMiB(process, (path) => readFileSync(path, 'utf8'));
console.log(`RESULT ${JSON.stringify(result)}`);
