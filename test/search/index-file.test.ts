// buildIndexFile on disk: the documents' own file is never replaced by the index.
import { readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeError } from '../../src/errors.js';
import { buildIndexFile, openIndexFile } from '../../src/node/index-file.js';
import { IndexFormatError } from '../../src/search/index-format.js';
import type { SparseVector } from '../../src/splade/sparse-vector.js';
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

test.run();
