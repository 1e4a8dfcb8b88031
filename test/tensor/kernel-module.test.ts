// The shipped kernels (dist/kernels.wasm, kernels-shared.wasm): the build writes exactly the
// bytes the run-time path compiles, a precompiled module gives bit-identical results to the
// run-time one (a multiply and a whole encoder), its threads follow its memory, and a module
// that is not splade-ts's kernels is refused by name. (The fallback itself, where compiling is
// refused for real, is tested under workerd: test/runtimes/.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeKernelFiles } from '../../scripts/kernel-files.mjs';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { createBackend as createNodeBackend } from '../../src/node/backend.js';
import { disposeBackend } from '../../src/tensor/backend.js';
import { BackendOptionsError } from '../../src/tensor/backend-options.js';
import { createBackend } from '../../src/tensor/create-backend.js';
import { WasmGemm } from '../../src/tensor/gemm/wasm-gemm.js';
import { encodeModule } from '../../src/tensor/wasm/binary-writer.js';
import { DEFAULT_GEMM_SHAPE, KERNEL_FORMAT, KERNEL_SECTION } from '../../src/tensor/wasm/gemm-module.js';
import { kernelBytes, kernelModuleInfo, KernelModuleError, relaxedSimdSupported } from '../../src/tensor/wasm/kernel-module.js';
import { mulberry32 } from '../../tools/random.js';
import { rejects } from '../helpers/rejects.js';
import type { InputIdRows } from '../../src/models/bert/input.js';

const f32 = fileURLToPath(new URL('../parity/fixtures/f32', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'splade-kernels-'));
let files: Record<string, string> = {};
const load = (file: string): WebAssembly.Module => new WebAssembly.Module(readFileSync(files[file]));

test.before(async () => {
  files = await writeKernelFiles(dir);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the kernel files are byte for byte the modules the run-time path compiles', () => {
  assert.equal(Object.keys(files).sort(), ['kernels-shared.wasm', 'kernels.wasm']);
  assert.equal(new Uint8Array(readFileSync(files['kernels.wasm'])), kernelBytes(DEFAULT_GEMM_SHAPE, false));
  assert.equal(new Uint8Array(readFileSync(files['kernels-shared.wasm'])), kernelBytes(DEFAULT_GEMM_SHAPE, true));
  assert.equal(kernelModuleInfo(load('kernels.wasm')), { format: KERNEL_FORMAT, ...DEFAULT_GEMM_SHAPE, shared: false, relaxed: false });
  assert.equal(kernelModuleInfo(load('kernels-shared.wasm')), { format: KERNEL_FORMAT, ...DEFAULT_GEMM_SHAPE, shared: true, relaxed: false });
});

test('a multiply with the shipped module is bit-identical to the run-time module', () => {
  const next = mulberry32(12);
  const [m, n, k] = [13, 37, 70];
  const a = Float32Array.from({ length: m * k }, () => next() * 2 - 1);
  const w = Float32Array.from({ length: n * k }, () => next() * 2 - 1);
  const bias = Float32Array.from({ length: n }, () => next());
  const multiply = (engine: WasmGemm): Float32Array => {
    const out = new Float32Array(m * n);
    engine.beginOperation();
    engine.matmul({ m, a, b: engine.packNK(w, n, k), out, bias, epilogue: 'gelu' });
    return out;
  };
  const shipped = WasmGemm.tryCreate({ module: load('kernels.wasm') }).engine!;
  // The shipped modules are the baseline kernels (no relaxed SIMD, so that they load anywhere).
  const built = WasmGemm.create({ shared: false, relaxedSimd: false })!;
  assert.equal(multiply(shipped), multiply(built));
});

// Where the runtime has relaxed SIMD, the run-time kernels are the relaxed ones (fused
// multiply-adds), which round differently: the bit-for-bit comparison holds without it.
(relaxedSimdSupported() ? test.skip : test)('an encoder on the shipped kernels gives the same vectors, bit for bit, as on the run-time kernels', async () => {
  const ids = JSON.parse(readFileSync(join(f32, 'inputs.json'), 'utf8')) as InputIdRows;
  const shipped = await SpladeEncoder.fromPretrained(f32, { wasmModule: load('kernels-shared.wasm') });
  const built = await SpladeEncoder.fromPretrained(f32);
  assert.equal(shipped.backendInfo, built.backendInfo, 'kernels-shared.wasm keeps the worker threads');
  assert.equal(shipped.backendInfo.notes, []);
  const a = await shipped.encodeInputIds(ids);
  const b = await built.encodeInputIds(ids);
  assert.equal(a.map((v) => [...v.indices]), b.map((v) => [...v.indices]));
  assert.equal(a.map((v) => [...v.values]), b.map((v) => [...v.values]));
  shipped.dispose();
  built.dispose();
});

test('kernels.wasm (memory not shared) runs on one thread and says why', async () => {
  const backend = await createNodeBackend({ threads: 2, wasmModule: load('kernels.wasm') });
  assert.is(backend.info.name, 'cpu-wasm-simd');
  assert.equal(backend.info.notes, ['1 thread instead of 2: the kernels module given (kernels.wasm) has no shared memory; kernels-shared.wasm has threads']);
  disposeBackend(backend);
  const shared = await createNodeBackend({ threads: 2, wasmModule: load('kernels-shared.wasm') });
  assert.is(shared.info.name, 'cpu-wasm-simd x2');
  disposeBackend(shared);
  const single = await createBackend({ kernels: 'wasm-simd', wasmModule: load('kernels.wasm') });
  assert.is(single.info.name, 'cpu-wasm-simd');
  assert.equal(single.info.notes, []);
});

test('wasmModule does not go with the GPU or other kernels', async () => {
  for (const options of [{ backend: 'gpu' }, { kernels: 'typescript' }, { kernels: 'reference' }] as const) {
    await rejects(createBackend({ ...options, wasmModule: load('kernels.wasm') }), (e: unknown) => e instanceof BackendOptionsError && /wasmModule holds the wasm-simd kernels/.test((e as Error).message));
  }
});

test('a module that is not splade-ts kernels is refused by name', async () => {
  const empty = new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  await rejects(createBackend({ wasmModule: empty }), (e: unknown) => e instanceof KernelModuleError && /no 'splade-ts\.kernels' section/.test(e.message));
  const memory = { initialPages: 1, maximumPages: 1, shared: false };
  const section = (text: string): WebAssembly.Module =>
    new WebAssembly.Module(encodeModule(memory, [], [{ name: KERNEL_SECTION, bytes: new TextEncoder().encode(text) }]));
  const future = section(JSON.stringify({ format: 99, ...DEFAULT_GEMM_SHAPE, shared: false }));
  await rejects(createBackend({ wasmModule: future }), (e: unknown) => e instanceof KernelModuleError && /format 99.*same package version/.test(e.message));
  await rejects(createBackend({ wasmModule: section(`{"format":${KERNEL_FORMAT},"mr":4}`) }), /malformed/);
  await rejects(createBackend({ wasmModule: new Uint8Array(8) as unknown as WebAssembly.Module }), /must be a WebAssembly\.Module/);
});

test('wasmModule with a backend instance is an error (it would be ignored)', async () => {
  const backend = await createBackend({ kernels: 'typescript' });
  try {
    await SpladeEncoder.fromPretrained(f32, { backend, wasmModule: load('kernels.wasm') });
    assert.unreachable();
  } catch (error) {
    assert.instance(error, BackendOptionsError);
    assert.match((error as Error).message, /wasmModule: give these to createBackend/);
  }
});

test.run();
