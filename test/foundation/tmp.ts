// A fresh temporary folder per test file, removed when the process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Every test file runs in one process (test/run.ts): one exit listener removes all the folders,
// rather than one listener per folder, which passed Node's limit of 10 and made it warn of a leak.
const made: string[] = [];

function removeAll(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
}

export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `splade-${label}-`));
  if (made.length === 0) process.once('exit', removeAll);
  made.push(dir);
  return dir;
}
