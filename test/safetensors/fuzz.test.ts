// Mutation fuzzing: 12,000 truncations, byte flips and header edits of a valid file. Every
// outcome must be a clean read or a SafetensorsError; no other error type, no hang, and no
// array larger than the file could justify (F16/BF16 widen to twice their bytes).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SafetensorsError, readSafetensors } from '../../src/formats/safetensors.js';
import { writeSafetensors } from '../../src/formats/safetensors-writer.js';
import { mulberry32 } from '../../tools/random.js';

const valid = writeSafetensors(
  {
    'bert.embeddings.word_embeddings.weight': { dtype: 'F32', shape: [6, 4], data: new Float32Array(24).map((_, i) => i / 7) },
    'bert.embeddings.LayerNorm.bias': { dtype: 'F16', shape: [4], data: new Float32Array([1, -1, 0.5, 2]) },
    'cls.predictions.bias': { dtype: 'BF16', shape: [6], data: new Float32Array(6).fill(0.25) },
    'position_ids': { dtype: 'I64', shape: [1, 3], data: new BigInt64Array([0n, 1n, 2n]) },
    'mask': { dtype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
    'scale': { dtype: 'F64', shape: [], data: new Float64Array([0.5]) },
    'ids': { dtype: 'I32', shape: [2], data: new Int32Array([5, -5]) },
  },
  { format: 'pt' },
);
const headerEnd = 8 + Number(new DataView(valid.buffer).getBigUint64(0, true));
const headerText = new TextDecoder().decode(valid.subarray(8, headerEnd));

const INSERTS = ['{', '}', '[', ']', '"', ',', ':', '-', '0', '9', '99999999999', '1e9', '\\', '\\u', ' ', 'null', 'F16', '\u00e9', '\ud800'];

function withHeader(text: string, sizeDelta = 0): Uint8Array {
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + (valid.length - headerEnd));
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, json.length + sizeDelta)), true);
  out.set(json, 8);
  out.set(valid.subarray(headerEnd), 8 + json.length);
  return out;
}

function mutate(random: () => number, kind: number): Uint8Array {
  const pick = (n: number): number => Math.floor(random() * n);
  switch (kind) {
    case 0: // truncation
      return valid.slice(0, pick(valid.length));
    case 1: { // byte flips, mostly inside the size prefix and the header
      const bytes = valid.slice();
      const flips = 1 + pick(4);
      for (let i = 0; i < flips; i++) {
        const at = random() < 0.8 ? pick(headerEnd) : pick(bytes.length);
        bytes[at] = random() < 0.5 ? bytes[at] ^ (1 << pick(8)) : pick(256);
      }
      return bytes;
    }
    case 2: { // number edits in the header: offsets and dims replaced
      const numbers = [...headerText.matchAll(/\d+/g)];
      const target = numbers[pick(numbers.length)];
      const replacement = String([0, 1, 2, 3, 4, 7, 8, 2 ** 31, 2 ** 53, 2 ** 64, pick(200)][pick(11)]);
      const index = target.index ?? 0;
      const text = headerText.slice(0, index) + replacement + headerText.slice(index + target[0].length);
      return withHeader(text, random() < 0.2 ? pick(17) - 8 : 0);
    }
    case 3: { // text edits: insert, delete or duplicate a span of the header
      const at = pick(headerText.length);
      const r = random();
      const text = r < 0.4 ? headerText.slice(0, at) + INSERTS[pick(INSERTS.length)] + headerText.slice(at)
        : r < 0.7 ? headerText.slice(0, at) + headerText.slice(at + 1 + pick(12))
          : headerText.slice(0, at) + headerText.slice(at, at + pick(40)) + headerText.slice(at);
      return withHeader(text);
    }
    default: { // the size prefix alone
      const bytes = valid.slice();
      new DataView(bytes.buffer).setBigUint64(0, BigInt(headerEnd - 8 + pick(33) - 16), true);
      if (random() < 0.3) new DataView(bytes.buffer).setUint32(4 * pick(2), Math.floor(random() * 2 ** 32), true);
      return bytes;
    }
  }
}

// FUZZ_CASES and FUZZ_SEED run a longer or different campaign locally, e.g.
//   FUZZ_CASES=500000 FUZZ_SEED=7 npm test -- fuzz
const CASES = Number(process.env.FUZZ_CASES ?? 12000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);

test(`${CASES} mutated files give only SafetensorsError or a sound read`, () => {
  const random = mulberry32(SEED);
  const outcomes = { ok: 0, rejected: 0 };
  const started = Date.now();
  for (let i = 0; i < CASES; i++) {
    const bytes = mutate(random, i % 5);
    try {
      const file = readSafetensors(bytes, 'fuzz.safetensors');
      for (const name of file.names()) {
        const info = file.info(name);
        assert.ok(info);
        const array = info.dtype === 'F32' || info.dtype === 'F16' || info.dtype === 'BF16' || info.dtype === 'F64'
          ? file.float32(name)
          : file.typedArray(name);
        assert.ok(array.byteLength <= 2 * bytes.length, `case ${i}: ${name} is ${array.byteLength} bytes from a ${bytes.length}-byte file`);
      }
      outcomes.ok++;
    } catch (error) {
      if (!(error instanceof SafetensorsError)) {
        throw new Error(`case ${i} (kind ${i % 5}) threw ${String(error)}`, { cause: error });
      }
      outcomes.rejected++;
    }
  }
  if (process.env.FUZZ_VERBOSE) console.log(outcomes);
  // Both outcomes must occur, or the mutations are too weak (or too strong) to test anything.
  assert.ok(outcomes.rejected > CASES / 2, `rejected ${outcomes.rejected}`);
  assert.ok(outcomes.ok > CASES / 120, `accepted ${outcomes.ok}`);
  assert.ok(Date.now() - started < CASES * 2, 'fuzzing took over 2 ms a case: something is slow or hangs');
});

test.run();
