// A fresh temporary folder per test file, removed when the process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `splade-${label}-`));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
