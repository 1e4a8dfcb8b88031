import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scanPartial, truncatePartial } from '../../src/node/corpus/resume.js';
import { tempDir } from '../foundation/tmp.js';

const dir = tempDir('resume');
const line = (id: string | number) => `{"id":${JSON.stringify(id)},"indices":[1,5],"values":[0.5,1.25]}\n`;

async function scan(name: string, content: string) {
  const path = join(dir, name);
  await writeFile(path, content);
  const handle = await open(path, 'r');
  try {
    return await scanPartial(handle);
  } finally {
    await handle.close();
  }
}

test('complete lines are all kept', async () => {
  const text = line('a') + line(2) + line('c');
  assert.equal(await scan('whole', text), { bytes: Buffer.byteLength(text), lines: 3, droppedBytes: 0 });
});

test('a half-written last line (kill -9 mid-write) is dropped', async () => {
  const kept = line('a') + line('b');
  const half = line('c').slice(0, 17);
  assert.equal(await scan('half', kept + half), { bytes: kept.length, lines: 2, droppedBytes: half.length });
});

test('everything from the first line that is not a vector line is dropped', async () => {
  const kept = line('a');
  const rest = '\0\0\0\0\n' + line('c');
  assert.equal(await scan('garbage', kept + rest), { bytes: kept.length, lines: 1, droppedBytes: rest.length });
  assert.equal((await scan('no-id', '{"indices":[]}\n')).lines, 0);
});

test('lines longer than the read chunk (1 MiB) are read whole', async () => {
  const long = `{"id":"long","indices":[${Array.from({ length: 200_000 }, (_, i) => i).join(',')}],"values":[]}\n`;
  assert.ok(long.length > 1 << 20);
  const text = line('a') + long + line('z').slice(0, 5);
  assert.equal(await scan('long', text), { bytes: line('a').length + long.length, lines: 2, droppedBytes: 5 });
});

test('truncatePartial cuts the file after the kept lines', async () => {
  const path = join(dir, 'cut');
  await writeFile(path, line('a') + line('b') + '{"id":"c","ind');
  const prefix = await truncatePartial(path);
  assert.is(prefix.lines, 2);
  assert.is(await readFile(path, 'utf8'), line('a') + line('b'));
});

test.run();
