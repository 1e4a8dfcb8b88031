// splade encode --output: a killed run resumed, shards and workers all give the file one
// straight run writes, byte for byte.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeCorpus, PartialRunExistsError, ResumeMismatchError, type CorpusRun } from '../../src/node/corpus/encode-corpus.js';
import { localWindowEncoder } from '../../src/node/corpus/local-encoder.js';
import { parseShard } from '../../src/node/corpus/shard.js';
import type { WindowEncoder } from '../../src/node/corpus/window-encoder.js';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { mulberry32 } from '../../tools/random.js';
import { tempDir } from '../foundation/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = tempDir('encode-corpus');
const model = join(dir, 'model');
const corpus = join(dir, 'corpus.jsonl');
const DOCS = 160;
// Small batches and windows so the output grows window by window while the test watches.
const common = ['--model', model, '--input', corpus, '--batch-size', '4', '--window', '8'];

function splade(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), 'encode', ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function encodeTo(name: string, extra: string[] = []): string {
  const out = join(dir, name);
  const { code, stderr } = splade([...common, '--output', out, ...extra]);
  assert.is(code, 0, stderr);
  return readFileSync(out, 'utf8');
}

let straight = '';
let encoder: WindowEncoder;
const texts: string[] = [];

/** The pipeline in this process (no CLI start-up per run), with the flags the CLI runs use. */
async function encodeHere(name: string, options: Partial<CorpusRun> = {}): Promise<string> {
  const output = join(dir, name);
  await encodeCorpus({
    input: corpus, output, resume: false, windowSize: 8,
    encoder: async () => ({ ...encoder, close: async () => undefined }),
    progress: () => ({ advance: () => undefined, stop: () => undefined }),
    ...options,
  });
  return readFileSync(output, 'utf8');
}

async function rejectsWith(promise: Promise<unknown>, type: new (...args: never[]) => Error, message: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, type);
    assert.match((error as Error).message, message);
    return;
  }
  assert.unreachable(`expected ${type.name}`);
}

test.before(async () => {
  await writeRandomBertFolder(model, { layers: 2, hidden: 32, heads: 4, intermediate: 64, maxPositions: 64, vocab: 1000, seed: 5 });
  const random = mulberry32(16);
  const words = ['the', 'atomic', 'bomb', 'project', 'war', 'energy', 'science', 'history', 'peace', 'city', 'river', 'music'];
  const lines: string[] = [];
  for (let i = 0; i < DOCS; i++) {
    const text = Array.from({ length: 2 + Math.floor(random() * 30) }, () => words[Math.floor(random() * words.length)]).join(' ');
    texts.push(text);
    // Mixed id kinds: strings, numbers, and a bare string line (id = its position), all distinct
    // (the number ids, multiples of 3000 from 0, are no document's position but the first's).
    lines.push(i % 17 === 5 ? JSON.stringify(text) : JSON.stringify({ id: i % 3 === 0 ? i * 1000 : `doc-${i}`, text }));
  }
  writeFileSync(corpus, lines.join('\n') + '\n');
  straight = encodeTo('straight.jsonl');
  encoder = await localWindowEncoder({ model, role: 'document', batchSize: 4, backend: {} });
});

test.after(async () => {
  await encoder.close();
});

test('a straight run: one {"id", "indices", "values"} line per document, in input order, no partial file left', () => {
  const lines = straight.trimEnd().split('\n').map((line) => JSON.parse(line) as { id: unknown; indices: number[]; values: number[] });
  assert.is(lines.length, DOCS);
  assert.equal(lines[0].id, 0);
  assert.equal(lines[1].id, 'doc-1');
  assert.equal(lines[5].id, 5); // the bare string line: its position
  for (const line of lines) {
    assert.is(line.indices.length, line.values.length);
    assert.ok(line.values.every((v) => v > 0));
  }
  assert.not.ok(existsSync(join(dir, 'straight.jsonl.partial')));
});

test('SIGKILL mid-run, then --resume: the same bytes as the straight run', async () => {
  const out = join(dir, 'killed.jsonl');
  const partial = `${out}.partial`;
  const child = spawn(process.execPath, [join(root, 'bin/splade.js'), 'encode', ...common, '--output', out], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Kill as soon as the first window (of 20) is written: well before the end even on a fast machine.
  let killedAt = -1;
  while (killedAt < 0) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const size = existsSync(partial) ? statSync(partial).size : 0;
    if (size > 0) {
      child.kill('SIGKILL');
      killedAt = size;
    }
    assert.not.ok(existsSync(out), 'the run finished before it could be killed');
  }
  await exited;
  assert.not.ok(existsSync(out), 'a killed run must not leave a file that looks complete');
  const left = readFileSync(partial, 'utf8');
  assert.ok(left.length < straight.length);
  assert.ok(straight.startsWith(left.slice(0, left.lastIndexOf('\n') + 1)), 'the partial file is a prefix of the straight run');

  const resumed = splade([...common, '--output', out, '--resume']);
  assert.is(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /kept \d+ documents of the interrupted run/);
  assert.is(readFileSync(out, 'utf8'), straight);
  assert.not.ok(existsSync(partial));
});

test('--resume drops a half-written last line (cut mid-number) and ends identical', async () => {
  const out = join(dir, 'half.jsonl');
  // 13 whole lines (not a window boundary: the resumed run re-encodes the window they end in)
  // and half of the 14th.
  const lines = straight.split('\n');
  writeFileSync(`${out}.partial`, lines.slice(0, 13).join('\n') + '\n' + lines[13].slice(0, lines[13].length >> 1));
  await rejectsWith(encodeHere('half.jsonl'), PartialRunExistsError, /half\.jsonl\.partial exists: an earlier run was interrupted; rerun with --resume/);
  assert.is(await encodeHere('half.jsonl', { resume: true }), straight);
  assert.not.ok(existsSync(`${out}.partial`));
  // Once complete, --resume has nothing to do (and does not touch the file).
  assert.is(await encodeHere('half.jsonl', { resume: true, encoder: () => Promise.reject(new Error('must not encode')) }), straight);
});

test('--resume refuses a partial file from another input or shard', async () => {
  writeFileSync(join(dir, 'other.jsonl.partial'), '{"id":"not-in-corpus","indices":[1],"values":[0.5]}\n');
  await rejectsWith(encodeHere('other.jsonl', { resume: true }), ResumeMismatchError, /other\.jsonl\.partial line 1 has id "not-in-corpus" but document 1 of the input is 0/);
  writeFileSync(join(dir, 'long.jsonl.partial'), straight);
  await rejectsWith(encodeHere('long.jsonl', { resume: true, shard: parseShard('0/2') }), ResumeMismatchError, /has 160 lines but .* has \d+ documents in this shard/);
});

test('--resume on a TSV input (MS MARCO\'s collection.tsv): the kept ids are checked as its text ids, the same bytes as a straight run', async () => {
  const tsv = join(dir, 'collection.tsv');
  writeFileSync(tsv, texts.map((text, i) => `${i}\t${text}`).join('\n') + '\n');
  const straightTsv = await encodeHere('tsv-straight.jsonl', { input: tsv });
  const lines = straightTsv.split('\n');
  assert.equal(lines.slice(0, 3).map((line) => (JSON.parse(line) as { id: unknown }).id), ['0', '1', '2']);
  const out = join(dir, 'tsv-resumed.jsonl');
  writeFileSync(`${out}.partial`, lines.slice(0, 13).join('\n') + '\n' + lines[13].slice(0, 20));
  assert.is(await encodeHere('tsv-resumed.jsonl', { input: tsv, resume: true }), straightTsv);
  // The JSON corpus' partial output: its first id is the number 0, the TSV's the text "0".
  writeFileSync(join(dir, 'tsv-other.jsonl.partial'), straight.split('\n').slice(0, 3).join('\n') + '\n');
  await rejectsWith(encodeHere('tsv-other.jsonl', { input: tsv, resume: true }), ResumeMismatchError, /tsv-other\.jsonl\.partial line 1 has id 0 but document 1 of the input is "0"/);
  // --shard splits a TSV input by the same ids.
  const shards = await Promise.all([0, 1].map((index) => encodeHere(`tsv-shard-${index}.jsonl`, { input: tsv, shard: { index, count: 2 } })));
  assert.equal(shards.join('').split('\n').filter(Boolean).sort(), lines.filter(Boolean).sort());
});

test('--resume on a gzip input (corpus.jsonl.gz, read again from its start): the same bytes as a straight run of the decompressed file', () => {
  const gz = join(dir, 'corpus.jsonl.gz');
  writeFileSync(gz, gzipSync(readFileSync(corpus)));
  const out = join(dir, 'gz-resumed.jsonl');
  const lines = straight.split('\n');
  // A kill left 21 whole lines and half of the 22nd.
  writeFileSync(`${out}.partial`, lines.slice(0, 21).join('\n') + '\n' + lines[21].slice(0, 30));
  const { code, stderr } = splade(['--model', model, '--input', gz, '--batch-size', '4', '--window', '8', '--output', out, '--resume']);
  assert.is(code, 0, stderr);
  assert.is(readFileSync(out, 'utf8'), straight);
});

test('three shards together are exactly the straight run\'s lines', async () => {
  const shards: string[] = [];
  for (const i of [0, 1, 2]) shards.push(await encodeHere(`shard-${i}.jsonl`, { shard: parseShard(`${i}/3`) }));
  const lines = shards.flatMap((text) => text.trimEnd().split('\n'));
  for (const text of shards) assert.ok(text.length > 0 && text.length < straight.length);
  assert.equal([...lines].sort(), straight.trimEnd().split('\n').sort());
});

test('--workers 2 writes the same bytes as one process', () => {
  assert.is(encodeTo('workers.jsonl', ['--workers', '2']), straight);
});

test('--dtype, --overflow chunk, --stride, --prune and --special-tokens: the lines printed without --output, one process or two', () => {
  // The first 80 documents: enough texts to chunk, in half the time.
  const part = join(dir, 'part.jsonl');
  writeFileSync(part, readFileSync(corpus, 'utf8').split('\n').slice(0, 80).join('\n') + '\n');
  const shaping = ['--model', model, '--input', part, '--batch-size', '4', '--max-length', '12', '--overflow', 'chunk', '--stride', '3', '--prune', 'top_k:6', '--special-tokens', 'drop', '--dtype', 'int8'];
  const printed = splade(shaping);
  assert.is(printed.code, 0, printed.stderr);
  assert.match(printed.stderr, /texts longer than 12 tokens ran as windows/, 'the corpus has texts to chunk');
  const write = (name: string, extra: string[] = []): string => {
    const r = splade([...shaping, '--output', join(dir, name), ...extra]);
    assert.is(r.code, 0, r.stderr);
    return readFileSync(join(dir, name), 'utf8');
  };
  const written = write('shaped.jsonl');
  assert.is(written, printed.stdout);
  assert.ok(written.trimEnd().split('\n').every((line) => (JSON.parse(line) as { indices: number[] }).indices.length <= 6), 'pruned to 6 terms');
  assert.is(write('shaped-workers.jsonl', ['--workers', '2']), written);
});

test('empty and cut texts: said once at the end, as without --output, with one process or two', () => {
  const texts = readFileSync(corpus, 'utf8').split('\n').slice(0, 40).map((line, k) => (k % 9 === 4 ? JSON.stringify(k % 2 ? '' : '   ') : line));
  const part = join(dir, 'notices.jsonl');
  writeFileSync(part, texts.join('\n') + '\n');
  for (const overflow of [[], ['--overflow', 'chunk']]) {
    const flags = ['--model', model, '--input', part, '--batch-size', '4', '--max-length', '12', ...overflow];
    const printed = splade(flags);
    assert.is(printed.code, 0, printed.stderr);
    const notices = printed.stderr.trimEnd().split('\n');
    assert.is(notices.length, 2, printed.stderr);
    assert.match(notices[0], /^splade: 4 of 40 texts have no tokens/);
    for (const workers of ['1', '2']) {
      const written = splade([...flags, '--window', '8', '--output', join(dir, `notices-${workers}.jsonl`), '--workers', workers]);
      assert.is(written.code, 0, written.stderr);
      // Each notice once, after the progress line.
      const lines = written.stderr.trimEnd().split('\n');
      assert.equal(lines.slice(-2), notices, `--workers ${workers} ${overflow.join(' ')}`);
    }
  }
});

test('usage errors exit 2', () => {
  const cases: Array<[string[], RegExp]> = [
    [[...common, '--output', join(dir, 'x.jsonl'), '--shard', '3/3'], /--shard 3\/3: i must be from 0 to N-1/],
    [[...common, '--resume'], /--resume, --window: only with --output FILE/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = splade(args);
    assert.is(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, message);
  }
});

test.run();
