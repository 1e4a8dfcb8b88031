import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { idHash, parseShard, shardOf, ShardSpecError } from '../../src/node/corpus/shard.js';

test('idHash is FNV-1a 32: the published test vectors', () => {
  // From the FNV reference test suite (Landon Curt Noll, fnv-1a 32-bit): "", "a", "foobar".
  assert.is(idHash(''), 0x811c9dc5);
  assert.is(idHash('a'), 0xe40c292c);
  assert.is(idHash('foobar'), 0xbf9cf968);
});

test('a number id hashes as its decimal text; UTF-8 bytes for other scripts', () => {
  assert.is(idHash(7), idHash('7'));
  // 'é' is two UTF-8 bytes (c3 a9): hashing them by hand must agree.
  let h = 0x811c9dc5;
  for (const byte of [0xc3, 0xa9]) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  assert.is(idHash('é'), h);
});

test('shards split ids into N parts, each id in exactly one, roughly evenly', () => {
  const counts = [0, 0, 0];
  for (let i = 0; i < 3000; i++) counts[shardOf(`doc-${i}`, 3)]++;
  assert.is(counts.reduce((a, b) => a + b), 3000);
  // 1000 expected per shard; a binomial std of ~26, so 850..1150 is beyond 5 sigma.
  for (const count of counts) assert.ok(count > 850 && count < 1150, `shard sizes ${counts}`);
});

test('parseShard takes i/N with 0 <= i < N and names the mistake otherwise', () => {
  assert.equal(parseShard('0/3'), { index: 0, count: 3 });
  assert.equal(parseShard('2/3'), { index: 2, count: 3 });
  for (const bad of ['3/3', '1/0', 'a/3', '1-3', '-1/3', '']) {
    assert.throws(() => parseShard(bad), (error: unknown) => error instanceof ShardSpecError, bad);
  }
});

test.run();
