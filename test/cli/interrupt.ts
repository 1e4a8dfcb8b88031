// Stops a splade command while it writes: `splade convert`, `inspect`, `explain`, `export` and
// `quantize` write under a temporary name and should leave nothing behind when stopped.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface Interrupted {
  readonly code: number | null;
  /** What the output's folder holds after the run. */
  readonly left: string[];
  /** Its stderr, with the output's folder written OUT. */
  readonly stderr: string;
}

/**
 * Runs `splade ARGS` (`args(out)`, given a fresh folder `out` to write into) and sends `signal`
 * as soon as anything appears in that folder (the temporary file or staging folder), failing
 * should `output` appear first (the run finished before it could be stopped).
 */
export async function interruptWhileWriting(out: string, output: string, args: (out: string) => string[], signal: NodeJS.Signals): Promise<Interrupted> {
  mkdirSync(out);
  const child = spawn(process.execPath, [join(root, 'bin/splade.js'), ...args(out)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let exited = false;
  void closed.then(() => (exited = true));
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const files = readdirSync(out);
    assert.not.ok(files.includes(output), 'the command finished before it could be stopped');
    assert.not.ok(exited, `the command exited before writing: ${stderr}`);
    if (files.length > 0) break;
  }
  child.kill(signal);
  return { code: await closed, left: readdirSync(out), stderr: stderr.split(out).join('OUT') };
}
