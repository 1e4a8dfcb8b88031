// The three workloads of issue 6, their inputs (seeded pseudo-random token ids between
// [CLS] and [SEP], no padding) and their floating-point operation counts.
import type { BertConfig } from '../src/models/bert/config.js';
import { mulberry32, randomInt } from '../tools/random.js';

export interface Workload {
  readonly name: 'Q' | 'D' | 'L';
  readonly description: string;
  /** Forward calls per run: each `batch` sequences of `seq` tokens. */
  readonly calls: number;
  readonly batch: number;
  readonly seq: number;
}

export const WORKLOADS: readonly Workload[] = [
  { name: 'Q', description: '1 query x 12 tokens', calls: 1, batch: 1, seq: 12 },
  { name: 'D', description: '32 docs x 128 tokens, batches of 8', calls: 4, batch: 8, seq: 128 },
  { name: 'L', description: '1 doc x 512 tokens', calls: 1, batch: 1, seq: 512 },
];

/** Token ids [batch, seq] of call `call`: [CLS] ids [SEP], different for every call. */
export function workloadIds(w: Workload, call: number): Int32Array {
  const ids = new Int32Array(w.batch * w.seq);
  const random = mulberry32(call + 1);
  for (let i = 0; i < ids.length; i++) {
    const t = i % w.seq;
    ids[i] = t === 0 ? 101 : t === w.seq - 1 ? 102 : randomInt(random, 1000, 28999);
  }
  return ids;
}

/** Multiply-adds x 2 of one run: the linear layers, attention's two products, the vocabulary projection. */
export function workloadFlops(w: Workload, c: BertConfig): number {
  const H = c.hidden_size, I = c.intermediate_size, V = c.vocab_size, L = c.num_hidden_layers;
  const tokens = w.batch * w.seq;
  const perToken = L * 2 * (4 * H * H + 2 * H * I) + 2 * H * H + 2 * H * V;
  const attention = L * w.batch * 4 * w.seq * w.seq * H;
  return w.calls * (tokens * perToken + attention);
}
