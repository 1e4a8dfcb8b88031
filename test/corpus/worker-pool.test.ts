// `--workers N` when a worker fails: the pool must not hang or lose the error. Stand-in workers
// (small scripts speaking the pool's protocol, worker-protocol.ts) fail on cue: while loading,
// and mid-run by exiting.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WorkerError, workerPool } from '../../src/node/corpus/worker-pool.js';
import { tempDir } from '../foundation/tmp.js';
import { rejects } from '../helpers/rejects.js';

const tmp = tempDir('worker-pool');
const settings = { model: 'unused', role: 'document', backend: {} } as const;

/** A stand-in worker: `onLoad` and `onEncode` are the bodies of its message handlers (`m`: the message). */
function worker(name: string, onLoad: string, onEncode: string): string {
  const path = join(tmp, `${name}.mjs`);
  writeFileSync(path, `import { writeFileSync } from 'node:fs';\nprocess.on('message', (m) => { if (m.type === 'load') { ${onLoad} } else { ${onEncode} } });\n`);
  return path;
}

test('workers that fail to load: the pool rejects with the message, and ends every worker', async () => {
  // Each stand-in writes its pid, then reports the failure and stays alive (its IPC channel keeps it).
  const entry = worker('load-fails', `writeFileSync(${JSON.stringify(tmp)} + '/pid-' + process.pid, ''); process.send({ type: 'error', message: 'no model here' });`, '');
  await rejects(workerPool(entry, 2, settings), (e: unknown) => e instanceof WorkerError && /^worker [01]: no model here$/.test((e as Error).message));
  const pids = readdirSync(tmp).filter((f) => f.startsWith('pid-')).map((f) => Number(f.slice(4)));
  // One or both: the pool may end the second before it has run a line.
  assert.ok(pids.length >= 1, 'a worker started');
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} still runs`);
});

test('a worker that exits mid-run: its job and every later one fail with the exit, close resolves', async () => {
  const entry = worker('exits', "process.send({ type: 'ready' });", 'process.exit(3);');
  const pool = await workerPool(entry, 1, settings);
  await rejects(pool.encode(['a']), (e: unknown) => e instanceof WorkerError && /^worker 0 exited \(code 3\) before its work was done$/.test((e as Error).message));
  await rejects(pool.encode(['b']), (e: unknown) => e instanceof WorkerError && /exited \(code 3\)/.test((e as Error).message));
  await pool.close();
});

test('vectors (and the texts\' counts) come back to the job that sent the texts, on every worker', async () => {
  const entry = worker('echo', "process.send({ type: 'ready' });",
    "process.send({ type: 'vectors', vectors: m.texts.map((t) => ({ indices: new Uint32Array([t.length]), values: new Float32Array([process.pid]) })), " +
    "counts: { texts: m.texts.length, empty: 0, overflowed: m.texts.length, windows: 0, maxLength: 8 } });");
  const pool = await workerPool(entry, 2, settings);
  const texts = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff'];
  const results = await Promise.all(texts.map((t) => pool.encode([t])));
  assert.equal(results.map(({ vectors: [v] }) => v.indices[0]), texts.map((t) => t.length));
  assert.is(new Set(results.map(({ vectors: [v] }) => v.values[0])).size, 2, 'both workers took jobs');
  // The counts of each window come back with its vectors.
  assert.equal(results.map(({ counts }) => counts.overflowed), texts.map(() => 1));
  await pool.close();
});

test.run();
