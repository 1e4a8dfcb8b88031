import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeModule, sleb, uleb, I32 } from '../../src/tensor/wasm/binary-writer.js';
import { FunctionBuilder } from '../../src/tensor/wasm/function-builder.js';
import { buildGemmModule } from '../../src/tensor/wasm/gemm-module.js';

test('LEB128 encodings match the spec examples', () => {
  assert.equal(uleb(0), [0]);
  assert.equal(uleb(127), [0x7f]);
  assert.equal(uleb(128), [0x80, 0x01]);
  assert.equal(uleb(624485), [0xe5, 0x8e, 0x26]);
  assert.equal(sleb(-1), [0x7f]);
  assert.equal(sleb(63), [0x3f]);
  assert.equal(sleb(64), [0xc0, 0x00]);
  assert.equal(sleb(-123456), [0xc0, 0xbb, 0x78]);
});

test('a hand-built function runs: sum of 1..n with a do-while loop', () => {
  const f = new FunctionBuilder('sum', ['n'], [I32], [I32]);
  f.local('s');
  f.doWhile(() => { f.bump('s', 'n'); f.bump('n', -1); }, () => f.get('n'));
  f.get('s');
  const bytes = encodeModule({ initialPages: 1, maximumPages: 1, shared: false }, [f.build()]);
  assert.ok(WebAssembly.validate(bytes));
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  const { sum } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as { sum: (n: number) => number };
  assert.is(sum(100), 5050);
});

test('the gemm module validates for several register tiles, shared and not', () => {
  for (const shape of [{ mr: 4, nr: 8, unroll: 1 }, { mr: 1, nr: 4, unroll: 2 }, { mr: 6, nr: 12, unroll: 4 }]) {
    for (const shared of [false, true]) {
      assert.ok(WebAssembly.validate(buildGemmModule(shape, { initialPages: 16, maximumPages: 65536, shared })), JSON.stringify(shape));
    }
  }
  assert.throws(() => buildGemmModule({ mr: 4, nr: 6, unroll: 1 }, { initialPages: 1, maximumPages: 1, shared: false }), /register tile/);
});

test.run();
