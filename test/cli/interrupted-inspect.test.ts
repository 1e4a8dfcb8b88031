// Ctrl-C or `kill` during `splade inspect --out`: the dump is written under a hidden temporary
// name renamed at the end; a stopped run removes it, says so in one line and exits with the
// status a shell reports for the signal.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../foundation/tmp.js';
import { interruptWhileWriting } from './interrupt.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const f32 = join(root, 'test/parity/fixtures/f32');
const dir = tempDir('interrupted-inspect');

/** A file of `rows` rows of 32 token ids (the f32 test model's longest), for --input-ids. */
function inputIds(rows: number): string {
  const path = join(dir, `ids-${rows}.json`);
  const row = Array.from({ length: 32 }, (_, i) => (i === 0 ? 2 : i === 31 ? 3 : 5 + ((i * 7) % 200)));
  writeFileSync(path, JSON.stringify({ input_ids: Array.from({ length: rows }, () => row) }));
  return path;
}

// The logits of 500 rows (~16 MB as F32, written for ~130 ms here), of 40 rows as JSON (~4 MB of
// text, ~1 s): still being written when the signal comes.
const inspect = (ids: string, file: string) => (out: string): string[] => ['inspect', '--model', f32, '--input-ids', ids, '--logits', '--out', join(out, file)];
const said = (file: string): string => `splade: interrupted: OUT/${file} was not written, and the temporary file is removed\n`;

test('inspect --out FILE.safetensors, SIGINT (Ctrl-C): no temporary file left, status 130, one line saying so', async () => {
  const run = inspect(inputIds(500), 'dump.safetensors');
  assert.equal(await interruptWhileWriting(join(dir, 'st'), 'dump.safetensors', run, 'SIGINT'), { code: 130, left: [], stderr: said('dump.safetensors') });
});

test('inspect --out FILE.json, SIGTERM: no temporary file left, status 143, one line saying so', async () => {
  const run = inspect(inputIds(40), 'dump.json');
  assert.equal(await interruptWhileWriting(join(dir, 'json'), 'dump.json', run, 'SIGTERM'), { code: 143, left: [], stderr: said('dump.json') });
});

test.run();
