// Child of load-memory.test.ts: loads one file the way the library does and reports how far
// its resident memory rose above where it stood before (peak, from VmHWM on Linux).
import { readFileSync } from 'node:fs';
import { loadModelFolderFromDisk } from '../../src/node/model-folder.js';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';

function residentKb(field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

const [mode, path] = process.argv.slice(2);
// Collect start-up garbage first (the parent passes --expose-gc): otherwise a collection during
// loading can hand start-up pages back and hide megabytes of the rise (seen in CI: 0.89 x file).
(globalThis as { gc?: () => void }).gc?.();
const before = residentKb('VmRSS') ?? process.memoryUsage().rss / 1024;
const source = mode === 'folder' ? (await loadModelFolderFromDisk(path)).weights : await readSafetensorsFile(path);
// Keep every tensor, as a loaded model does: a folder is read tensor by tensor, so tensors
// dropped right away could be collected and make the rise depend on when GC runs.
const kept = source.names().map((name) => source.float32(name));
const sum = kept.reduce((total, values) => total + (values[0] ?? 0), 0);
const peak = residentKb('VmHWM') ?? process.memoryUsage().rss / 1024;
console.log(JSON.stringify({ riseBytes: (peak - before) * 1024, sum }));
