// `--shard i/N`: which documents of a corpus one of N independent jobs encodes. The split
// depends on nothing but each document's id, so any machine, container or batch task that
// reads the same corpus makes the same choice, and the N parts hold every document once.
import { SpladeError } from '../../errors.js';

/** Shard `index` (0-based, as Kubernetes' JOB_COMPLETION_INDEX) of `count` shards. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** A `--shard` value that is not `i/N` with 0 <= i < N. */
export class ShardSpecError extends SpladeError {}

/** Parses `i/N` (e.g. `0/3`, `2/3`). */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new ShardSpecError(`--shard must be i/N (e.g. 0/4), got '${text}'`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index >= count) {
    throw new ShardSpecError(`--shard ${text}: i must be from 0 to N-1 and N at least 1`);
  }
  return { index, count };
}

const encoder = new TextEncoder();

/**
 * FNV-1a (32 bits) of the id's UTF-8 bytes; a number id hashes as its decimal text, so the
 * ids 7 and "7" land in the same shard. FNV-1a is tiny, has no dependency and is written the
 * same way in every language (offset basis 2166136261, prime 16777619), so another tool can
 * reproduce the split.
 */
export function idHash(id: string | number): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(String(id))) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The shard (0 to count-1) a document belongs to: `idHash(id) mod count`. */
export function shardOf(id: string | number, count: number): number {
  return idHash(id) % count;
}
