// Pickles that try to run code: each is refused with a CheckpointError naming the global it
// asked for, and nothing runs (the payloads would create PWNED).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CheckpointError } from '../../src/formats/pytorch/errors.js';
import { readPytorchCheckpoint } from '../../src/formats/pytorch/pytorch-checkpoint.js';
import { FIXTURES, PWNED, buildZip } from './helpers.js';

function refusal(run: () => unknown): CheckpointError {
  try {
    run();
  } catch (error) {
    if (error instanceof CheckpointError) return error;
    throw error;
  }
  assert.unreachable('expected a CheckpointError, nothing was thrown');
  throw new Error('unreachable');
}

const cases: Record<string, RegExp> = {
  'os-system': /'posix\.system'/,
  'builtins-eval': /'__builtin__\.eval'/,
  // protocol 2 writes subprocess.Popen under its Python 2 name, commands.Popen
  'subprocess-popen': /'commands\.Popen'/,
  getattr: /'__builtin__\.getattr'/,
  nested: /'posix\.system'/,
  memoised: /'commands\.Popen'/,
  protocol4: /'posix\.system'/,
  'legacy-format': /'__builtin__\.eval'/,
};

test.before(() => rmSync(PWNED, { force: true }));

for (const [name, global] of Object.entries(cases)) {
  test(`malicious ${name}.bin: refused, naming the global, nothing executed`, () => {
    const file = readFileSync(join(FIXTURES, 'malicious', `${name}.bin`));
    const error = refusal(() => readPytorchCheckpoint(file, `${name}.bin`));
    assert.match(error.message, global);
    assert.match(error.message, /not on the allow-list/);
    assert.match(error.message, new RegExp(`${name}\\.bin`));
    assert.not.ok(existsSync(PWNED), 'the payload ran');
  });
}

// Hand-written pickles for the paths torch.save never produces.
const enc = (text: string): number[] => [...new TextEncoder().encode(text)];
const pickle = (...parts: (number | number[])[]): Uint8Array => new Uint8Array(parts.flat());
const torchZip = (data: Uint8Array): Uint8Array => buildZip([{ name: 'archive/data.pkl', data }]);
const GLOBAL = (module: string, name: string): number[] => [0x63, ...enc(`${module}\n${name}\n`)];
const SHORT_STR = (text: string): number[] => [0x8c, text.length, ...enc(text)];
const STOP = 0x2e;
const int32 = (value: number): number[] => [value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >>> 24) & 0xff];

const crafted: Record<string, [Uint8Array, RegExp]> = {
  'INST of os.system': [pickle(0x28, SHORT_STR('touch x'), 0x69, enc('os\nsystem\n'), STOP), /'os\.system'/],
  'STACK_GLOBAL of builtins.exec': [pickle(0x80, 4, SHORT_STR('builtins'), SHORT_STR('exec'), 0x93, STOP), /'builtins\.exec'/],
  'a storage type called': [pickle(0x80, 2, GLOBAL('torch', 'FloatStorage'), 0x4b, 9, 0x85, 0x52, STOP), /may only appear as a type/],
  'calling the result of a call': [pickle(0x80, 2, GLOBAL('collections', 'OrderedDict'), 0x29, 0x52, 0x29, 0x52, STOP), /not callable/],
  'EXT1 (copyreg extension registry)': [pickle(0x80, 2, 0x82, 1, STOP), /opcode 0x82/],
  'out-of-band buffer': [pickle(0x80, 5, 0x97, STOP), /opcode 0x97/],
  'BUILD on a tuple': [pickle(0x80, 2, 0x29, 0x7d, 0x62, STOP), /sets state on a tuple/],
  'a persistent id that is not a storage': [pickle(0x80, 2, SHORT_STR('module'), 0x51, STOP), /persistent id/],
  'NEWOBJ_EX with keyword arguments': [pickle(0x80, 4, GLOBAL('collections', 'OrderedDict'), 0x29, 0x7d, SHORT_STR('a'), 0x4b, 1, 0x73, 0x92, STOP), /keyword/],
  'an unknown opcode': [pickle(0x80, 2, 0xff, STOP), /opcode 0xff/],
  'a string longer than the file': [pickle(0x80, 2, 0x58, 0xff, 0xff, 0xff, 0x7f, STOP), /truncated/],
  'a 2 GB integer': [pickle(0x80, 2, 0x8b, 0, 0, 0, 0x80, STOP), /too large/],
  'a memo index never set': [pickle(0x80, 2, 0x6a, 0xff, 0xff, 0xff, 0xff, STOP), /memo entry/],
  'a plain list, not a state dict': [pickle(0x80, 2, 0x5d, STOP), /holds a list, not a state dict/],
};

for (const [name, [data, message]] of Object.entries(crafted)) {
  test(`crafted pickle: ${name} is refused`, () => {
    const error = refusal(() => readPytorchCheckpoint(torchZip(data), 'crafted.bin'));
    assert.match(error.message, message);
  });
}

test('a tensor whose strides reach past its storage is refused before any byte is read', () => {
  // _rebuild_tensor_v2(('storage', FloatStorage, '0', 'cpu', 4), 0, (3,), (2,), False, OrderedDict())
  const data = pickle(
    0x80, 2, 0x7d, SHORT_STR('w'),
    GLOBAL('torch._utils', '_rebuild_tensor_v2'), 0x28,
    0x28, SHORT_STR('storage'), GLOBAL('torch', 'FloatStorage'), SHORT_STR('0'), SHORT_STR('cpu'), 0x4b, 4, 0x74, 0x51,
    0x4b, 0, 0x4b, 3, 0x85, 0x4b, 2, 0x85, 0x89, GLOBAL('collections', 'OrderedDict'), 0x29, 0x52, 0x74, 0x52,
    0x73, STOP,
  );
  const file = buildZip([{ name: 'archive/data.pkl', data }, { name: 'archive/data/0', data: new Uint8Array(16) }]);
  assert.match(refusal(() => readPytorchCheckpoint(file, 'crafted.bin')).message, /reaches past its storage '0' of 4 elements/);
});

test('one storage under many transposed names (a memory amplification) is refused', () => {
  // storage '0': 512 x 512 floats (1 MiB); 100 names, each a transposed 511 x 511 view at its
  // own offset (distinct views, so no copy can be shared): 100 MiB of copies from a 1 MiB file.
  const n = 512;
  const head = pickle(
    0x80, 2, 0x7d,
    // memo 0..3: the rebuild function, the storage, the size, the stride (each POPped after BINPUT)
    GLOBAL('torch._utils', '_rebuild_tensor_v2'), 0x71, 0, 0x30,
    0x28, SHORT_STR('storage'), GLOBAL('torch', 'FloatStorage'), SHORT_STR('0'), SHORT_STR('cpu'), 0x4a, ...int32(n * n), 0x74, 0x51, 0x71, 1, 0x30,
    0x4d, (n - 1) & 0xff, (n - 1) >> 8, 0x4d, (n - 1) & 0xff, (n - 1) >> 8, 0x86, 0x71, 2, 0x30, // size (n-1, n-1)
    0x4b, 1, 0x4d, n & 0xff, n >> 8, 0x86, 0x71, 3, 0x30, // stride (1, n): the transpose
  );
  const one = (i: number): number[] => [
    ...SHORT_STR(`t${i}`), 0x68, 0, 0x28, 0x68, 1, 0x4b, i, 0x68, 2, 0x68, 3, 0x89, 0x7d, 0x74, 0x52, 0x73,
  ];
  const body = pickle(...Array.from({ length: 100 }, (_, i) => one(i)), STOP);
  const data = new Uint8Array(head.length + body.length);
  data.set(head);
  data.set(body, head.length);
  const file = buildZip([{ name: 'archive/data.pkl', data }, { name: 'archive/data/0', data: new Uint8Array(4 * n * n) }]);
  const message = refusal(() => readPytorchCheckpoint(file, "amplified.bin")).message;
  assert.match(message, /strided tensors would need 104448400 bytes of copies/, message);
});

test.run();
