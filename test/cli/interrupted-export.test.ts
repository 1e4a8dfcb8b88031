// Ctrl-C or `kill` during `splade export`: the output is written to a hidden temporary file
// (.OUT.PID.HEX.tmp) renamed at the end; a stopped run removes it and exits with the status a
// shell reports for the signal, instead of leaving a file as large as the output behind.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../foundation/tmp.js';
import { randomVectors, vectorsJsonl } from '../export/vectors.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = tempDir('interrupted-export');
const vectors = join(dir, 'vectors.jsonl');

/** Starts an export into a fresh folder, sends `signal` once its temporary file is there; its exit status and what the folder holds after. */
async function interrupted(name: string, signal: NodeJS.Signals): Promise<{ code: number | null; left: string[]; stderr: string }> {
  const out = join(dir, name);
  mkdirSync(out);
  const child = spawn(process.execPath, [join(root, 'bin/splade.js'), 'export', '--vectors', vectors, '--to', 'qdrant', '--out', join(out, 'points.jsonl')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let sent = false;
  while (!sent) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const files = readdirSync(out);
    assert.not.ok(files.includes('points.jsonl'), 'the export finished before it could be stopped');
    if (files.some((file) => file.endsWith('.tmp'))) {
      child.kill(signal);
      sent = true;
    }
  }
  return { code: await closed, left: readdirSync(out), stderr: stderr.replace(out, 'OUT') };
}

test.before(() => {
  // Large enough (~40 MB of points) that the export is still writing when the signal comes.
  const many = randomVectors(20000, 30000, 200, 3);
  writeFileSync(vectors, vectorsJsonl(many.map((_, i) => `d${i}`), many));
});

// One line, as splade index says it when stopped.
const said = 'splade: interrupted: OUT/points.jsonl was not written, and the temporary file is removed\n';

test('SIGINT (Ctrl-C): no temporary file left, status 130, one line saying so', async () => {
  assert.equal(await interrupted('int', 'SIGINT'), { code: 130, left: [], stderr: said });
});

test('SIGTERM: no temporary file left, status 143, one line saying so', async () => {
  assert.equal(await interrupted('term', 'SIGTERM'), { code: 143, left: [], stderr: said });
});

test.run();
