// `splade serve` end to end: a real server on a free port answers POST /embed_sparse with
// what `splade encode` prints for the same texts, stops cleanly on SIGTERM, and its start-up
// mistakes are one line on stderr with the CLI's exit codes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { buildIndex } from '../../src/search/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const f32 = join(root, 'test/parity/fixtures/f32');
const bin = join(root, 'bin/splade.js');

/** Starts `splade serve` and waits for the line that says where it listens. */
function startServer(args: string[]): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in 60 s: ${stderr}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, stderr: () => stderr });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}: ${stderr}`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

test('serves the vectors `splade encode` prints, then stops on SIGTERM with exit code 0', async () => {
  const { child, url, stderr } = await startServer(['--model', f32, '--port', '0', '--threads', '1']);
  try {
    const texts = ['the atomic bomb', 'world war'];
    const response = await fetch(`${url}/embed_sparse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: texts }) });
    assert.is(response.status, 200);
    const rows = (await response.json()) as Array<Array<{ index: number; value: number }>>;
    const encoded = spawnSync(process.execPath, [bin, 'encode', '--model', f32, '--threads', '1', ...texts.flatMap((t) => ['--text', t])], { encoding: 'utf8' });
    assert.is(encoded.status, 0, encoded.stderr);
    const lines = encoded.stdout.trim().split('\n').map((line) => JSON.parse(line) as { indices: number[]; values: number[] });
    rows.forEach((row, r) => {
      assert.equal(row.map((x) => x.index), lines[r].indices, `text ${r}: the same terms`);
      assert.equal(row.map((x) => x.value), lines[r].values, `text ${r}: the same weights, as the same text`);
    });
    const info = (await (await fetch(`${url}/info`)).json()) as { model_id: string; max_input_length: number };
    assert.is(info.model_id, f32);
    assert.is(info.max_input_length, 32);
    const tooLarge = await fetch(`${url}/embed_sparse`, { method: 'POST', body: 'x'.repeat(3_000_000) });
    assert.is(tooLarge.status, 413);
    assert.match(stderr(), /: POST \/embed_sparse, POST \/vertex, POST \/tokenize, POST \/decode, GET \/info, GET \/health\n/, 'the listening line names the routes');
    const tokenized = await fetch(`${url}/tokenize`, { method: 'POST', body: '{"inputs": "world war"}' });
    const [tokens] = (await tokenized.json()) as Array<Array<{ text: string; special: boolean }>>;
    assert.equal([tokens[0].text, tokens.at(-1)!.text], ['[CLS]', '[SEP]'], 'POST /tokenize is served');
    assert.is(tokens.filter((t) => !t.special).map((t) => t.text).join(''), 'worldwar');
  } finally {
    child.kill('SIGTERM');
  }
  assert.is(await exited(child), 0, stderr());
  assert.match(stderr(), /stopped \(SIGTERM\)/);
});

test('--index: POST /search gives what `splade search` prints for the same queries', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'splade-serve-'));
  const index = join(dir, 'docs.spladeidx');
  const encoder = await SpladeEncoder.fromPretrained(f32, { threads: 1 });
  const docs = ['the atomic bomb', 'world war two', 'the manhattan project', 'a bomb in the war'];
  writeFileSync(index, await buildIndex((await encoder.encode(docs)).map((vector, i) => ({ id: `doc-${i}`, vector }))));
  encoder.dispose();
  const { child, url, stderr } = await startServer(['--model', f32, '--index', index, '--port', '0', '--threads', '1']);
  try {
    assert.match(stderr(), /POST \/search \(4 documents\)/);
    const response = await fetch(`${url}/search`, { method: 'POST', body: JSON.stringify({ inputs: ['atomic war', 'bomb'], top_k: 2 }) });
    assert.is(response.status, 200);
    const hits = (await response.json()) as Array<Array<{ id: string; score: number }>>;
    const searched = spawnSync(process.execPath, [bin, 'search', '--index', index, '--model', f32, '--threads', '1', '--query', 'atomic war', '--query', 'bomb', '--top-k', '2'], { encoding: 'utf8' });
    assert.is(searched.status, 0, searched.stderr);
    const lines = searched.stdout.trim().split('\n').map((line) => JSON.parse(line) as { hits: Array<{ id: string; score: number }> });
    assert.equal(hits, lines.map((line) => line.hits));
  } finally {
    child.kill('SIGTERM');
  }
  assert.is(await exited(child), 0, stderr());
});

test('--index --corpus: POST /search hits carry their texts, as `splade search --corpus` prints them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'splade-serve-'));
  const index = join(dir, 'docs.spladeidx');
  const corpus = join(dir, 'corpus.jsonl');
  const encoder = await SpladeEncoder.fromPretrained(f32, { threads: 1 });
  const docs = [['文書-0', 'Atomic', 'the bomb'], ['1', '', 'world war two'], ['d2', 'Manhattan', 'the project'], ['gone', '', 'a bomb in the war']];
  const vectors = await encoder.encode(docs.map(([, title, text]) => (title ? `${title} ${text}` : text)));
  writeFileSync(index, await buildIndex(vectors.map((vector, i) => ({ id: docs[i][0], vector }))));
  encoder.dispose();
  // BEIR's lines; the last document is not in the corpus.
  writeFileSync(corpus, docs.slice(0, 3).map(([id, title, text]) => JSON.stringify({ _id: id, title, text, metadata: {} }) + '\n').join(''));
  const { child, url, stderr } = await startServer(['--model', f32, '--index', index, '--corpus', corpus, '--port', '0', '--threads', '1']);
  try {
    assert.match(stderr(), /POST \/search \(4 documents, with their texts from \S*corpus\.jsonl\)/);
    assert.match(stderr(), /note: 1 of the index's 4 documents is not in \S*corpus\.jsonl: its hits' "text" is null/);
    const response = await fetch(`${url}/search`, { method: 'POST', body: JSON.stringify({ inputs: ['atomic war', 'bomb'], top_k: 4 }) });
    assert.is(response.status, 200);
    const hits = (await response.json()) as Array<Array<{ id: string; score: number; text: string | null }>>;
    const searched = spawnSync(process.execPath, [bin, 'search', '--index', index, '--corpus', corpus, '--model', f32, '--threads', '1', '--query', 'atomic war', '--query', 'bomb', '--top-k', '4'], { encoding: 'utf8' });
    assert.is(searched.status, 0, searched.stderr);
    assert.equal(hits, searched.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { hits: unknown }).hits));
    assert.equal(hits[0].map((hit) => hit.text).sort(), ['Atomic the bomb', 'Manhattan the project', 'world war two', null].sort());
    const info = (await (await fetch(`${url}/info`)).json()) as { splade_ts: { search_texts: boolean } };
    assert.is(info.splade_ts.search_texts, true);
  } finally {
    child.kill('SIGTERM');
  }
  assert.is(await exited(child), 0, stderr());
});

test('start-up mistakes: one line on stderr, exit 2 for usage, 1 for a port in use or a missing model', async () => {
  const run = (args: string[]): { code: number | null; stderr: string } => {
    const result = spawnSync(process.execPath, [bin, 'serve', ...args], { encoding: 'utf8', timeout: 60_000 });
    return { code: result.status, stderr: result.stderr };
  };
  for (const [args, message] of [
    [['--port', '0'], /--model DIR\|REPO_ID is required/],
    [['--model', f32, '--port', '70000'], /--port must be a whole number from 0 to 65535, got '70000'/],
    [['--model', f32, '--auto-truncate', 'maybe'], /--auto-truncate must be one of true, false/],
    [['--model', f32, '--max-client-batch-size', '0'], /--max-client-batch-size must be a whole number of at least 1/],
    [['--model', f32, '--corpus', bin], /--corpus needs --index: the texts are those of the index's documents/],
    [['--model', f32, '--index', bin, '--corpus', '-'], /--corpus must be a file: standard input cannot be read again at each hit's line/],
    [['--model', f32, '--corpus-format', 'tsv'], /--corpus-format needs --corpus FILE/],
  ] as const) {
    const { code, stderr } = run([...args]);
    assert.is(code, 2, stderr);
    assert.is(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, message);
  }
  // The corpus is read before the model is loaded and before listening: its errors end the start.
  const dir = mkdtempSync(join(tmpdir(), 'splade-serve-'));
  const index = join(dir, 'one.spladeidx');
  writeFileSync(index, await buildIndex([{ id: 'a', vector: { indices: Uint32Array.of(1), values: Float32Array.of(1) } }]));
  const repeated = join(dir, 'repeated.jsonl');
  writeFileSync(repeated, '{"id": "a", "text": "x"}\n\n{"id": "a", "text": "y"}\n');
  const badCorpus = run(['--model', join(root, 'no/such/folder'), '--index', index, '--corpus', repeated, '--port', '0']);
  assert.is(badCorpus.code, 1, badCorpus.stderr);
  assert.match(badCorpus.stderr, /repeated\.jsonl line 3: id "a" repeats line 1's/);
  assert.is(badCorpus.stderr.trim().split('\n').length, 1, badCorpus.stderr);
  const missing = run(['--model', join(root, 'no/such/folder'), '--port', '0']);
  assert.is(missing.code, 1, missing.stderr);
  assert.is(missing.stderr.trim().split('\n').length, 1, missing.stderr);
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  try {
    const port = (busy.address() as { port: number }).port;
    const inUse = run(['--model', f32, '--port', String(port), '--threads', '1']);
    assert.is(inUse.code, 1, inUse.stderr);
    assert.match(inUse.stderr, new RegExp(`cannot listen on 127.0.0.1:${port}: the port is in use`));
    assert.is(inUse.stderr.trim().split('\n').length, 1, inUse.stderr);
    // Told before the model is loaded (a large one takes a minute): not a missing folder's error.
    const beforeModel = run(['--model', join(root, 'no/such/folder'), '--port', String(port)]);
    assert.is(beforeModel.code, 1, beforeModel.stderr);
    assert.match(beforeModel.stderr, new RegExp(`cannot listen on 127.0.0.1:${port}: the port is in use`));
  } finally {
    busy.close();
  }
});

test.run();
