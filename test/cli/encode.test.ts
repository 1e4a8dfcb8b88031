import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { writeRandomBertFolder } from '../../tools/generate-model.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const f32 = join(root, 'test/parity/fixtures/f32');
const tmp = mkdtempSync(join(tmpdir(), 'splade-encode-'));

function splade(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), 'encode', ...args], { encoding: 'utf8', input });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function write(name: string, content: string): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

test('--input-ids prints one line per row, in order, matching PyTorch', async () => {
  const { code, stdout, stderr } = splade(['--model', f32, '--input-ids', join(f32, 'inputs.json')]);
  assert.is(code, 0, stderr);
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { row: number; indices: number[]; values: number[] });
  const expected = (await readSafetensorsFile(join(f32, 'expected.safetensors'))).float32('splade');
  assert.equal(lines.map((l) => l.row), [0, 1, 2]);
  for (const line of lines) {
    const row = expected.subarray(line.row * 256, (line.row + 1) * 256);
    assert.is(line.indices.length, row.filter((x) => x > 0).length);
    line.indices.forEach((id, k) => assert.ok(Math.abs(line.values[k] - row[id]) <= 1e-4, `row ${line.row} term ${id}`));
  }
});

test('texts from --text and --input (stdin) as JSON lines, --terms and --top-k', () => {
  const { code, stdout, stderr } = splade(
    ['--model', f32, '--text', 'the atomic bomb', '--input', '-', '--top-k', '3'],
    '"world war"\n\n{"text": "the manhattan project", "id": "doc-7"}\n',
  );
  assert.is(code, 0, stderr);
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: unknown; indices: number[]; values: number[] });
  assert.equal(lines.map((l) => l.id), [0, 1, 'doc-7']);
  for (const l of lines) assert.is(l.indices.length, 3);
  const terms = splade(['--model', f32, '--text', 'the atomic bomb', '--terms', '--top-k', '2']);
  assert.is(terms.code, 0, terms.stderr);
  const parsed = JSON.parse(terms.stdout) as { id: number; terms: Record<string, number> };
  assert.is(Object.keys(parsed.terms).length, 2);
  assert.equal(Object.values(parsed.terms), [...lines[0].values].sort((a, b) => b - a).slice(0, 2));
});

test('--query with --query-model encodes with the query model', () => {
  const f16 = join(root, 'test/parity/fixtures/f16');
  const asQuery = splade(['--model', f32, '--query-model', f16, '--query', '--text', 'the atomic bomb']);
  const direct = splade(['--model', f16, '--text', 'the atomic bomb']);
  const asDocument = splade(['--model', f32, '--query-model', f16, '--text', 'the atomic bomb']);
  assert.is(asQuery.code, 0, asQuery.stderr);
  assert.is(asQuery.stdout, direct.stdout);
  assert.is.not(asDocument.stdout, direct.stdout);
});

test('--query with --query-model: the length limit and notices are the query model\'s', async () => {
  const short = join(tmp, 'short-positions');
  await writeRandomBertFolder(short, { layers: 1, hidden: 8, heads: 2, intermediate: 16, maxPositions: 16, vocab: 300 });
  const long = 'the manhattan project and its atomic bomb helped bring an end to world war ii '.repeat(3);
  const asQuery = splade(['--model', f32, '--query-model', short, '--query', '--text', long]);
  assert.is(asQuery.code, 0, asQuery.stderr);
  assert.is(asQuery.stderr, 'splade: the text was truncated to 16 tokens ([CLS] and [SEP] included)\n');
  const asDocument = splade(['--model', f32, '--query-model', short, '--text', long]);
  assert.is(asDocument.stderr, 'splade: the text was truncated to 32 tokens ([CLS] and [SEP] included)\n');
  // Queries are cut by --query-max-length (issue 15: --max-length is the documents').
  const tooLong = splade(['--model', f32, '--query-model', short, '--query', '--text', long, '--query-max-length', '20']);
  assert.is(tooLong.code, 2);
  assert.match(tooLong.stderr, /must be a whole number from 2 to 16 \(the model's max_position_embeddings\), got '20'/);
});

test('--format bow prints the model card bag of words', () => {
  const { code, stdout, stderr } = splade(['--model', f32, '--text', 'the atomic bomb', '--format', 'bow', '--top-k', '2']);
  assert.is(code, 0, stderr);
  assert.match(stdout, /^Number of actual dimensions: {2}\d+\nSPLADE BOW rep:\n \[\('[^']+', \d\.\d{1,2}\), \('[^']+', \d\.\d{1,2}\)\]\n$/);
});

test('bad input: clear message on stderr, non-zero exit, nothing on stdout', () => {
  const cases: Array<[string[], RegExp, string?]> = [
    // The errors of the rows' checks name the file.
    [['--input-ids', write('ragged.json', '{"input_ids": [[2, 5, 3], [2, 3]]}')], /ragged\.json: input_ids row 1 has 2 values; every row must have 3/],
    [['--input-ids', write('vocab.json', '{"input_ids": [[2, 300, 3]]}')], /vocab\.json: input_ids\[0\]\[1\] = 300 is not a token id/],
    [['--input-ids', write('long.json', JSON.stringify({ input_ids: [new Array(40).fill(5)] }))], /40 tokens are longer than the model's position table \(max_position_embeddings = 32\)/],
    [['--input-ids', write('broken.json', '{"input_ids": [[2, 5')], /broken\.json: not valid JSON/],
    [['--input', '-'], /stdin line 2: expected a JSON string or an object with a string "text"/, '"ok"\n42\n'],
    [['--text', 'a', '--format', 'xml'], /--format must be one of jsonl, bow, got 'xml'/],
    [['--text', 'a', '--top-k', 'many'], /--top-k must be a whole number of at least 1, got 'many'/],
    [['--text', 'a', '--bogus'], /unknown option '--bogus'/],
    [[], /nothing to encode/],
  ];
  for (const [args, message, input] of cases) {
    const { code, stdout, stderr } = splade(['--model', f32, ...args], input);
    assert.ok(code !== 0 && code !== null, `${args.join(' ')}: exit code ${code}`);
    assert.is(stdout, '', `${args.join(' ')}: stdout`);
    assert.match(stderr, message);
    assert.ok(stderr.startsWith('splade: '), `${args.join(' ')}: one clear message, got ${stderr}`);
  }
});

test('--input with no texts (empty, or blank lines only): an error naming the file, not "give --input"', () => {
  for (const content of ['', '\n  \n\r\n']) {
    const path = write('no-texts.jsonl', content);
    const r = splade(['--model', f32, '--input', path]);
    assert.is(r.code, 1, r.stderr);
    assert.is(r.stdout, '');
    assert.is(r.stderr, `splade: ${path} has no texts to encode (it is empty or has only blank lines)\n`);
  }
  // With --text as well there is something to encode.
  const r = splade(['--model', f32, '--text', 'a', '--input', write('no-texts.jsonl', '')]);
  assert.is(r.code, 0, r.stderr);
});

test('--input lines end at \\n, \\r\\n or a lone \\r, as with --output (one reader)', () => {
  const path = write('cr.jsonl', '"the atomic bomb"\r{"id": "b", "text": "world war"}\r\n"peace"\n');
  const printed = splade(['--model', f32, '--input', path]);
  assert.is(printed.code, 0, printed.stderr);
  assert.equal(printed.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { id: unknown }).id), [0, 'b', 2]);
  const out = join(tmp, 'cr-out.jsonl');
  const written = splade(['--model', f32, '--input', path, '--output', out]);
  assert.is(written.code, 0, written.stderr);
  assert.is(readFileSync(out, 'utf8'), printed.stdout);
  // Errors count lines the same way: the lone \r ends line 1.
  const bad = splade(['--model', f32, '--input', write('cr-bad.jsonl', '"a"\r42\n')]);
  assert.match(bad.stderr, /cr-bad\.jsonl line 2: expected a JSON string/);
});

test('--input collection.tsv (MS MARCO: id<TAB>text, no header), and stdin with --input-format tsv', () => {
  const tsv = '0\tthe atomic bomb\n\n7\tworld war ii\n';
  const expected = splade(['--model', f32, '--input', write('same.jsonl', '{"id": "0", "text": "the atomic bomb"}\n{"id": "7", "text": "world war ii"}\n')]);
  assert.is(expected.code, 0, expected.stderr);
  const fromFile = splade(['--model', f32, '--input', write('collection.tsv', tsv)]);
  assert.is(fromFile.code, 0, fromFile.stderr);
  assert.is(fromFile.stdout, expected.stdout);
  const fromStdin = splade(['--model', f32, '--input', '-', '--input-format', 'tsv'], tsv);
  assert.is(fromStdin.code, 0, fromStdin.stderr);
  assert.is(fromStdin.stdout, expected.stdout);
  // --input-format jsonl reads a .tsv name as JSON lines.
  const asJson = splade(['--model', f32, '--input', write('lines.tsv', '"a text"\n'), '--input-format', 'jsonl']);
  assert.is(asJson.code, 0, asJson.stderr);
  // The same reader with --output.
  const out = join(tmp, 'collection-vectors.jsonl');
  const written = splade(['--model', f32, '--input', join(tmp, 'collection.tsv'), '--output', out]);
  assert.is(written.code, 0, written.stderr);
  assert.is(readFileSync(out, 'utf8'), expected.stdout);
});

test('TSV and --input-format errors: one line naming the line or the flag', () => {
  const noTab = splade(['--model', f32, '--input', write('bad.tsv', '1\tfine\nno tab here\n')]);
  assert.is(noTab.code, 1);
  assert.is(noTab.stderr, `splade: ${join(tmp, 'bad.tsv')} line 2: expected id<TAB>text, found no tab\n`);
  const noId = splade(['--model', f32, '--input', '-', '--input-format', 'tsv'], '\ttext\n');
  assert.is(noId.stderr, 'splade: stdin line 1: the id (before the first tab) is empty\n');
  const format = splade(['--model', f32, '--input', '-', '--input-format', 'csv'], '');
  assert.is(format.code, 2);
  assert.match(format.stderr, /--input-format must be one of jsonl, tsv, got 'csv'/);
  const alone = splade(['--model', f32, '--text', 'a', '--input-format', 'tsv']);
  assert.is(alone.code, 2);
  assert.match(alone.stderr, /--input-format needs --input/);
});

test('empty and truncated texts: said once on stderr with counts; stdout holds only the vectors', () => {
  const long = 'the manhattan project and its atomic bomb helped bring an end to world war ii '.repeat(3);
  const { code, stdout, stderr } = splade(
    ['--model', f32, '--text', '', '--text', '   ', '--text', 'the atomic bomb', '--text', long, '--input', '-'],
    `${JSON.stringify(long)}\n`,
  );
  assert.is(code, 0, stderr);
  assert.is(stderr, [
    'splade: 2 of 5 texts have no tokens (empty or whitespace only)',
    // f32's position table has 32 entries: the default limit.
    'splade: 2 of 5 texts were truncated to 32 tokens ([CLS] and [SEP] included)',
    '',
  ].join('\n'));
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: number });
  assert.equal(lines.map((l) => l.id), [0, 1, 2, 3, 4]);
  const fine = splade(['--model', f32, '--text', 'the atomic bomb', '--max-length', '8']);
  assert.is(fine.code, 0);
  assert.is(fine.stderr, '', 'nothing to say: nothing said');
  const cut = splade(['--model', f32, '--text', 'the atomic bomb and the world war', '--max-length', '4']);
  assert.is(cut.stderr, 'splade: the text was truncated to 4 tokens ([CLS] and [SEP] included)\n');
});

test('duplicate ids in --input: an error naming the line and the id, before any output', () => {
  const cases: Array<[string[], string, RegExp]> = [
    [[], '{"id": "a", "text": "x"}\n"y"\n{"id": "a", "text": "z"}\n', /^splade: stdin line 3: id "a" is already the id of stdin line 1; ids must be unique\n$/],
    [['--text', 'q'], '{"id": 0, "text": "x"}\n', /^splade: stdin line 1: id 0 is already the id of --text number 1; ids must be unique\n$/],
    [[], '{"id": 1, "text": "x"}\n"y"\n', /^splade: stdin line 2: id 1 \(its position: the line gives no id\) is already the id of stdin line 1; ids must be unique\n$/],
    // As index, export and encode --output compare them: ids are stored as text.
    [[], '{"id": 7, "text": "x"}\n{"id": "7", "text": "y"}\n', /^splade: stdin line 2: id "7" is already the id of stdin line 1 \(the number 7 is the id "7": ids are stored as text\); ids must be unique\n$/],
  ];
  for (const [args, input, message] of cases) {
    const r = splade(['--model', f32, ...args, '--input', '-'], input);
    assert.is(r.code, 1, r.stderr);
    assert.is(r.stdout, '');
    assert.match(r.stderr, message);
  }
});

test('a weights file that does not fit the config, and a folder without tokenizer files', () => {
  const misfit = mkdtempSync(join(tmp, 'misfit-'));
  const config = JSON.parse(readFileSync(join(f32, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(misfit, 'config.json'), JSON.stringify({ ...config, hidden_size: 64 }));
  copyFileSync(join(f32, 'model.safetensors'), join(misfit, 'model.safetensors'));
  const bad = splade(['--model', misfit, '--input-ids', join(f32, 'inputs.json')]);
  assert.is(bad.code, 1);
  assert.is(bad.stdout, '');
  assert.match(bad.stderr, /tensor 'bert.embeddings.word_embeddings.weight' has shape \[256, 32\], the config expects \[256, 64\]/);

  const idsOnly = mkdtempSync(join(tmp, 'ids-only-'));
  copyFileSync(join(f32, 'config.json'), join(idsOnly, 'config.json'));
  copyFileSync(join(f32, 'model.safetensors'), join(idsOnly, 'model.safetensors'));
  assert.is(splade(['--model', idsOnly, '--input-ids', join(f32, 'inputs.json')]).code, 0);
  const text = splade(['--model', idsOnly, '--text', 'hello']);
  assert.is(text.code, 1);
  assert.match(text.stderr, /no tokenizer files \(tokenizer\.json, vocab\.txt, or vocab\.json with merges\.txt\)/);
});

test('--truncation-side left keeps the end of a long text (encode({ truncation: "left" })), as a folder saying truncation_side "left" does, with --output and workers too', async () => {
  const long = 'the manhattan project and its atomic bomb helped bring an end to world war ii '.repeat(3) + 'peace';
  const encoder = await SpladeEncoder.fromPretrained(f32);
  const [left] = await encoder.encode([long], { maxLength: 8, truncation: 'left' });
  const [right] = await encoder.encode([long], { maxLength: 8 });
  const vectorOf = (stdout: string): { indices: number[]; values: number[] } => JSON.parse(stdout.trim().split('\n')[0]) as { indices: number[]; values: number[] };
  const printed = splade(['--model', f32, '--text', long, '--max-length', '8', '--truncation-side', 'left']);
  assert.is(printed.code, 0, printed.stderr);
  const got = vectorOf(printed.stdout);
  assert.equal(got.indices, Array.from(left.indices));
  got.values.forEach((value, k) => assert.ok(Math.abs(value - left.values[k]) <= 1e-5, `term ${got.indices[k]}`));
  assert.not.equal(Array.from(left.values), Array.from(right.values), 'the two sides differ');
  const folder = join(tmp, 'left-folder');
  mkdirSync(folder);
  for (const name of ['config.json', 'model.safetensors', 'vocab.txt']) copyFileSync(join(f32, name), join(folder, name));
  writeFileSync(join(folder, 'tokenizer_config.json'), JSON.stringify({ truncation_side: 'left' }));
  assert.is(splade(['--model', folder, '--text', long, '--max-length', '8']).stdout, printed.stdout, 'the folder\'s side');
  assert.not.equal(splade(['--model', folder, '--text', long, '--max-length', '8', '--truncation-side', 'right']).stdout, printed.stdout, 'the flag outranks it');
  const input = write('long.jsonl', `${JSON.stringify({ id: 0, text: long })}\n`);
  const out = join(tmp, 'left.jsonl');
  const written = splade(['--model', f32, '--input', input, '--max-length', '8', '--truncation-side', 'left', '--output', out, '--workers', '2']);
  assert.is(written.code, 0, written.stderr);
  assert.is(readFileSync(out, 'utf8'), printed.stdout);
});

test('--truncation-side: left or right, and only with --overflow truncate (usage errors, exit 2)', () => {
  const bad = splade(['--model', f32, '--text', 'war', '--truncation-side', 'middle']);
  assert.equal([bad.code, bad.stderr.includes("--truncation-side must be left or right, got 'middle'")], [2, true], bad.stderr);
  const chunk = splade(['--model', f32, '--text', 'war', '--overflow', 'chunk', '--truncation-side', 'left']);
  assert.equal([chunk.code, chunk.stderr.includes('--truncation-side is for --overflow truncate')], [2, true], chunk.stderr);
});

test.run();
