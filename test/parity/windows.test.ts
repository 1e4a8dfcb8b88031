// Long documents against PyTorch: `splade encode --overflow chunk --stride 16` on a model with 64
// positions, and the default truncation, compared with windows_reference.py (plain torch, each
// window run alone, element-wise max). SPLADE weights within 1e-4 (see check-case.ts). With
// SPLADE_LIVE_PARITY=1 the reference writes a fresh case with a new seed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';
import { BertTokenizer } from '../../src/tokenizer/index.js';
import { InputError } from '../../src/models/bert/input.js';
import { textWindows, windowStarts } from '../../src/splade/windows.js';
import { SPLADE_ABS_TOLERANCE } from './check-case.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../..');

function encode(dir: string, extra: string[]): { stdout: string; stderr: string; code: number | null } {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), 'encode', '--model', dir, '--input', join(dir, 'texts.jsonl'), ...extra], { encoding: 'utf8' });
  return { stdout: result.stdout, stderr: result.stderr, code: result.status };
}

/** Differences between the CLI's lines and torch's rows of `name` in expected.safetensors. */
async function failures(dir: string, stdout: string, name: 'chunk' | 'truncate'): Promise<string[]> {
  const expected = await readSafetensorsFile(join(dir, 'expected.safetensors'));
  const [texts, vocab] = expected.info(name)!.shape;
  const torch = expected.float32(name);
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; indices: number[]; values: number[] });
  if (lines.length !== texts) return [`${lines.length} lines for ${texts} texts`];
  const out: string[] = [];
  lines.forEach((line, t) => {
    const ours = new Float32Array(vocab);
    line.indices.forEach((id, k) => (ours[id] = line.values[k]));
    for (let v = 0; v < vocab; v++) {
      if (!(Math.abs(ours[v] - torch[t * vocab + v]) <= SPLADE_ABS_TOLERANCE)) out.push(`${line.id} term ${v}: ${ours[v]} vs torch ${torch[t * vocab + v]}`);
    }
  });
  return out;
}

function checks(test: ReturnType<typeof suite>, dir: () => string, label: string): void {
  test(`${label}: the texts tokenize to the word pieces the reference windowed`, () => {
    const tokenizer = BertTokenizer.fromVocab(readFileSync(join(dir(), 'vocab.txt'), 'utf8'));
    const texts = readFileSync(join(dir(), 'texts.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text);
    const pieces = JSON.parse(readFileSync(join(dir(), 'pieces.json'), 'utf8')) as number[][];
    assert.equal(texts.map((t) => tokenizer.encode(t, { addSpecialTokens: false }).ids), pieces);
  });
  test(`${label}: --overflow chunk --stride 16 matches torch's windows within 1e-4`, async () => {
    const { stdout, stderr, code } = encode(dir(), ['--overflow', 'chunk', '--stride', '16', '--batch-size', '3']);
    assert.is(code, 0, stderr);
    assert.equal(await failures(dir(), stdout, 'chunk'), []);
    assert.match(stderr, /3 of 5 texts longer than 64 tokens ran as windows \(9 windows in all\)/);
  });
  test(`${label}: the default truncates, matches torch, and says how many texts it cut`, async () => {
    const { stdout, stderr, code } = encode(dir(), []);
    assert.is(code, 0, stderr);
    assert.equal(await failures(dir(), stdout, 'truncate'), []);
    assert.match(stderr, /3 of 5 texts were truncated to 64 tokens/);
    // The chunked vectors differ from the truncated ones for the long texts (the test can fail).
    const chunked = encode(dir(), ['--overflow', 'chunk', '--stride', '16']);
    assert.ok((await failures(dir(), chunked.stdout, 'truncate')).length > 0);
  });
}

const committed = suite('long documents: committed fixture');
checks(committed, () => join(here, 'windows-fixtures', 'chunk-64'), 'chunk-64');
committed('window starts: 0, step, 2 step, ... up to the first window that reaches the end', () => {
  assert.equal(windowStarts(150, 62, 16), [0, 46, 92]);
  assert.equal(windowStarts(62, 62, 16), [0]);
  assert.equal(windowStarts(63, 62, 16), [0, 46]);
  assert.equal(windowStarts(0, 62, 16), [0]);
  assert.equal(windowStarts(10, 4, 0), [0, 4, 8]);
  const cut = textWindows([[10, 11, 12, 13, 14, 15, 16]], { maxLength: 6, overflow: 'chunk', stride: 1, clsId: 2, sepId: 3 });
  assert.equal(cut.rows, [[2, 10, 11, 12, 13, 3], [2, 13, 14, 15, 16, 3]]);
  assert.equal(cut.overflowed, 1);
  assert.throws(() => textWindows([[1]], { maxLength: 6, overflow: 'chunk', stride: 4, clsId: 2, sepId: 3 }), (e: unknown) => e instanceof InputError && /stride \(4\) must be below/.test((e as Error).message));
});
committed.run();

if (process.env.SPLADE_LIVE_PARITY === '1') {
  const live = suite('long documents: live PyTorch, fresh seed');
  const seed = Math.floor(Math.random() * 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'splade-windows-live-'));
  live.before(() => {
    execFileSync('/usr/bin/python3', [join(here, 'windows_reference.py'), dir, '--seed', String(seed)], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, OMP_NUM_THREADS: '1' } });
  });
  live.after(() => rmSync(dir, { recursive: true, force: true }));
  checks(live, () => join(dir, 'chunk-64'), `chunk-64 (seed ${seed})`);
  live.run();
} else {
  console.log('long documents: live PyTorch pass not requested (set SPLADE_LIVE_PARITY=1 to run it)');
}
