import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readSafetensors } from '../../src/formats/safetensors.js';
import { writeSafetensors } from '../../src/formats/safetensors-writer.js';
import { ShardIndexError, parseShardIndex, shardedTensorSource } from '../../src/formats/sharded.js';
import type { TensorSource } from '../../src/tensor/tensor-source.js';

const shard1 = readSafetensors(writeSafetensors({
  a: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) },
  b: { dtype: 'F16', shape: [1], data: new Float32Array([0.5]) },
}), 'model-00001-of-00002.safetensors');
const shard2 = readSafetensors(writeSafetensors({
  c: { dtype: 'BF16', shape: [2], data: new Float32Array([3, -4]) },
}), 'model-00002-of-00002.safetensors');

const indexText = JSON.stringify({
  metadata: { total_size: 14 },
  weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00001-of-00002.safetensors', c: 'model-00002-of-00002.safetensors' },
});

const shards = (): Map<string, TensorSource> =>
  new Map([['model-00001-of-00002.safetensors', shard1], ['model-00002-of-00002.safetensors', shard2]]);

const isShardError = (pattern: RegExp) => (e: unknown): boolean => e instanceof ShardIndexError && pattern.test((e as Error).message);

test('a sharded set reads as one source', () => {
  const index = parseShardIndex(indexText, 'dir/model.safetensors.index.json');
  assert.equal(index.shardFiles, ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
  assert.is(index.totalSize, 14);
  const source = shardedTensorSource(index, shards(), 'dir/model.safetensors.index.json');
  assert.equal(source.names(), ['a', 'b', 'c']);
  assert.equal(source.info('c'), { name: 'c', dtype: 'BF16', shape: [2] });
  assert.equal([...source.float32('a')], [1, 2]);
  assert.equal([...source.float32('b')], [0.5]);
  assert.equal([...source.float32('c')], [3, -4]);
  assert.is(source.info('zzz'), undefined);
  assert.throws(() => source.float32('zzz'), isShardError(/'zzz'/));
});

test('index errors: bad JSON, missing weight_map, paths outside the folder', () => {
  assert.throws(() => parseShardIndex('{', 'i.json'), isShardError(/i\.json: not valid JSON/));
  assert.throws(() => parseShardIndex('{"metadata":{}}', 'i.json'), isShardError(/weight_map/));
  assert.throws(() => parseShardIndex('{"weight_map":{"a":"../x.safetensors"}}', 'i.json'), isShardError(/'a'.*plain file name/));
  assert.throws(() => parseShardIndex('{"weight_map":{"a":"/etc/x"}}', 'i.json'), isShardError(/plain file name/));
  // The value as written in the file, not the parser's {"text": "3"}.
  assert.throws(() => parseShardIndex('{"weight_map":{"a":3}}', 'i.json'), isShardError(/^i\.json: tensor 'a' maps to 3, not a plain file name$/));
  assert.throws(() => parseShardIndex('{"weight_map":{"a":{"b":1}}}', 'i.json'), isShardError(/maps to an object, not a plain file name/));
  assert.throws(() => parseShardIndex('{"weight_map":{"a":"x","a":"y"}}', 'i.json'), isShardError(/duplicate key "a"/));
});

test('index and shards must agree', () => {
  const index = parseShardIndex(indexText, 'i.json');
  const missingShard = shards();
  missingShard.delete('model-00002-of-00002.safetensors');
  assert.throws(() => shardedTensorSource(index, missingShard, 'i.json'), isShardError(/shard 'model-00002-of-00002.safetensors' was not loaded/));
  const wrongPlace = parseShardIndex(indexText.replace('"c":"model-00002', '"c":"model-00001'), 'i.json');
  assert.throws(() => shardedTensorSource(wrongPlace, shards(), 'i.json'), isShardError(/tensor 'c' is indexed in shard 'model-00001/));
  const unlisted = parseShardIndex(indexText.replace(',"b":"model-00001-of-00002.safetensors"', ''), 'i.json');
  assert.throws(() => shardedTensorSource(unlisted, shards(), 'i.json'), isShardError(/holds tensor 'b' but the index does not list it/));
});

test.run();
