// splade-ts/serve's handler under each runtime's own HTTP server (Node's listen, Deno.serve,
// Bun.serve), through the network: the vector it answers must be the one splade-ts computes
// in this process for the same text and model (within the project's parity tolerances), and an
// empty batch gets TEI's 400. A runtime whose binary is missing
// is skipped with the reason printed; .ci/run installs them all.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { BINARIES, buildLibrary, ROOT, type BuiltLibrary } from './matrix.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const FIXTURE = join(ROOT, 'test/parity/fixtures/f32');
const TEXT = 'The Manhattan Project and its atomic bomb';
const run = promisify(execFile);

interface ServeResult {
  server: string;
  status: number;
  body: Array<Array<{ index: number; value: number }>>;
  refused: { status: number; body: { error: string; error_type: string } };
}

const RUNTIMES: ReadonlyArray<{ name: string; binary: string; args: string[]; entry: (lib: BuiltLibrary) => string; server: string }> = [
  { name: `Node ${process.versions.node}`, binary: process.execPath, args: [], entry: (lib) => join(lib.dist, 'node'), server: 'node:http (listen)' },
  { name: 'Node 24', binary: BINARIES.node24, args: [], entry: (lib) => join(lib.dist, 'node'), server: 'node:http (listen)' },
  { name: 'Bun (Node entry)', binary: BINARIES.bun, args: [], entry: (lib) => join(lib.dist, 'node'), server: 'Bun.serve' },
  { name: 'Deno (browser bundle)', binary: BINARIES.deno, args: ['run', '--allow-read', '--allow-net=127.0.0.1'], entry: (lib) => lib.browserDir, server: 'Deno.serve' },
];

let lib: BuiltLibrary | undefined;
let expected: Array<{ index: number; value: number }>;

test.before(async () => {
  lib = await buildLibrary();
  const encoder = await SpladeEncoder.fromPretrained(FIXTURE, { threads: 1 });
  const [vector] = await encoder.encode([TEXT]);
  expected = Array.from(vector.indices, (index, k) => ({ index, value: vector.values[k] }));
  encoder.dispose();
});

test.after(() => lib?.dispose());

for (const runtime of RUNTIMES) {
  if (!existsSync(runtime.binary)) {
    console.log(`runtimes/serve: skipping ${runtime.name}: ${runtime.binary} is not installed; install the test runtimes with: npm ci --prefix tools/runtimes --ignore-scripts`);
    test.skip(runtime.name);
    continue;
  }
  test(`${runtime.name}: ${runtime.server} answers /embed_sparse with splade-ts's vector`, async () => {
    const { stdout } = await run(runtime.binary, [...runtime.args, join(HERE, 'serve-check.mjs'), runtime.entry(lib!), FIXTURE, TEXT], { cwd: ROOT, timeout: 120_000 });
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    assert.ok(line, `no RESULT line in\n${stdout}`);
    const result = JSON.parse(line.slice('RESULT '.length)) as ServeResult;
    assert.is(result.server, runtime.server);
    assert.is(result.status, 200);
    assert.is(result.body.length, 1);
    // The project's tolerances (test/parity/check-case.ts): Node 22+ and Deno run the relaxed
    // SIMD kernels (fused multiply-adds), which round differently from this process's.
    const got = new Map(result.body[0].map((x) => [x.index, x.value]));
    const want = new Map(expected.map((x) => [x.index, x.value]));
    const active = (m: Map<number, number>): number[] => [...m].filter(([, v]) => v > 1e-3).map(([i]) => i).sort((a, b) => a - b);
    assert.equal(active(got), active(want), 'the same active terms');
    for (const index of new Set([...got.keys(), ...want.keys()])) {
      assert.ok(Math.abs((got.get(index) ?? 0) - (want.get(index) ?? 0)) <= 1e-4, `index ${index}: ${got.get(index)} vs ${want.get(index)}`);
    }
    assert.equal(result.refused, { status: 400, body: { error: '`inputs` cannot be empty', error_type: 'Empty' } });
  });
}

test.run();
