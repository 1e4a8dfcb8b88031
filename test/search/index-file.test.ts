// buildIndexFile on disk: the documents' own file is never replaced by the index.
import { mkdirSync, readFileSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeError } from '../../src/errors.js';
import { buildIndexFile, fileRunStorage, indexBuffer, IndexTooLargeError, openIndexFile } from '../../src/node/index-file.js';
import type { RunReader } from '../../src/search/storage.js';
import { IndexFormatError } from '../../src/search/index-format.js';
import type { SparseVector } from '../../src/splade/sparse-vector.js';
import { takeVectors } from '../../tools/sparse-corpus.js';
import { tempDir } from '../foundation/tmp.js';

const dir = tempDir('index-file');

/** The documents of a vectors file, as a library user would read them. */
async function* documents(path: string): AsyncGenerator<{ id: string; vector: SparseVector }> {
  for (const line of readFileSync(path, 'utf8').split('\n').filter(Boolean)) {
    const { id, indices, values } = JSON.parse(line) as { id: string; indices: number[]; values: number[] };
    yield { id, vector: { indices: Uint32Array.from(indices), values: Float32Array.from(values) } };
  }
}

test('an index path that is the documents\' source file is refused, naming both, and the file is kept', async () => {
  const vectors = join(dir, 'vectors.jsonl');
  const content = '{"id":"a","indices":[1,5],"values":[0.5,1.25]}\n{"id":"b","indices":[2],"values":[2]}\n';
  writeFileSync(vectors, content);
  symlinkSync(vectors, join(dir, 'link.spladeidx'));
  for (const path of [vectors, join(dir, 'link.spladeidx')]) {
    try {
      await buildIndexFile(path, documents(vectors), { source: vectors });
      assert.unreachable(`${path}: built over its own documents`);
    } catch (error) {
      assert.instance(error, SpladeError);
      assert.match((error as Error).message, `${path} is the documents' source file ${vectors}: the output would replace it`);
    }
    assert.is(readFileSync(vectors, 'utf8'), content);
  }
  // Another path builds.
  const stats = await buildIndexFile(join(dir, 'ok.spladeidx'), documents(vectors), { source: vectors });
  assert.is(stats.documents, 2);
});

test('a file that is not an index is refused from its header, before its size is allocated', async () => {
  // Sparse: 4 GiB and more of zeros that take no disk (past what Node 20 can hold in one array).
  const big = join(dir, 'big.bin');
  writeFileSync(big, 'PK\x03\x04 not an index');
  truncateSync(big, 2 ** 32 + 256);
  try {
    await openIndexFile(big);
    assert.unreachable('opened');
  } catch (error) {
    assert.instance(error, IndexFormatError);
    assert.match((error as Error).message, `${big}: not a splade index: the file starts with "PK`);
  }
});

test('an index larger than one buffer can hold is refused by name, not as an unexpected RangeError', () => {
  // 2^53 bytes is past every runtime's typed array limit (Node 20's is 2^32, which only a real
  // 4 GiB index reaches); the message must name the file and its size.
  try {
    indexBuffer(2 ** 53, 'huge.spladeidx');
    assert.unreachable('allocated');
  } catch (error) {
    assert.instance(error, IndexTooLargeError);
    assert.match((error as Error).message, /^huge\.spladeidx: the index is 9007199254740992 bytes, more than this runtime can hold in one buffer/);
  }
  assert.is(indexBuffer(16, 'small.spladeidx').length, 16);
});

test('merging many runs: the read buffers of all runs together stay within a fixed budget', async () => {
  // A large corpus spills hundreds of runs, all read at once while merging: a fixed 4 MiB
  // buffer each grew the build's memory with the corpus (400 runs: 1.6 GB). The buffers are
  // counted as FileHandle.read receives them, not as process.memoryUsage() sees the whole
  // process, whose other allocations and collections could move the sum on a busy runner.
  const storage = fileRunStorage(dir);
  const runs = 64;
  const readers: RunReader[] = [];
  const buffers = new Set<ArrayBufferLike>();
  const probe = await open(join(dir, 'probe'), 'w');
  const fileHandle = Object.getPrototypeOf(probe) as { read(this: FileHandle, buffer: Uint8Array, ...rest: unknown[]): Promise<unknown> };
  await probe.close();
  const read = fileHandle.read;
  fileHandle.read = function (buffer, ...rest) {
    buffers.add(buffer.buffer);
    return read.call(this, buffer, ...rest);
  };
  try {
    for (let r = 0; r < runs; r++) {
      const writer = await storage.create();
      await writer.write(Uint8Array.of(r, 0, 0, 0, 1, 0, 0, 0));
      readers.push(await writer.finish());
    }
    for (const [r, reader] of readers.entries()) assert.equal([...(await reader.read(4))], [r, 0, 0, 0]);
    assert.is(buffers.size, runs, 'one read buffer a run');
    const total = [...buffers].reduce((sum, b) => sum + b.byteLength, 0);
    assert.ok(total <= 32 * 2 ** 20, `the read buffers of ${runs} runs take ${(total / 2 ** 20).toFixed(1)} MiB`);
    for (const [r, reader] of readers.entries()) assert.equal([...(await reader.read(4))], [1, 0, 0, 0], `run ${r}`);
    assert.is(buffers.size, runs, 'each run reads on into its own buffer');
  } finally {
    fileHandle.read = read;
    await storage.dispose();
  }
});

test('an aborted build rejects with the signal\'s reason and leaves nothing next to the index', async () => {
  const docs = takeVectors(400, { seed: 3, vocab: 200, minTerms: 1, maxTerms: 20 });
  // Aborted while documents are added (runs spilled), and after the last one (before writing).
  for (const abortAt of [300, docs.length]) {
    const folder = join(dir, `aborted-${abortAt}`);
    mkdirSync(folder);
    const controller = new AbortController();
    const reason = new Error(`stop at ${abortAt}`);
    async function* documents(): AsyncGenerator<{ id: string; vector: SparseVector }> {
      for (const [n, d] of docs.entries()) {
        if (n === abortAt) controller.abort(reason);
        yield { id: d.id, vector: d };
      }
      if (abortAt === docs.length) controller.abort(reason);
    }
    try {
      await buildIndexFile(join(folder, 'x.spladeidx'), documents(), { runPostings: 500, signal: controller.signal });
      assert.unreachable(`built despite the abort at ${abortAt}`);
    } catch (error) {
      assert.is(error, reason);
    }
    assert.equal(readdirSync(folder), [], `abort at ${abortAt}`);
  }
});

test('an abort while the documents\' source waits for its next one rejects at once', async () => {
  const folder = join(dir, 'aborted-waiting');
  mkdirSync(folder);
  const controller = new AbortController();
  const reason = new Error('stop while waiting');
  async function* documents(): AsyncGenerator<{ id: string; vector: SparseVector }> {
    yield { id: 'a', vector: { indices: Uint32Array.of(1), values: Float32Array.of(1) } };
    setTimeout(() => controller.abort(reason), 10);
    await new Promise(() => undefined); // a producer that never writes again
  }
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise((resolve) => (timer = setTimeout(() => resolve('still waiting after 10 s'), 10_000)));
  const outcome = await Promise.race([buildIndexFile(join(folder, 'x.spladeidx'), documents(), { signal: controller.signal }).catch((error: unknown) => error), stuck]);
  clearTimeout(timer);
  assert.is(outcome, reason);
  assert.equal(readdirSync(folder), []);
});

test.run();
