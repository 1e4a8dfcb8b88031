// Runs every test/**/*.test.ts with uvu in one process and ends with the line
// "N passed, N failed" that CI reads. Arguments filter files by substring:
//   npm test -- safetensors tokenizer
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

const testDir = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);

function findTests(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const files = findTests(testDir).filter(
  (f) => filters.length === 0 || filters.some((pattern) => relative(testDir, f).includes(pattern)),
);

const g = globalThis as unknown as { UVU_DEFER: number; UVU_QUEUE: unknown[][]; UVU_INDEX: number };
g.UVU_DEFER = 1;
g.UVU_QUEUE = [];
for (const [index, file] of files.entries()) {
  g.UVU_INDEX = index;
  g.UVU_QUEUE.push([relative(testDir, file)]);
  await import(pathToFileURL(file).href);
}

// uvu prints "Total: N" and "Passed: N"; CI wants "N passed, N failed" on its own line.
let printed = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  printed += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  if (printed.length > 4096) printed = printed.slice(-4096);
  return write(chunk, ...rest);
}) as typeof process.stdout.write;

const { exec } = await import('uvu');
await exec();
process.stdout.write = write;
// eslint-disable-next-line no-control-regex
const plain = printed.replace(/\x1b\[[0-9;]*m/g, '');
const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
console.log(`${passed} passed, ${total - passed} failed, ${skipped} skipped`);
if (files.length === 0) {
  console.error('no test files matched');
  process.exitCode = 1;
}
