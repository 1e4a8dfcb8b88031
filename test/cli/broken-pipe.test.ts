// `splade ... | head`: when the reader of standard output goes away, the command stops at once
// and quietly (status 141, as a process SIGPIPE ends), not with Node's EPIPE stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = fileURLToPath(new URL('../../', import.meta.url));
const model = join(root, 'test/parity/roberta-fixtures/roberta-f32');

test('splade tokenize | head -1: status 141, nothing on stderr', async () => {
  const child = spawn(process.execPath, [join(root, 'bin/splade.js'), 'tokenize', '--model', model], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Far more output than one pipe buffer holds, so the command is still writing when the reader leaves.
  const lines = Array.from({ length: 20000 }, (_, i) => JSON.stringify({ id: i, text: `the sparse search engine number ${i}` }));
  child.stdin.on('error', () => {});
  child.stdin.end(lines.join('\n') + '\n');
  child.stdout.once('data', () => child.stdout.destroy());
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  assert.is(stderr, '');
  assert.is(status, 141);
});

// A full disk (/dev/full: every write fails with ENOSPC) is a failure, not a reader gone: one
// line on stderr naming standard output and the reason, status 1, no stack trace.
test('splade tokenize > /dev/full: one line on stderr, status 1', () => {
  if (!existsSync('/dev/full')) return;
  const full = openSync('/dev/full', 'w');
  try {
    const args = [join(root, 'bin/splade.js'), 'tokenize', '--model', model, '--text', 'the sparse search engine'];
    const result = spawnSync(process.execPath, args, { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
    assert.is(result.stderr, 'splade: cannot write to standard output: no space left on device (ENOSPC)\n');
    assert.is(result.status, 1);
  } finally {
    closeSync(full);
  }
});

test.run();
