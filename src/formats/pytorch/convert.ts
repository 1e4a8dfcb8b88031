// Planning a pickle -> safetensors conversion the way Hugging Face's own conversion does it:
// same names, dtypes and values; a tensor that is an exact duplicate of another (tied weights
// sharing one storage, e.g. cls.predictions.decoder.weight and the word embeddings) is written
// once, under the first of its names in sorted order that covers the whole storage, and the
// dropped name is recorded in `__metadata__` as pointing to the kept one.
import type { TensorToWrite } from '../safetensors-writer.js';
import { CheckpointError } from './errors.js';
import type { PytorchCheckpoint } from './pytorch-checkpoint.js';

/** What to write: tensors in checkpoint order, the metadata, and which names were dropped. */
export interface ConversionPlan {
  readonly tensors: readonly (readonly [string, TensorToWrite])[];
  /** `{ format: 'pt' }` plus `dropped name -> kept name` for each tied duplicate. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Dropped tied duplicate -> the name it is written under. */
  readonly dropped: ReadonlyMap<string, string>;
}

interface Member {
  readonly name: string;
  readonly checkpoint: PytorchCheckpoint;
}

/** Plans writing the tensors of one or more checkpoints (the shards of one model) to safetensors. */
export function planSafetensorsConversion(checkpoints: readonly PytorchCheckpoint[]): ConversionPlan {
  const members: Member[] = [];
  const seen = new Set<string>();
  for (const checkpoint of checkpoints) {
    for (const name of checkpoint.names()) {
      if (seen.has(name)) throw new CheckpointError(`${checkpoint.description}: tensor '${name}' is also in another shard`);
      seen.add(name);
      members.push({ name, checkpoint });
    }
  }
  const dropped = findTiedDuplicates(members);
  const tensors = members
    .filter((member) => !dropped.has(member.name))
    .map(({ name, checkpoint }) => {
      const info = checkpoint.info(name)!;
      return [name, { dtype: info.dtype, shape: info.shape, data: checkpoint.bytes(name) }] as const;
    });
  const metadata: Record<string, string> = { format: 'pt' };
  for (const [name, kept] of dropped) metadata[name] = kept;
  return { tensors, metadata, dropped };
}

// Groups names by the storage they view; in each group, the names that see exactly the same
// elements as the kept name (the first complete one) are duplicates. Partial views of a shared
// storage are not duplicates: they are written as their own copies.
function findTiedDuplicates(members: readonly Member[]): Map<string, string> {
  const groups = new Map<PytorchCheckpoint, Map<string, Member[]>>();
  for (const member of members) {
    const storage = member.checkpoint.tensor(member.name).storage;
    let byStorage = groups.get(member.checkpoint);
    if (!byStorage) groups.set(member.checkpoint, (byStorage = new Map()));
    const key = `${storage.key}|${storage.elementOffset}`;
    byStorage.set(key, [...(byStorage.get(key) ?? []), member]);
  }
  const dropped = new Map<string, string>();
  for (const byStorage of groups.values()) {
    for (const group of byStorage.values()) {
      if (group.length < 2) continue;
      const tensorOf = (m: Member) => m.checkpoint.tensor(m.name);
      const complete = group.filter((m) => tensorOf(m).coversStorage).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if (complete.length === 0) continue;
      const keep = complete[0];
      for (const member of group) {
        if (member !== keep && tensorOf(member).region === tensorOf(keep).region) dropped.set(member.name, keep.name);
      }
    }
  }
  return dropped;
}
