// Ctrl-C or `kill` during `splade convert`: the safetensors file is written under a hidden
// temporary name renamed at the end; a stopped run removes it (it is checkpoint-sized), says so
// in one line and exits with the status a shell reports for the signal.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../foundation/tmp.js';
import { largePickleCheckpoint } from '../helpers/large-pickle.js';
import { interruptWhileWriting } from './interrupt.js';

const dir = tempDir('interrupted-convert');
const checkpoint = join(dir, 'pytorch_model.bin');

test.before(() => {
  // 48 MB of tensors: still being written when the signal comes.
  writeFileSync(checkpoint, largePickleCheckpoint(12, 1 << 20));
});

const convert = (out: string): string[] => ['convert', checkpoint, '--out', join(out, 'model.safetensors')];
const said = 'splade: interrupted: OUT/model.safetensors was not written, and the temporary file is removed\n';

test('SIGINT (Ctrl-C): no temporary file left, status 130, one line saying so', async () => {
  assert.equal(await interruptWhileWriting(join(dir, 'int'), 'model.safetensors', convert, 'SIGINT'), { code: 130, left: [], stderr: said });
});

test('SIGTERM: no temporary file left, status 143, one line saying so', async () => {
  assert.equal(await interruptWhileWriting(join(dir, 'term'), 'model.safetensors', convert, 'SIGTERM'), { code: 143, left: [], stderr: said });
});

test.run();
