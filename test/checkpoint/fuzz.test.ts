// Mutation fuzzing: truncations, byte flips and edits of real torch.save files (zip, legacy,
// and zips rebuilt around a mutated data.pkl with a correct CRC, so the unpickler itself sees
// the damage). Every outcome must be a clean read or a CheckpointError: never another error
// type, a hang or a huge allocation. FUZZ_SEED=n picks other mutations.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CheckpointError } from '../../src/formats/pytorch/errors.js';
import { readPytorchCheckpoint } from '../../src/formats/pytorch/pytorch-checkpoint.js';
import { FIXTURES, buildZip, zipEntries } from './helpers.js';
import { mulberry32 as random } from '../../tools/random.js';

const SEED = Number(process.env.FUZZ_SEED ?? 1234);

type Mutation = (input: Uint8Array, rand: () => number) => Uint8Array;
const int = (rand: () => number, n: number): number => Math.floor(rand() * n);

const mutations: Record<string, Mutation> = {
  truncate: (input, rand) => input.slice(0, int(rand, input.length)),
  flip: (input, rand) => {
    const out = input.slice();
    for (let n = 1 + int(rand, 3); n > 0; n--) out[int(rand, out.length)] ^= 1 << int(rand, 8);
    return out;
  },
  overwrite: (input, rand) => {
    const out = input.slice();
    const at = int(rand, out.length);
    for (let i = at; i < Math.min(out.length, at + 1 + int(rand, 8)); i++) out[i] = int(rand, 256);
    return out;
  },
  // Lengths, counts and offsets are where crafted files attack: write an extreme one.
  extreme: (input, rand) => {
    const out = input.slice();
    const at = int(rand, Math.max(1, out.length - 4));
    const value = [0xffffffff, 0x7fffffff, 0x80000000, 0, 1, 0xffff][int(rand, 6)];
    new DataView(out.buffer).setUint32(at, value, true);
    return out;
  },
  insert: (input, rand) => {
    const at = int(rand, input.length);
    const extra = Uint8Array.from({ length: 1 + int(rand, 8) }, () => int(rand, 256));
    return Uint8Array.from([...input.subarray(0, at), ...extra, ...input.subarray(at)]);
  },
  delete: (input, rand) => {
    const at = int(rand, input.length);
    return Uint8Array.from([...input.subarray(0, at), ...input.subarray(at + 1 + int(rand, 8))]);
  },
};

/** Reads the file and every tensor in it; returns normally or throws. */
function readEverything(bytes: Uint8Array): void {
  const checkpoint = readPytorchCheckpoint(bytes, 'fuzz.bin');
  for (const name of checkpoint.names()) {
    const info = checkpoint.info(name)!;
    if (info.dtype.startsWith('F') || info.dtype === 'BF16') checkpoint.float32(name);
    else checkpoint.integers(name);
  }
}

interface FuzzTarget {
  name: string;
  /** Builds the file to read from a mutated input. */
  wrap: (mutated: Uint8Array) => Uint8Array;
  input: Uint8Array;
  cases: number;
}

function targets(): FuzzTarget[] {
  const read = (path: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, path)));
  const zip = read('tiny-f32/pytorch_model.bin');
  const views = read('views.bin');
  const entries = zipEntries(views);
  const pickleEntry = entries.find((e) => e.name.endsWith('/data.pkl'))!;
  const around = (mutated: Uint8Array): Uint8Array =>
    buildZip(entries.map((e) => (e === pickleEntry ? { name: e.name, data: mutated } : e)));
  const identity = (mutated: Uint8Array): Uint8Array => mutated;
  return [
    { name: 'zip file (tiny-f32)', input: zip, wrap: identity, cases: 3000 },
    { name: 'legacy file (tiny-legacy-format)', input: read('tiny-legacy-format/pytorch_model.bin'), wrap: identity, cases: 3000 },
    { name: 'data.pkl of views.bin (CRC fixed)', input: pickleEntry.data.slice(), wrap: around, cases: 4000 },
    { name: 'zip file (views.bin)', input: views, wrap: identity, cases: 1000 },
  ];
}

test(`mutation fuzz (seed ${SEED}): only CheckpointError, no hang, no huge allocation`, () => {
  const rand = random(SEED);
  const names = Object.keys(mutations);
  let total = 0;
  let refused = 0;
  let slowest = 0;
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  for (const target of targets()) {
    for (let i = 0; i < target.cases; i++) {
      const kind = names[i % names.length];
      const file = target.wrap(mutations[kind](target.input, rand));
      const started = performance.now();
      try {
        readEverything(file);
      } catch (error) {
        if (!(error instanceof CheckpointError)) {
          const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          assert.unreachable(`${target.name}, case ${i} (${kind}, seed ${SEED}): ${message}`);
        }
        refused++;
      }
      slowest = Math.max(slowest, performance.now() - started);
      if (i % 500 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      total++;
    }
  }
  assert.ok(total >= 10_000, `${total} cases`);
  assert.ok(refused > total / 4, `most mutations are refused (${refused} of ${total})`);
  assert.ok(slowest < 1000, `slowest case took ${slowest.toFixed(0)} ms`);
  assert.ok(rssPeak - rssBefore < 256 * 2 ** 20, `memory grew by ${((rssPeak - rssBefore) / 2 ** 20).toFixed(0)} MiB`);
});

test('every truncation of a legacy file is refused cleanly', () => {
  const file = new Uint8Array(readFileSync(join(FIXTURES, 'tiny-legacy-format/pytorch_model.bin')));
  for (let length = 0; length < file.length; length += 7) {
    assert.throws(() => readEverything(file.subarray(0, length)), (error: unknown) => error instanceof CheckpointError, `length ${length}`);
  }
});

test.run();
