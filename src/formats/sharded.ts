// Sharded checkpoints: `model.safetensors.index.json` maps each tensor name to the shard file
// holding it. The same index format serves `pytorch_model.bin.index.json`, so the source here
// works over any TensorSource per shard.
import { SpladeError } from '../errors.js';
import { StrictJsonError, describeJson, parseStrictJson, type JsonValue } from './strict-json.js';
import type { TensorInfo, TensorSource } from '../tensor/tensor-source.js';

/** A malformed shard index or a shard that does not match it; the message names the files. */
export class ShardIndexError extends SpladeError {}

/** A parsed shard index. */
export interface ShardIndex {
  /** Tensor name to shard file name, in index order. */
  readonly weightMap: ReadonlyMap<string, string>;
  /** The distinct shard files, in order of first use. */
  readonly shardFiles: readonly string[];
  /** `metadata.total_size` when given. */
  readonly totalSize?: number;
}

/**
 * Parses an index file's text. Shard names must be plain file names (no folders, no '..'), so an
 * index cannot point outside its model folder.
 * @throws ShardIndexError naming `source`
 */
export function parseShardIndex(text: string, source: string): ShardIndex {
  let json: JsonValue;
  try {
    json = parseStrictJson(text);
  } catch (error) {
    if (error instanceof StrictJsonError) throw new ShardIndexError(`${source}: not valid JSON: ${error.message}`, { cause: error });
    throw error;
  }
  if (!(json instanceof Map)) throw new ShardIndexError(`${source}: must be a JSON object`);
  const map = json.get('weight_map');
  if (!(map instanceof Map)) throw new ShardIndexError(`${source}: missing the 'weight_map' object`);
  const weightMap = new Map<string, string>();
  for (const [name, file] of map) {
    if (typeof file !== 'string' || !isPlainFileName(file)) {
      throw new ShardIndexError(`${source}: tensor '${name}' maps to ${describeJson(file)}, not a plain file name`);
    }
    weightMap.set(name, file);
  }
  let totalSize: number | undefined;
  const metadata = json.get('metadata');
  if (metadata instanceof Map) {
    const total = metadata.get('total_size');
    if (total !== undefined && total !== null && typeof total === 'object' && !(total instanceof Map) && !Array.isArray(total)) {
      totalSize = Number(total.text);
    }
  }
  return { weightMap, shardFiles: [...new Set(weightMap.values())], ...(totalSize !== undefined ? { totalSize } : {}) };
}

function isPlainFileName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

/**
 * Where an index and its shards (file name to the tensor names it holds) disagree, one message
 * each, naming the index, the shard and the tensor: an indexed tensor its shard lacks, then a
 * tensor a shard holds that the index lists elsewhere or not at all. Loading refuses the first;
 * `splade inspect-weights` lists them all.
 */
export function shardIndexProblems(index: ShardIndex, shards: ReadonlyMap<string, readonly string[]>, indexSource: string): string[] {
  const problems: string[] = [];
  const held = new Map([...shards].map(([file, names]) => [file, new Set(names)] as const));
  for (const [name, file] of index.weightMap) {
    if (!held.get(file)?.has(name)) problems.push(`${indexSource}: tensor '${name}' is indexed in shard '${file}' but that file does not hold it`);
  }
  for (const [file, names] of shards) {
    for (const name of names) {
      const indexed = index.weightMap.get(name);
      if (indexed === file) continue;
      const why = indexed === undefined ? 'the index does not list it' : `the index puts it in '${indexed}'`;
      problems.push(`${indexSource}: shard '${file}' holds tensor '${name}' but ${why}`);
    }
  }
  return problems;
}

/**
 * The tensors of several shards seen as one source. Checks that every indexed tensor is in
 * its shard and that no shard holds a tensor the index does not assign to it.
 * @param shards shard file name to its tensors
 * @throws ShardIndexError naming the index, the shard and the tensor
 */
export function shardedTensorSource(index: ShardIndex, shards: ReadonlyMap<string, TensorSource>, indexSource: string): TensorSource {
  for (const file of index.shardFiles) {
    if (!shards.has(file)) throw new ShardIndexError(`${indexSource}: shard '${file}' was not loaded`);
  }
  const names = new Map([...shards].map(([file, shard]) => [file, shard.names()] as const));
  const [problem] = shardIndexProblems(index, names, indexSource);
  if (problem !== undefined) throw new ShardIndexError(problem);
  const description = `${indexSource} (${index.shardFiles.length} shards)`;
  const shardOf = (name: string): TensorSource | undefined => {
    const file = index.weightMap.get(name);
    return file === undefined ? undefined : shards.get(file);
  };
  return {
    description,
    names: () => [...index.weightMap.keys()],
    info: (name: string): TensorInfo | undefined => shardOf(name)?.info(name),
    float32(name: string): Float32Array {
      const shard = shardOf(name);
      if (!shard) throw new ShardIndexError(`${description}: no tensor '${name}'`);
      return shard.float32(name);
    },
    int8(name: string): Int8Array {
      const shard = shardOf(name);
      if (!shard?.int8) throw new ShardIndexError(`${description}: no I8 tensor '${name}'`);
      return shard.int8(name);
    },
    readInt8(name: string, out: Int8Array): void {
      const shard = shardOf(name);
      if (!shard?.int8) throw new ShardIndexError(`${description}: no I8 tensor '${name}'`);
      if (shard.readInt8) shard.readInt8(name, out);
      else out.set(shard.int8(name));
    },
    float16Bits(name: string): Uint16Array {
      const shard = shardOf(name);
      if (!shard?.float16Bits) throw new ShardIndexError(`${description}: no F16 tensor '${name}'`);
      return shard.float16Bits(name);
    },
  };
}
