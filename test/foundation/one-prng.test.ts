// tools/random.ts is the one seeded generator: a copy elsewhere (an LCG, a xorshift, a
// mulberry32 pasted in, a sine hash) drifts from it and makes "the same seed" mean two things.
// This reads the sources of the folders where generators get written and names any copy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FOLDERS = ['src', 'test', 'bench', 'tools', 'scripts', 'examples'];
// src/splade/id-hash.ts: FNV-1a and MurmurHash3's finalizer (the id table's hash): hashes, not
// generators, whose multipliers and shifts look like a generator's to the signs below.
const ALLOWED = new Set(['tools/random.ts', 'test/foundation/one-prng.test.ts', 'src/splade/id-hash.ts']);

/** What a hand-rolled generator looks like: the multipliers and shifts they are built from. */
const GENERATOR_SIGNS: Array<[RegExp, string]> = [
  // FNV-1a (prime 0x01000193) is a hash, not a generator: `--shard` splits a corpus by it.
  [/Math\.imul\((?![^)]*0x01000193)/, 'Math.imul (a multiplicative generator)'],
  [/\b(1664525|1103515245|22695477|6364136223846793005|2654435761|0x6d2b79f5)\b/i, 'an LCG or mulberry32 constant'],
  [/\^=\s*\w+\s*(<<|>>>)\s*(13|17|5)\b/, 'a xorshift step'],
  [/Math\.sin\([^)]*\*\s*(12\.9898|43758\.5453)/, 'a sine hash'],
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|mts|mjs|js|html)$/.test(name) ? [path] : [];
  });
}

test('no seeded generator outside tools/random.ts', () => {
  const copies: string[] = [];
  for (const folder of FOLDERS) {
    for (const file of sources(join(ROOT, folder))) {
      const name = relative(ROOT, file).split('\\').join('/');
      if (ALLOWED.has(name)) continue;
      const text = readFileSync(file, 'utf8');
      for (const [sign, what] of GENERATOR_SIGNS) if (sign.test(text)) copies.push(`${name}: ${what}`);
    }
  }
  assert.equal(copies, [], 'use mulberry32, randomInt, randomFloats or randomBytes from tools/random.ts');
});

test('the check finds a generator when there is one', () => {
  const lcg = 'state = (Math.imul(state, 1664525) + 1013904223) >>> 0;';
  assert.ok(GENERATOR_SIGNS.some(([sign]) => sign.test(lcg)));
  assert.ok(GENERATOR_SIGNS.some(([sign]) => sign.test('x ^= x << 13;')));
  assert.not.ok(GENERATOR_SIGNS.some(([sign]) => sign.test('hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;')), 'FNV-1a is a hash');
});
test.run();
