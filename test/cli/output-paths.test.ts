// Outputs are written to a temp file renamed over the target, so an output that names one of the
// run's inputs (by any spelling or link) would replace it, and one that names a device would
// replace the device node: each such command line is refused before any work, exit 2, and the
// input is left as it was.
import { spawnSync } from 'node:child_process';
import { copyFileSync, linkSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = tempDir('output-paths');
const model = join(dir, 'model');
const texts = join(dir, 'texts.jsonl');
const vectors = join(dir, 'vectors.jsonl');
const VECTORS = '{"id":"a","indices":[1,5],"values":[0.5,1.5]}\n{"id":"b","indices":[2],"values":[0.25]}\n';

function splade(args: string[]): { code: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), ...args], { encoding: 'utf8' });
  return { code: result.status, stderr: result.stderr };
}

/** Runs the command line, which must be refused as a usage mistake naming `message`, `file` unchanged. */
function refused(args: string[], file: string, message: RegExp): void {
  const before = readFileSync(file);
  const { code, stderr } = splade(args);
  assert.is(code, 2, stderr);
  assert.match(stderr, message);
  assert.is(stderr.trimEnd().split('\n').length, 1, stderr);
  assert.ok(readFileSync(file).equals(before), `${file} was changed`);
}

test.before(async () => {
  await writeRandomBertFolder(model, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 16, vocab: 300, seed: 3 });
  writeFileSync(texts, '"the first text"\n"the second"\n');
  writeFileSync(vectors, VECTORS);
});

test('encode --output naming the --input file (same path, other spelling, symlink, hard link)', () => {
  const symlink = join(dir, 'texts-link.jsonl');
  const hardLink = join(dir, 'texts-hard.jsonl');
  symlinkSync(texts, symlink);
  linkSync(texts, hardLink);
  for (const input of [texts, join(dir, '.', 'texts.jsonl'), symlink, hardLink]) {
    refused(['encode', '--model', model, '--input', input, '--output', texts], texts, /--output .* is the --input file/);
  }
});

// The run grows as OUTPUT.partial, which --resume cuts after its last vector line and the end
// renames to OUTPUT: an input of that name would be cut (a TSV one to nothing) or renamed away.
test('encode --output whose partial file (OUTPUT.partial) is the --input file', () => {
  const input = join(dir, 'corpus.tsv.partial');
  writeFileSync(input, '0\tthe first text\n1\tthe second\n');
  for (const resume of [[], ['--resume']]) {
    refused(['encode', '--model', model, '--input', input, '--input-format', 'tsv', '--output', join(dir, 'corpus.tsv'), ...resume], input, /--output .*corpus\.tsv is written as .*corpus\.tsv\.partial, which is the --input file/);
  }
});

test('encode --output naming a folder or a device is refused before the run, not replaced after it', () => {
  refused(['encode', '--model', model, '--input', texts, '--output', dir], texts, /--output .* is a folder/);
  refused(['encode', '--model', model, '--input', texts, '--output', '/dev/null'], texts, /--output \/dev\/null is not a regular file/);
});

// encode counts the corpus and loads the model before it opens its output: a folder that is not
// there must stop it at once, not after that wait.
test('an output in a missing folder, or under a file, is refused before the run', () => {
  const missing = join(dir, 'no-such-folder', 'vectors.jsonl');
  refused(['encode', '--model', model, '--input', texts, '--output', missing], texts, /--output .*no-such-folder.*vectors\.jsonl: the folder .*no-such-folder does not exist/);
  refused(['export', '--vectors', vectors, '--to', 'qdrant', '--out', missing], vectors, /--out .*: the folder .*no-such-folder does not exist/);
  refused(['encode', '--model', model, '--input', texts, '--output', join(texts, 'vectors.jsonl')], texts, /--output .*: .*texts\.jsonl is not a folder/);
});

test('index --out naming the --vectors file', () => {
  refused(['index', '--vectors', vectors, '--out', vectors], vectors, /--out .* is the --vectors file/);
});

test('export --out or --setup naming the --vectors file, or --setup naming --out', () => {
  refused(['export', '--vectors', vectors, '--to', 'qdrant', '--out', vectors], vectors, /--out .* is the --vectors file/);
  const out = join(dir, 'points.jsonl');
  refused(['export', '--vectors', vectors, '--to', 'qdrant', '--out', out, '--setup', vectors], vectors, /--setup .* is the --vectors file/);
  writeFileSync(out, 'an earlier export\n');
  refused(['export', '--vectors', vectors, '--to', 'qdrant', '--out', out, '--setup', out], out, /--setup .* is the --out file/);
});

test('convert --out must be a .safetensors file, so never the checkpoint it reads', () => {
  // Any bytes do: the command line is refused before the source is read.
  const bin = join(dir, 'pytorch_model.bin');
  copyFileSync(texts, bin);
  refused(['convert', bin, '--out', bin], bin, /--out must name a \.safetensors file/);
});

test('inspect --out naming a file of the --model folder or the --input-ids file', () => {
  const weights = join(model, 'model.safetensors');
  refused(['inspect', '--model', model, '--text', 'hello', '--hidden-states', '--out', weights], weights, /--out .* is a file of the --model folder/);
  const ids = join(dir, 'ids.json');
  writeFileSync(ids, '{"input_ids": [[2, 5, 3]]}\n');
  refused(['inspect', '--model', model, '--input-ids', ids, '--hidden-states', '--out', ids], ids, /--out .* is the --input-ids file/);
  // A new file in the model folder is fine.
  const fresh = splade(['inspect', '--model', model, '--input-ids', ids, '--hidden-states', '--out', join(model, 'dump.json')]);
  assert.is(fresh.code, 0, fresh.stderr);
});

test.run();
