// `splade inspect` and `splade explain` on the command line: what the files hold, and errors
// as one message with a non-zero exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';
import { tempDir } from '../foundation/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const f32 = join(root, 'test/parity/fixtures/f32');
const tmp = tempDir('inspect-cli');

function splade(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonDump {
  input_ids: number[][];
  attention_mask: number[][];
  tokens?: string[][];
  tensors: Record<string, { shape: number[]; data: unknown }>;
}

test('texts: one padded batch; safetensors and JSON hold the same tensors, ids, mask and tokens', async () => {
  const st = join(tmp, 'texts.safetensors');
  const js = join(tmp, 'texts.json');
  const what = ['--model', f32, '--text', 'the atomic bomb', '--text', 'war', '--hidden-states', '--attentions', '--logits', '--capture', 'bert.encoder.layer.*.intermediate'];
  const a = splade(['inspect', ...what, '--out', st]);
  assert.is(a.code, 0, a.stderr);
  assert.is(a.stdout, '');
  const b = splade(['inspect', ...what, '--out', js]);
  assert.is(b.code, 0, b.stderr);
  const dump = await readSafetensorsFile(st);
  const json = JSON.parse(readFileSync(js, 'utf8')) as JsonDump;
  assert.equal(dump.names().sort(), [
    'attention_mask', 'attentions.0', 'attentions.1', 'bert.encoder.layer.0.intermediate', 'bert.encoder.layer.1.intermediate',
    'hidden_states.0', 'hidden_states.1', 'hidden_states.2', 'input_ids', 'logits',
  ]);
  const [batch, seq] = dump.info('input_ids')!.shape;
  assert.is(batch, 2);
  assert.equal(json.input_ids.flat(), Array.from(dump.typedArray('input_ids', 'I64'), Number));
  assert.equal(json.attention_mask, [new Array(seq).fill(1), [1, 1, 1, ...new Array(seq - 3).fill(0)]]);
  // Tokens: in the JSON and in __metadata__, one per input id, [PAD] on padding.
  const tokens = JSON.parse(dump.metadata.tokens) as string[][];
  assert.equal(json.tokens, tokens);
  assert.equal(tokens[1], ['[CLS]', 'war', '[SEP]', ...new Array(seq - 3).fill('[PAD]')]);
  assert.is(dump.metadata.format, 'pt');
  assert.equal(Object.keys(json.tensors).sort(), dump.names().filter((n) => n !== 'input_ids' && n !== 'attention_mask').sort());
  for (const [name, { shape, data }] of Object.entries(json.tensors)) {
    assert.equal(shape, dump.info(name)!.shape, name);
    const flat = (data as unknown[]).flat(Infinity) as number[];
    assert.equal(Float32Array.from(flat), dump.float32(name), `${name}: JSON values read back to the same float32`);
  }
  assert.equal(dump.info('logits')!.shape, [2, seq, 256]);
  assert.equal(dump.info('attentions.1')!.shape, [2, 4, seq, seq]);
});

test('--input-ids takes the file of splade encode --input-ids', async () => {
  const out = join(tmp, 'ids.safetensors');
  const r = splade(['inspect', '--model', f32, '--input-ids', join(f32, 'inputs.json'), '--capture', 'cls.predictions.transform', '--out', out]);
  assert.is(r.code, 0, r.stderr);
  const dump = await readSafetensorsFile(out);
  const inputs = JSON.parse(readFileSync(join(f32, 'inputs.json'), 'utf8')) as { input_ids: number[][]; attention_mask: number[][] };
  assert.equal(Array.from(dump.typedArray('input_ids', 'I64'), Number), inputs.input_ids.flat());
  assert.equal(Array.from(dump.typedArray('attention_mask', 'I64'), Number), inputs.attention_mask.flat());
  assert.equal(dump.info('cls.predictions.transform')!.shape, [3, 12, 32]);
});

test('a JSON dump is written piece by piece: a 20 MB dump fits a 24 MB JavaScript heap', () => {
  // Held whole, a dump needs its text several times over in the heap (and past about 512 MiB
  // no string holds it at all: "Invalid string length" after the whole forward pass).
  const ids = join(tmp, 'many-rows.json');
  const row = [2, ...Array.from({ length: 30 }, (_, i) => 10 + (i * 7) % 200), 3];
  writeFileSync(ids, JSON.stringify({ input_ids: Array.from({ length: 240 }, () => row) }));
  const out = join(tmp, 'many-rows.dump.json');
  const args = ['inspect', '--model', f32, '--input-ids', ids, '--logits', '--threads', '1', '--out', out];
  const result = spawnSync(process.execPath, ['--max-old-space-size=24', join(root, 'bin/splade.js'), ...args], { encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr.slice(0, 300));
  const text = readFileSync(out, 'utf8');
  assert.ok(text.length > 20e6, `${text.length} characters`);
  const dump = JSON.parse(text) as JsonDump;
  assert.equal(dump.tensors.logits.shape, [240, 32, 256]);
  assert.equal((dump.tensors.logits.data as number[][][])[239][31].length, 256);
});

test('--list prints every capturable name with its shape', () => {
  const r = splade(['inspect', '--model', f32, '--list']);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.length, 43);
  assert.match(lines[0], /^bert\.embeddings\s+\[batch, seq, 32\]\s+\S/);
  assert.ok(lines.some((l) => /^bert\.encoder\.layer\.1\.attention\.self\.attention_probs\s+\[batch, 4, seq, seq\]/.test(l)));
  assert.ok(lines.some((l) => /^bert\.encoder\.layer\.1\.output\.LayerNorm\s+\[batch, seq, 32\]/.test(l)), 'Hugging Face sub-modules listed');
  assert.match(lines[41], /^cls\.predictions\s+\[batch, seq, 256\]/);
  assert.match(lines[42], /^cls\s+\[batch, seq, 256\]/);
});

test('errors are one line on stderr, a non-zero exit and no output file', () => {
  const out = join(tmp, 'never.safetensors');
  const cases: Array<[string[], RegExp, number]> = [
    [['--model', f32, '--text', 'war', '--out', out], /nothing to write/, 2],
    [['--model', f32, '--hidden-states', '--out', out], /give either --text or --input-ids/, 2],
    [['--model', f32, '--text', 'war', '--hidden-states', '--out', join(tmp, 'x.txt')], /FILE\.safetensors or FILE\.json/, 2],
    [['--model', f32, '--text', 'war', '--capture', 'bert.encoder.layer.9', '--out', out], /--capture 'bert\.encoder\.layer\.9' names no module of this model/, 2],
    [['--model', f32, '--input-ids', join(tmp, 'missing.json'), '--logits', '--out', out], /missing\.json: cannot read/, 1],
    [['--model', f32, '--text', 'war', '--logits', '--bogus', '--out', out], /unknown option '--bogus'/, 2],
  ];
  for (const [args, message, code] of cases) {
    const r = splade(['inspect', ...args]);
    assert.is(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.split('\n')[0], message);
    assert.is(r.stdout, '');
  }
  writeFileSync(join(tmp, 'bad-ids.json'), '{"input_ids": [[2, 999, 3]]}');
  const bad = splade(['inspect', '--model', f32, '--input-ids', join(tmp, 'bad-ids.json'), '--logits', '--out', out]);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /input_ids\[0\]\[1\] = 999 is not a token id/);
  assert.not.ok(existsSync(out));
});

test('splade explain writes a self-contained page; errors name what is wrong', () => {
  const out = join(tmp, 'report.html');
  const text = 'the atomic bomb </script><script>alert(1)</script>';
  const r = splade(['explain', '--model', f32, '--text', text, '--out', out]);
  assert.is(r.code, 0, r.stderr);
  const html = readFileSync(out, 'utf8');
  assert.not.match(html, /\bsrc=|\bhref=|url\(|@import/, 'nothing to load: no src, href, url() or @import');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.is(html.match(/<script/g)!.length, 2, 'the text cannot open a script element');
  assert.is(html.match(/<\/script>/g)!.length, 2);
  assert.match(html, /the atomic bomb &#60;\/script&#62;/);
  assert.match(html, /into WordPiece tokens \(pieces that continue a word start with ##\) between \[CLS\] and \[SEP\]\./);
  // Sizes read as people read them: this page is tens of kB, not "0.0 MB".
  const bytes = Buffer.byteLength(html);
  assert.ok(bytes > 1000 && bytes < 1e6, `${bytes} bytes`);
  assert.ok(r.stderr.includes(`wrote ${out} (${(bytes / 1000).toFixed(1)} kB): `), r.stderr);
  assert.is(splade(['explain', '--model', f32, '--text', 'war']).code, 2);
  const wrong = splade(['explain', '--model', f32, '--text', 'war', '--out', join(tmp, 'r.txt')]);
  assert.match(wrong.stderr, /--out must name an \.html file/);
});

test("a RoBERTa model's page and notices speak of byte-level BPE and <s> … </s>", () => {
  const roberta = fileURLToPath(new URL('../parity/roberta-fixtures/roberta-f32/', import.meta.url));
  const out = join(tmp, 'roberta.html');
  const long = 'the manhattan project and its atomic bomb helped bring an end to world war ii '.repeat(3);
  const r = splade(['explain', '--model', roberta, '--text', long, '--out', out]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /^splade: the text was truncated to 32 tokens \(<s> and <\/s> included\)\n/);
  assert.match(readFileSync(out, 'utf8'), /into byte-level BPE tokens \(Ġ marks a token that follows a space; .*\) between &#60;s&#62; and &#60;\/s&#62;\./);
});

test('inspect and explain say when a text is empty or truncated (stderr, once)', () => {
  const long = 'the manhattan project and its atomic bomb helped bring an end to world war ii '.repeat(3);
  const dump = splade(['inspect', '--model', f32, '--text', long, '--text', 'war', '--text', ' ', '--logits', '--out', join(tmp, 'notice.json')]);
  assert.is(dump.code, 0, dump.stderr);
  const notices = dump.stderr.split('\n').filter((line) => line.startsWith('splade: '));
  assert.equal(notices, [
    'splade: 1 of 3 texts has no tokens (empty or whitespace only)',
    'splade: 1 of 3 texts was truncated to 32 tokens ([CLS] and [SEP] included)',
  ]);
  const page = splade(['explain', '--model', f32, '--text', '\t', '--out', join(tmp, 'empty.html')]);
  assert.is(page.code, 0, page.stderr);
  assert.match(page.stderr, /^splade: the text has no tokens \(it is empty or whitespace only\)\nwrote /);
});

test.run();
