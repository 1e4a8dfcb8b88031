// A torch.save checkpoint of `count` float32 tensors of `length` elements each, each in its own
// storage (none tied, so a conversion writes them all): as large as a test needs, built by hand
// as test/checkpoint/malicious.test.ts builds its pickles.
import { buildZip } from '../checkpoint/helpers.js';

const enc = (text: string): number[] => [...new TextEncoder().encode(text)];
const GLOBAL = (module: string, name: string): number[] => [0x63, ...enc(`${module}\n${name}\n`)];
const SHORT_STR = (text: string): number[] => [0x8c, text.length, ...enc(text)];
const BININT = (value: number): number[] => [0x4a, value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >>> 24) & 0xff];

/** `name`: _rebuild_tensor_v2(('storage', FloatStorage, key, 'cpu', length), 0, (length,), (1,), False, OrderedDict()), then SETITEM. */
function tensorEntry(name: string, key: string, length: number): number[] {
  return [
    ...SHORT_STR(name), ...GLOBAL('torch._utils', '_rebuild_tensor_v2'), 0x28,
    0x28, ...SHORT_STR('storage'), ...GLOBAL('torch', 'FloatStorage'), ...SHORT_STR(key), ...SHORT_STR('cpu'), ...BININT(length), 0x74, 0x51,
    0x4b, 0, ...BININT(length), 0x85, 0x4b, 1, 0x85, 0x89, ...GLOBAL('collections', 'OrderedDict'), 0x29, 0x52, 0x74, 0x52,
    0x73,
  ];
}

export function largePickleCheckpoint(count: number, length: number): Uint8Array {
  const names = Array.from({ length: count }, (_, i) => `layer.${i}.weight`);
  const pickle = new Uint8Array([0x80, 2, 0x7d, ...names.flatMap((name, i) => tensorEntry(name, String(i), length)), 0x2e]);
  const storage = (i: number): Uint8Array => new Uint8Array(new Float32Array(length).fill(i).buffer);
  return buildZip([{ name: 'archive/data.pkl', data: pickle }, ...names.map((_, i) => ({ name: `archive/data/${i}`, data: storage(i) }))]);
}
