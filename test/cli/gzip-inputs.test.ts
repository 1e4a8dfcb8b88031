// Inputs kept gzip-compressed, as corpora and runs are distributed (BEIR's corpus.jsonl.gz, MS
// MARCO's collection.tsv.gz, run.trec.gz): every command that reads lines reads them as it
// reads the same file decompressed, from a file or from stdin; a cut or damaged one is an error
// naming the file, never a shorter input read without a word.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { tempDir } from '../foundation/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const f32 = join(root, 'test/parity/fixtures/f32');
const dir = tempDir('gzip-inputs');
const model = join(dir, 'model');

function splade(args: string[], input?: Buffer): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), ...args], { encoding: 'utf8', input });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Writes `text` as `name` and gzip-compressed as `name`.gz (in two members, as `cat a.gz b.gz` and pigz make). */
function writeBoth(name: string, text: string): { plain: string; gz: string } {
  const plain = join(dir, name);
  writeFileSync(plain, text);
  const half = text.indexOf('\n') + 1;
  writeFileSync(`${plain}.gz`, Buffer.concat([gzipSync(text.slice(0, half)), gzipSync(text.slice(half))]));
  return { plain, gz: `${plain}.gz` };
}

function ok(args: string[], input?: Buffer): string {
  const result = splade(args, input);
  assert.is(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const texts = '{"_id": "d1", "title": "Atomic", "text": "the bomb"}\n\n{"_id": "d2", "text": "world war ii"}\n"a bare string"\n';
const vectorLines = '{"id":"a","indices":[1,5],"values":[0.5,2]}\n{"id":"b","indices":[5,9],"values":[1,0.25]}\n{"id":"c","indices":[2],"values":[3]}\n';

test.before(async () => {
  await writeRandomBertFolder(model, { layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 16, vocab: 1000, seed: 3 });
});

test('encode --input corpus.jsonl.gz (two gzip members), from a file and from stdin: the vectors of the decompressed file', () => {
  const { plain, gz } = writeBoth('corpus.jsonl', texts);
  const expected = ok(['encode', '--model', f32, '--input', plain]);
  assert.is(expected.trim().split('\n').length, 3);
  assert.is(ok(['encode', '--model', f32, '--input', gz]), expected);
  assert.is(ok(['encode', '--model', f32, '--input', '-'], readFileSync(gz)), expected);
  // --output reads through the streaming corpus reader.
  const out = join(dir, 'corpus-vectors.jsonl');
  ok(['encode', '--model', f32, '--input', gz, '--output', out]);
  assert.is(readFileSync(out, 'utf8'), expected);
});

test('encode --input collection.tsv.gz is TSV (id<TAB>text), as collection.tsv is', () => {
  const { plain, gz } = writeBoth('collection.tsv', '0\tthe atomic bomb\n7\tworld war ii\n');
  const expected = ok(['encode', '--model', f32, '--input', plain]);
  assert.equal(expected.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id), ['0', '7']);
  assert.is(ok(['encode', '--model', f32, '--input', gz]), expected);
  assert.is(ok(['encode', '--model', f32, '--input', '-', '--input-format', 'tsv'], readFileSync(gz)), expected);
});

test('a file named .gz that is not gzip is read as the text it is', () => {
  const path = join(dir, 'not-really.jsonl.gz');
  writeFileSync(path, texts);
  assert.is(ok(['encode', '--model', f32, '--input', path]), ok(['encode', '--model', f32, '--input', writeBoth('plain.jsonl', texts).plain]));
});

/** A gzip file of many lines cut in its middle, and one whose CRC is wrong. */
function damaged(name: string, line: (i: number) => object): { cut: string; crc: string } {
  const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify(line(i))).join('\n') + '\n';
  const whole = gzipSync(lines);
  const cut = join(dir, `${name}.jsonl.gz`);
  writeFileSync(cut, whole.subarray(0, whole.length >> 1));
  const crc = join(dir, `${name}-crc.jsonl.gz`);
  const bad = Buffer.from(whole);
  bad[bad.length - 8] ^= 0xff; // the CRC-32 of the data, just before its length
  writeFileSync(crc, bad);
  return { cut, crc };
}

test('a gzip file cut short or with a wrong CRC is an error naming the file, never a shorter corpus', () => {
  const { cut, crc } = damaged('cut', (i) => ({ id: `d${i}`, text: `text number ${i} ${'x'.repeat(i % 50)}` }));
  const vectors = damaged('cut-vectors', (i) => ({ id: `d${i}`, indices: [i % 100, 100 + (i % 7)], values: [1, 0.5] }));
  const cases: Array<[string[], RegExp]> = [
    [['encode', '--model', f32, '--input', cut], /cut\.jsonl\.gz: the gzip data ends early, after line \d+ \(unexpected end of file\)/],
    [['encode', '--model', f32, '--input', cut, '--output', join(dir, 'cut-vectors.jsonl')], /cut\.jsonl\.gz: the gzip data ends early, after line \d+/],
    [['encode', '--model', f32, '--input', crc], /cut-crc\.jsonl\.gz: the gzip data is damaged, after line \d+ \(incorrect data check\)/],
    [['export', '--vectors', vectors.cut, '--to', 'qdrant', '--out', join(dir, 'cut.qdrant.jsonl')], /cut-vectors\.jsonl\.gz: the gzip data ends early/],
    [['index', '--vectors', vectors.crc, '--out', join(dir, 'cut.spladeidx')], /cut-vectors-crc\.jsonl\.gz: the gzip data is damaged/],
    [['eval', '--run', cut, '--qrels', cut], /cut\.jsonl\.gz: the gzip data ends early/],
  ];
  for (const [args, message] of cases) {
    const result = splade(args);
    assert.is(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(' '));
    assert.is(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
    assert.is(result.stdout, '', 'nothing encoded from a damaged file');
  }
  for (const name of ['cut-vectors.jsonl', 'cut.qdrant.jsonl', 'cut.spladeidx']) assert.not.ok(existsSync(join(dir, name)), `no ${name} from a damaged input`);
  const fromStdin = splade(['encode', '--model', f32, '--input', '-'], readFileSync(cut));
  assert.is(fromStdin.code, 1, fromStdin.stderr);
  assert.match(fromStdin.stderr, /^splade: stdin: the gzip data ends early, after line \d+/);
});

test('export --vectors, index --vectors and search --query-vectors read .jsonl.gz as the decompressed file', () => {
  const { plain, gz } = writeBoth('vectors.jsonl', vectorLines);
  for (const [name, input] of [['plain', plain], ['gz', gz]]) {
    ok(['export', '--vectors', input, '--to', 'qdrant', '--out', join(dir, `${name}.qdrant.jsonl`)]);
    ok(['index', '--vectors', input, '--out', join(dir, `${name}.spladeidx`)]);
  }
  assert.is(readFileSync(join(dir, 'gz.qdrant.jsonl'), 'utf8'), readFileSync(join(dir, 'plain.qdrant.jsonl'), 'utf8'));
  assert.equal(readFileSync(join(dir, 'gz.spladeidx')), readFileSync(join(dir, 'plain.spladeidx')));
  const queries = writeBoth('queries.jsonl', '{"id":"q1","indices":[5],"values":[1]}\n{"id":"q2","indices":[2,9],"values":[1,1]}\n');
  const index = join(dir, 'plain.spladeidx');
  const expected = ok(['search', '--index', index, '--query-vectors', queries.plain]);
  assert.is(expected.trim().split('\n').length, 2);
  assert.is(ok(['search', '--index', index, '--query-vectors', queries.gz]), expected);
  assert.is(ok(['search', '--index', index, '--query-vectors', '-'], readFileSync(queries.gz)), expected);
});

test('eval --run run.trec.gz --qrels qrels.txt.gz: the measures of the decompressed files', () => {
  const run = writeBoth('run.trec', 'q1 Q0 a 1 2 t\nq1 Q0 b 2 1 t\nq2 Q0 c 1 1 t\n');
  const qrels = writeBoth('qrels.txt', 'q1 0 b 1\nq2 0 c 2\nq2 0 d 1\n');
  const expected = ok(['eval', '--run', run.plain, '--qrels', qrels.plain]);
  assert.match(expected, /queries\s+all\s+2/);
  assert.is(ok(['eval', '--run', run.gz, '--qrels', qrels.gz]), expected);
  assert.is(ok(['eval', '--run', '-', '--qrels', qrels.gz], readFileSync(run.gz)), expected);
});

test('tokenize --input texts.jsonl.gz and encode --input-ids ids.json.gz', () => {
  const { plain, gz } = writeBoth('tokenize.jsonl', '{"id": 1, "text": "Hello world"}\n{"id": 2, "text": "the atomic bomb"}\n');
  const expected = ok(['tokenize', '--model', model, '--input', plain]);
  assert.is(ok(['tokenize', '--model', model, '--input', gz]), expected);
  assert.is(ok(['tokenize', '--model', model], readFileSync(gz)), expected);
  const ids = join(dir, 'inputs.json.gz');
  writeFileSync(ids, gzipSync(readFileSync(join(f32, 'inputs.json'))));
  assert.is(ok(['encode', '--model', f32, '--input-ids', ids]), ok(['encode', '--model', f32, '--input-ids', join(f32, 'inputs.json')]));
});

test('search --corpus corpus.jsonl.gz is refused: hit texts are read at their lines\' byte offsets, which a compressed file has not', () => {
  const vectors = writeBoth('corpus-ids.jsonl', '{"id":"d1","indices":[1],"values":[1]}\n');
  const index = join(dir, 'corpus-ids.spladeidx');
  ok(['index', '--vectors', vectors.plain, '--out', index]);
  const queries = writeBoth('corpus-queries.jsonl', '{"id":"q1","indices":[1],"values":[1]}\n');
  const { gz } = writeBoth('hits-corpus.jsonl', '{"_id": "d1", "text": "the text"}\n');
  const result = splade(['search', '--index', index, '--query-vectors', queries.plain, '--corpus', gz]);
  assert.is(result.code, 1, result.stderr);
  assert.match(result.stderr, /hits-corpus\.jsonl\.gz is gzip-compressed: .*decompress it/);
  assert.is(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
  assert.is(result.stdout, '');
});

test.run();
