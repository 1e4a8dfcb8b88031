// Ctrl-C or `kill` during `splade export`: the output is written to a hidden temporary file
// (.OUT.PID.HEX.tmp) renamed at the end; a stopped run removes it and exits with the status a
// shell reports for the signal, instead of leaving a file as large as the output behind.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../foundation/tmp.js';
import { randomVectors, vectorsJsonl } from '../export/vectors.js';
import { interruptWhileWriting } from './interrupt.js';

const dir = tempDir('interrupted-export');
const vectors = join(dir, 'vectors.jsonl');
const exportTo = (out: string): string[] => ['export', '--vectors', vectors, '--to', 'qdrant', '--out', join(out, 'points.jsonl')];

test.before(() => {
  // Large enough (~40 MB of points) that the export is still writing when the signal comes.
  const many = randomVectors(20000, 30000, 200, 3);
  writeFileSync(vectors, vectorsJsonl(many.map((_, i) => `d${i}`), many));
});

// One line, as splade index says it when stopped.
const said = 'splade: interrupted: OUT/points.jsonl was not written, and the temporary file is removed\n';

test('SIGINT (Ctrl-C): no temporary file left, status 130, one line saying so', async () => {
  assert.equal(await interruptWhileWriting(join(dir, 'int'), 'points.jsonl', exportTo, 'SIGINT'), { code: 130, left: [], stderr: said });
});

test('SIGTERM: no temporary file left, status 143, one line saying so', async () => {
  assert.equal(await interruptWhileWriting(join(dir, 'term'), 'points.jsonl', exportTo, 'SIGTERM'), { code: 143, left: [], stderr: said });
});

test.run();
