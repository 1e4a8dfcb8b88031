import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSafetensors } from '../../src/formats/safetensors-writer.js';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from './tmp.js';

const bin = fileURLToPath(new URL('../../bin/splade.js', import.meta.url));
const dir = tempDir('inspect');
await writeRandomBertFolder(join(dir, 'model'), { layers: 1, hidden: 8, heads: 2, intermediate: 16, maxPositions: 8, vocab: 150 });

function splade(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Inspection {
  files: { path: string; bytes: number; headerBytes?: number; metadata: Record<string, string> }[];
  tensors: { name: string; dtype: string; shape: number[]; bytes: number; tiedTo?: string }[];
  totals: { tensors: number; tied: number; parameters: number; bytes: number; dtypes: Record<string, number> };
}

test('--json on a model folder: every tensor, totals, metadata', () => {
  const { status, stdout } = splade('inspect-weights', join(dir, 'model'), '--json');
  assert.is(status, 0);
  const result = JSON.parse(stdout) as Inspection;
  assert.is(result.totals.tensors, 26);
  const words = result.tensors.find((t) => t.name === 'bert.embeddings.word_embeddings.weight');
  assert.equal(words, { name: 'bert.embeddings.word_embeddings.weight', dtype: 'F32', shape: [150, 8], bytes: 4800, file: join(dir, 'model', 'model.safetensors') });
  assert.is(result.totals.bytes, result.tensors.reduce((s, t) => s + t.bytes, 0));
  assert.is(result.totals.parameters * 4, result.totals.bytes);
  assert.equal(result.files[0].metadata, { format: 'pt' });
});

test('text output on a file and on a sharded index', () => {
  const single = splade('inspect-weights', join(dir, 'model', 'model.safetensors'));
  assert.is(single.status, 0);
  assert.match(single.stdout, /bert\.encoder\.layer\.0\.intermediate\.dense\.weight\s+F32\s+\[16, 8\]\s+512/);
  assert.match(single.stdout, /metadata: format=pt/);
  assert.match(single.stdout, /26 tensors \(26 F32\)/);

  writeFileSync(join(dir, 'a.safetensors'), writeSafetensors({ x: { dtype: 'F16', shape: [2], data: new Float32Array(2) } }));
  writeFileSync(join(dir, 'b.safetensors'), writeSafetensors({ y: { dtype: 'I64', shape: [3], data: new BigInt64Array(3) } }));
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { x: 'a.safetensors', y: 'b.safetensors' } }));
  const sharded = splade('inspect-weights', join(dir, 'model.safetensors.index.json'));
  assert.is(sharded.status, 0, sharded.stderr);
  assert.match(sharded.stdout, /x\s+F16\s+\[2\]\s+4\s+a\.safetensors/);
  assert.match(sharded.stdout, /y\s+I64\s+\[3\]\s+24\s+b\.safetensors/);
  assert.match(sharded.stdout, /2 tensors \(1 F16, 1 I64\), 5 parameters, 28 bytes of data in 2 files/);
});

test('a shard index its shards disagree with: every tensor listed, each disagreement named (splade encode refuses the first)', () => {
  const at = join(dir, 'disagree');
  mkdirSync(at);
  const f32 = (n: number): { dtype: 'F32'; shape: number[]; data: Float32Array } => ({ dtype: 'F32', shape: [n], data: new Float32Array(n) });
  writeFileSync(join(at, 'a.safetensors'), writeSafetensors({ x: f32(2), twice: f32(1) }));
  writeFileSync(join(at, 'b.safetensors'), writeSafetensors({ y: f32(3), twice: f32(1), stray: f32(1) }));
  writeFileSync(join(at, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { x: 'a.safetensors', y: 'a.safetensors', twice: 'a.safetensors', z: 'b.safetensors' } }));
  const index = join(at, 'model.safetensors.index.json');
  const text = splade('inspect-weights', index);
  assert.is(text.status, 0, text.stderr);
  assert.match(text.stdout, /5 tensors/);
  const problems = [
    `${index}: tensor 'y' is indexed in shard 'a.safetensors' but that file does not hold it`,
    `${index}: tensor 'z' is indexed in shard 'b.safetensors' but that file does not hold it`,
    `${index}: shard 'b.safetensors' holds tensor 'y' but the index puts it in 'a.safetensors'`,
    `${index}: shard 'b.safetensors' holds tensor 'twice' but the index puts it in 'a.safetensors'`,
    `${index}: shard 'b.safetensors' holds tensor 'stray' but the index does not list it`,
  ];
  for (const problem of problems) assert.ok(text.stdout.includes(`problem: ${problem}\n`), `${problem} in:\n${text.stdout}`);
  const json = JSON.parse(splade('inspect-weights', index, '--json').stdout) as { problems: string[] };
  assert.equal([...json.problems].sort(), [...problems].sort());
  assert.equal((JSON.parse(splade('inspect-weights', join(dir, 'model'), '--json').stdout) as { problems: string[] }).problems, []);
});

test('a PyTorch pickle lists the same tensors as its safetensors twin', () => {
  const fixture = fileURLToPath(new URL('../checkpoint/fixtures/tiny-f32/', import.meta.url));
  const pickle = splade('inspect-weights', join(fixture, 'pytorch_model.bin'), '--json');
  const twin = splade('inspect-weights', join(fixture, 'model.safetensors'), '--json');
  assert.is(pickle.status, 0, pickle.stderr);
  const rows = (out: string) =>
    (JSON.parse(out) as Inspection).tensors.map((t) => `${t.name} ${t.dtype} ${t.shape.join('x')} ${t.bytes}`).sort();
  assert.equal(rows(pickle.stdout), rows(twin.stdout));
  assert.match((JSON.parse(pickle.stdout) as Inspection).files[0]!.metadata.format!, /torch\.save \(zip\)/);
});

test('a pickle with tied tensors: both names listed, the storage counted once, no header size', () => {
  const fixture = fileURLToPath(new URL('../checkpoint/fixtures/tiny-f32/', import.meta.url));
  const pickle = JSON.parse(splade('inspect-weights', join(fixture, 'pytorch_model.bin'), '--json').stdout) as Inspection;
  const twin = JSON.parse(splade('inspect-weights', join(fixture, 'model.safetensors'), '--json').stdout) as Inspection;
  const ties = pickle.tensors.filter((t) => t.tiedTo !== undefined).map((t) => [t.name, t.tiedTo]);
  // The fixture's MLM decoder is a view of the word embeddings, its bias of cls.predictions.bias.
  assert.equal(ties, [
    ['cls.predictions.decoder.weight', 'bert.embeddings.word_embeddings.weight'],
    ['cls.predictions.decoder.bias', 'cls.predictions.bias'],
  ]);
  // The safetensors twin holds the tied tensors as copies; the pickle holds them once.
  const tiedBytes = pickle.tensors.filter((t) => t.tiedTo !== undefined).reduce((sum, t) => sum + t.bytes, 0);
  assert.is(pickle.totals.tensors, twin.totals.tensors);
  assert.is(pickle.totals.tied, 2);
  assert.is(twin.totals.tied, 0);
  assert.is(pickle.totals.bytes, twin.totals.bytes - tiedBytes);
  assert.is(pickle.totals.parameters * 4, pickle.totals.bytes);
  assert.is(pickle.files[0]!.headerBytes, undefined, 'a pickle has no header');
  assert.ok(twin.files[0]!.headerBytes! > 0);

  const text = splade('inspect-weights', join(fixture, 'pytorch_model.bin')).stdout;
  assert.match(text, /^\S+pytorch_model\.bin: [\d,]+ bytes\n/);
  assert.not.match(text, /header/);
  assert.match(text, /cls\.predictions\.decoder\.weight\s+F32\s+\[48, 8\]\s+1,536  tied to bert\.embeddings\.word_embeddings\.weight\n/);
  assert.match(text, /44 tensors \(44 F32; 2 tied to another, counted once\), 1,880 parameters, 7,520 bytes of data in 1 file/);
});

test('errors: one line on stderr, no stack, non-zero exit', () => {
  const missing = splade('inspect-weights', join(dir, 'nope.safetensors'));
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /^splade: .*nope\.safetensors: cannot open: no such file/);
  assert.not.match(missing.stderr, /at .*\.ts:\d+/);

  writeFileSync(join(dir, 'bad.safetensors'), new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 0x5b, 0x5d]));
  const bad = splade('inspect-weights', join(dir, 'bad.safetensors'));
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /bad\.safetensors: header must be a JSON object/);

  const pickleDir = join(dir, 'pickle-only');
  mkdirSync(pickleDir);
  writeFileSync(join(pickleDir, 'pytorch_model.bin'), new Uint8Array(4));
  const pickle = splade('inspect-weights', pickleDir);
  assert.is(pickle.status, 1);
  // Four zero bytes are no torch.save file: the pickle reader says so, naming the file.
  assert.match(pickle.stderr, /^splade: .*pickle-only\/pytorch_model\.bin/);

  const usage = splade('inspect-weights');
  assert.is(usage.status, 2);
  assert.match(usage.stderr, /expected one FILE or DIR/);
  assert.is(splade('inspect-weights', 'x', '--nope').status, 2);
});

test.run();
