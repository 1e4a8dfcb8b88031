// Small pieces the benchmarks share: the bert-base-size model, the median of timings and
// deterministic token ids.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRandomBertFolder } from '../tools/generate-model.js';
import { mulberry32, randomInt } from '../tools/random.js';

/**
 * The model folder to benchmark: `explicit` when given, else a random bert-base-size model
 * generated once (seed 1) into the system temp folder and reused by later runs.
 */
export async function benchModelDir(explicit: string | undefined): Promise<string> {
  if (explicit) return explicit;
  const dir = join(tmpdir(), 'splade-bench', 'bert-base');
  if (!existsSync(join(dir, 'model.safetensors'))) {
    console.error(`generating a random bert-base-size model in ${dir} ...`);
    await writeRandomBertFolder(dir, { seed: 1 });
  }
  return dir;
}

/** The median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** [CLS] words [SEP] with bert-base-uncased's special ids, words from the vocabulary's upper part; deterministic. */
export function idsOfLength(seq: number, vocab: number): number[] {
  const random = mulberry32(12345 + seq);
  const low = Math.min(1000, Math.floor(vocab / 2));
  const ids = [Math.min(101, vocab - 1)];
  while (ids.length < seq - 1) ids.push(randomInt(random, low, vocab - 1));
  ids.push(Math.min(102, vocab - 1));
  return ids;
}
