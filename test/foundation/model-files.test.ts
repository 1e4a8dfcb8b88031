import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryModelFiles } from '../../src/io/memory-model-files.js';
import { ModelFilesError } from '../../src/io/model-files-error.js';
import { urlModelFiles } from '../../src/io/url-model-files.js';
import { folderModelFiles } from '../../src/node/folder-model-files.js';
import { tempDir } from './tmp.js';

const isFilesError = (pattern: string) => (e: unknown): boolean =>
  e instanceof ModelFilesError && (e as Error).message.includes(pattern);

async function rejects(promise: Promise<unknown>, pattern: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isFilesError(pattern)(error), `${String(error)} should be a ModelFilesError with '${pattern}'`);
    return;
  }
  assert.unreachable(`expected an error with '${pattern}'`);
}

test('memory files: bytes, text, ArrayBuffer and Blob; missing names the file', async () => {
  const files = memoryModelFiles({
    'a.txt': 'héllo',
    'b.bin': new Uint8Array([1, 2, 3]),
    'c.bin': new Uint8Array([4, 5]).buffer,
    'd.json': new Blob(['{"x":1}']),
  }, 'my-upload');
  assert.is(files.location, 'my-upload');
  assert.ok(await files.has('a.txt'));
  assert.not.ok(await files.has('zzz'));
  assert.is(await files.readText('a.txt'), 'héllo');
  assert.equal([...(await files.readBytes('a.txt'))], [...new TextEncoder().encode('héllo')]);
  assert.equal([...(await files.readBytes('b.bin'))], [1, 2, 3]);
  assert.equal([...(await files.readBytes('c.bin'))], [4, 5]);
  assert.is(await files.readText('d.json'), '{"x":1}');
  assert.equal([...(await files.readBytes('d.json'))], [...new TextEncoder().encode('{"x":1}')]);
  await rejects(files.readText('zzz'), "my-upload: no file 'zzz'");
});

test('URL files over a real local HTTP server: GET, HEAD, 404, folder escape', async () => {
  const server = createServer((request, response) => {
    const body = request.url === '/models/bert/config.json' ? '{"hidden_size":8}'
      : request.url === '/models/bert/sub%20dir/x.bin' ? 'bytes' : undefined;
    response.statusCode = body === undefined ? 404 : 200;
    response.end(request.method === 'HEAD' ? undefined : body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/bert`;
    const files = urlModelFiles(base);
    assert.is(files.location, `${base}/`);
    assert.ok(await files.has('config.json'));
    assert.not.ok(await files.has('model.safetensors'));
    assert.is(await files.readText('config.json'), '{"hidden_size":8}');
    assert.is(new TextDecoder().decode(await files.readBytes('sub dir/x.bin')), 'bytes');
    await rejects(files.readBytes('model.safetensors'), `${base}/model.safetensors: no such file (HTTP 404)`);
    await rejects(files.readText('../secret'), 'not a file name inside the model folder');
  } finally {
    server.close();
  }
});

test('URL files: a failing fetch and a server error are ModelFilesErrors naming the URL', async () => {
  const down = urlModelFiles('https://example.invalid/m', async () => {
    throw new TypeError('network down');
  });
  await rejects(down.readText('config.json'), 'https://example.invalid/m/config.json: fetch failed: network down');
  const broken = urlModelFiles('https://example.invalid/m/', async () => new Response('x', { status: 500, statusText: 'Oops' }));
  await rejects(broken.has('config.json'), 'HTTP 500 Oops');
  await rejects(broken.readBytes('config.json'), 'HTTP 500 Oops');
});

test('folder files: reads, reports missing files, refuses names outside the folder', async () => {
  const dir = tempDir('folder');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'config.json'), '{"a":1}');
  writeFileSync(join(dir, 'sub', 'w.bin'), new Uint8Array([9, 8, 7]));
  const files = folderModelFiles(dir);
  assert.ok(await files.has('config.json'));
  assert.not.ok(await files.has('sub')); // a folder is not a file
  assert.not.ok(await files.has('nope.json'));
  assert.is(await files.readText('config.json'), '{"a":1}');
  const bytes = await files.readBytes('sub/w.bin');
  assert.equal([...bytes], [9, 8, 7]);
  assert.is(bytes.buffer.byteLength, 3); // exactly sized, not a pooled Buffer
  await rejects(files.readText('nope.json'), `${dir}: no file 'nope.json'`);
  await rejects(files.readBytes('nope.bin'), `${dir}: no file 'nope.bin'`);
  await rejects(files.readText('../etc/passwd'), 'not a file name inside the model folder');
  await rejects(files.readText('/etc/passwd'), 'not a file name inside the model folder');
});

test.run();
