// Deno's permissions with the Node entry (docs/runtimes.md): a model folder given by path
// loads with --allow-read alone, and without it the error is Deno's own, naming the flag,
// not "no folder ... not a Hugging Face repository id" (a folder that is there, reported
// missing, sent users looking for their model). Skipped, with the reason printed, when Deno
// is not installed here (.ci/run installs it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { BINARIES, ROOT } from './matrix.js';

const run = promisify(execFile);
const FIXTURE = join(ROOT, 'test/parity/fixtures/f32');
const skip = existsSync(BINARIES.deno) ? undefined : `Deno is not installed (${BINARIES.deno}); install it with: npm ci --prefix tools/runtimes --ignore-scripts`;

// The script imports the entry statically: Deno reads a program's static imports without
// --allow-read, so the only read that needs the flag is the model folder's.
const SCRIPT = `import { SpladeEncoder } from './node/index.js';
const encoder = await SpladeEncoder.fromPretrained(Deno.args[0]);
const [vector] = await encoder.encode(['the atomic bomb']);
console.log('RESULT ' + JSON.stringify({ backend: encoder.backendInfo.name, terms: vector.indices.length }));
encoder.dispose();
`;

let dir = '';

/** Runs the script under Deno with `flags`; its exit status, stdout and stderr. */
async function deno(flags: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(BINARIES.deno, ['run', '--no-prompt', ...flags, join(dir, 'load.mjs'), FIXTURE], {
      cwd: ROOT, timeout: 120_000, env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

if (skip) {
  console.log(`runtimes/deno-permissions: skipping: ${skip}`);
  test.skip('Deno, the Node entry: a folder by path with --allow-read; without it, an error naming the flag');
} else {
  test.before(async () => {
    const cache = join(ROOT, 'node_modules/.cache');
    mkdirSync(cache, { recursive: true });
    dir = mkdtempSync(join(cache, 'splade-deno-'));
    await build({
      absWorkingDir: ROOT, bundle: true, format: 'esm', platform: 'node', target: 'es2022', logLevel: 'warning',
      splitting: true, entryPoints: { index: 'src/index.node.ts' }, chunkNames: 'chunks/[name]-[hash]',
      outdir: join(dir, 'node'), packages: 'external',
    });
    writeFileSync(join(dir, 'load.mjs'), SCRIPT);
  });
  test.after(() => rmSync(dir, { recursive: true, force: true }));

  test('Deno, the Node entry: a folder by path loads with --allow-read alone', async () => {
    const result = await deno(['--allow-read']);
    assert.is(result.code, 0, result.stderr);
    const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    assert.ok(line, result.stdout);
    const answer = JSON.parse(line.slice('RESULT '.length)) as { backend: string; terms: number };
    assert.match(answer.backend, /^cpu-wasm-simd/);
    assert.ok(answer.terms > 0);
  });

  test('Deno, the Node entry, without --allow-read: the error names the flag, not a missing folder', async () => {
    const result = await deno([]);
    assert.is.not(result.code, 0, result.stdout);
    assert.match(result.stderr, /NotCapable: Requires read access .*--allow-read/);
    assert.not.match(result.stderr, /no folder/);
  });
}

test.run();
