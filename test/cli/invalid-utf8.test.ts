// Input lines that are not UTF-8 stop the run with the file and line named (exit 1); a
// lenient decoder used to turn the bytes into U+FFFD and encode or tokenize another text.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = tempDir('invalid-utf8');
const model = join(dir, 'model');
const input = join(dir, 'texts.jsonl');

function splade(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test.before(async () => {
  await writeRandomBertFolder(model, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 16, vocab: 300, seed: 4 });
  // Line 2 is Latin-1 "café", not UTF-8.
  writeFileSync(input, Buffer.concat([Buffer.from('{"id": "a", "text": "ok"}\n{"id": "b", "text": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]));
});

for (const [name, args] of [
  ['encode --input', ['encode', '--input', input]],
  ['encode --input --output', ['encode', '--input', input, '--output', join(dir, 'vectors.jsonl')]],
  ['tokenize --input', ['tokenize', '--input', input]],
] as const) {
  test(`${name}: the line that is not UTF-8 is named`, () => {
    const { code, stderr } = splade([...args, '--model', model]);
    assert.is(code, 1, stderr);
    assert.is(stderr, `splade: ${input} line 2: not valid UTF-8 text\n`);
  });
}

test.run();
