// One measurement of bench/load.ts, in its own process so that maxRSS is this load's alone.
//   node --import tsx bench/load-child.ts folder|file|baseline PATH
// Prints one JSON line: { mode, seconds, maxRssBytes, hwmBytes, tensors, checksum }.
import { readFileSync } from 'node:fs';
import { loadModelFolderFromDisk } from '../src/node/model-folder.js';
import { readSafetensorsFile } from '../src/node/safetensors-file.js';
import type { TensorSource } from '../src/tensor/tensor-source.js';

const [mode, path] = process.argv.slice(2);

/** Reads every tensor as float32 (what the BERT loader does) and sums a value of each. */
function touchAll(source: TensorSource): { tensors: number; checksum: number } {
  let checksum = 0;
  const names = source.names();
  for (const name of names) {
    const info = source.info(name);
    if (info && (info.dtype === 'F32' || info.dtype === 'F16' || info.dtype === 'BF16')) {
      const values = source.float32(name);
      checksum += values[values.length - 1] ?? 0;
    }
  }
  return { tensors: names.length, checksum };
}

const started = performance.now();
let result = { tensors: 0, checksum: 0 };
if (mode === 'folder') result = touchAll((await loadModelFolderFromDisk(path)).weights);
else if (mode === 'file') result = touchAll(await readSafetensorsFile(path));
else if (mode !== 'baseline') throw new Error(`unknown mode ${mode}`);
const seconds = (performance.now() - started) / 1000;
// maxRSS (getrusage) survives exec on Linux, so it can include the parent's RSS at fork time;
// VmHWM in /proc/self/status is this process image's own peak. Both are reported.
const maxRssBytes = process.resourceUsage().maxRSS * 1024;
let hwmBytes: number | undefined;
try {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  if (kb) hwmBytes = Number(kb) * 1024;
} catch {
  // not Linux: maxRSS only
}
console.log(JSON.stringify({ mode, seconds, maxRssBytes, hwmBytes, ...result }));
