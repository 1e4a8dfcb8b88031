// Every fast matrix-multiply engine against the reference one, on random shapes with odd
// sizes, within the float32 rounding bound of a K-term dot product: |error| <= K·u·Σ|a·w|
// (u = 2⁻²⁴) plus the rounding of the final scale, bias and activation.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { GemmEngine, MatmulArgs, PackedMatrix } from '../../src/tensor/gemm/gemm.js';
import { ReferenceGemm } from '../../src/tensor/gemm/reference-gemm.js';
import { TypeScriptGemm } from '../../src/tensor/gemm/typescript-gemm.js';
import { MAX_THREADS, WasmGemm } from '../../src/tensor/gemm/wasm-gemm.js';
import { startNodeWorkers } from '../../src/node/worker-threads.js';
import { MAX_QUEUED_JOBS } from '../../src/tensor/wasm/worker-protocol.js';
import { mulberry32 as random } from '../../tools/random.js';

const U = 2 ** -24;

function randomArray(length: number, next: () => number): Float32Array {
  return Float32Array.from({ length }, () => next() * 2 - 1);
}

interface Case {
  m: number; n: number; k: number;
  layout: 'nk' | 'kn';
  lda: number; aOffset: number; ldo: number; outOffset: number;
  bias: boolean; alpha: number; epilogue: 'none' | 'gelu';
}

/** Runs `c` on `engine`; returns the output buffer. */
function run(engine: GemmEngine, c: Case, a: Float32Array, w: Float32Array, bias: Float32Array): Float32Array {
  const out = new Float32Array(c.outOffset + c.m * c.ldo).fill(7);
  engine.beginOperation();
  const b: PackedMatrix = c.layout === 'nk' ? engine.packNK(w, c.n, c.k) : engine.packKN(w, c.k, c.n);
  const args: MatmulArgs = {
    m: c.m, a, aOffset: c.aOffset, lda: c.lda, b, out, outOffset: c.outOffset, ldo: c.ldo,
    alpha: c.alpha, epilogue: c.epilogue, ...(c.bias ? { bias } : {}),
  };
  engine.matmul(args);
  return out;
}

/** Σ|a·w| for output (i, j): the scale of the rounding error of that dot product. */
function magnitude(c: Case, a: Float32Array, w: Float32Array, i: number, j: number): number {
  let s = 0;
  for (let p = 0; p < c.k; p++) {
    const wv = c.layout === 'nk' ? w[j * c.k + p] : w[p * c.n + j];
    s += Math.abs(a[c.aOffset + i * c.lda + p] * wv);
  }
  return s;
}

function compare(engine: GemmEngine, c: Case, seed: number): void {
  const next = random(seed);
  const a = randomArray(c.aOffset + c.m * c.lda, next);
  const w = randomArray(c.n * c.k, next);
  const bias = randomArray(c.n, next);
  const expected = run(new ReferenceGemm(), c, a, w, bias);
  const actual = run(engine, c, a, w, bias);
  for (let i = 0; i < actual.length; i++) {
    const row = Math.floor((i - c.outOffset) / c.ldo);
    const col = (i - c.outOffset) % c.ldo;
    const inside = i >= c.outOffset && col < c.n;
    if (!inside) {
      assert.is(actual[i], 7, `${engine.name}: wrote outside the output at ${i}`);
      continue;
    }
    // GELU's slope is at most 1.13; bias and scale add a few roundings of their own.
    const bound = 1.2 * (c.k * U * Math.abs(c.alpha) * magnitude(c, a, w, row, col)) + 8 * U * (Math.abs(expected[i]) + 1) + 1e-7;
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= bound)) {
      assert.unreachable(`${engine.name} ${JSON.stringify(c)} seed ${seed}: y[${row},${col}] = ${actual[i]}, reference ${expected[i]}, error ${error} > ${bound}`);
    }
  }
}

const SIZES = [1, 3, 17, 63, 65];

function cases(next: () => number): Case[] {
  const list: Case[] = [];
  for (const m of SIZES) for (const n of SIZES) for (const k of SIZES) {
    const pick = next();
    const strided = pick < 0.3;
    list.push({
      m, n, k,
      layout: next() < 0.5 ? 'nk' : 'kn',
      lda: strided ? k + 5 : k, aOffset: strided ? 3 : 0,
      ldo: strided ? n + 2 : n, outOffset: strided ? 1 : 0,
      bias: next() < 0.5, alpha: next() < 0.2 ? 0.125 : 1, epilogue: next() < 0.3 ? 'gelu' : 'none',
    });
  }
  return list;
}

const engines: Array<[string, () => GemmEngine]> = [
  ['typescript', () => new TypeScriptGemm()],
  ['wasm-simd 4x8', () => WasmGemm.create({ shared: false })!],
  ['wasm-simd 2x16, small blocks', () => WasmGemm.create({ shared: false, shape: { mr: 2, nr: 16, unroll: 1 }, kcBlock: 16, mcPanels: 3, unblockedBytes: 0 })!],
  ['wasm-simd 3x8 unrolled', () => WasmGemm.create({ shared: false, shape: { mr: 3, nr: 8, unroll: 4 }, kcBlock: 8, unblockedBytes: 0 })!],
  ['wasm-simd, 3 threads', () => {
    const e = WasmGemm.create({ shared: true, kcBlock: 32, unblockedBytes: 0 })!;
    e.attachRunner(startNodeWorkers(e.kernel, 3));
    return e;
  }],
];

const gemm = suite('gemm engines equal the reference within float32 rounding');
gemm('WebAssembly SIMD is available here (the fast path is really tested)', () => {
  assert.ok(WasmGemm.create({ shared: false }));
});
for (const [label, make] of engines) {
  gemm(`${label}: all of M, N, K in {1, 3, 17, 63, 65}, strided and offset operands`, () => {
    const engine = make();
    try {
      const next = random(label.length * 1000 + 1);
      let seed = 1;
      for (const c of cases(next)) compare(engine, c, seed++);
    } finally {
      engine.dispose();
    }
  });
}
gemm('threads really split a large multiply and agree with one thread', () => {
  const threaded = WasmGemm.create({ shared: true })!;
  threaded.attachRunner(startNodeWorkers(threaded.kernel, 2));
  try {
    assert.is(threaded.threads, 2);
    const c: Case = { m: 130, n: 257, k: 300, layout: 'nk', lda: 300, aOffset: 0, ldo: 257, outOffset: 0, bias: true, alpha: 1, epilogue: 'gelu' };
    compare(threaded, c, 99);
  } finally {
    threaded.dispose();
  }
});
gemm('MAX_THREADS threads each take a share of a multiply, and agree with the reference', () => {
  // Their control words and job records must all fit below the arena: with 17 to 32 threads
  // the workers' words once ran past their 1 KiB block, so the workers failed to start.
  const engine = WasmGemm.create({ shared: true })!;
  engine.attachRunner(startNodeWorkers(engine.kernel, MAX_THREADS));
  try {
    assert.is(engine.threads, MAX_THREADS);
    // At least one n-panel a thread, and enough work to be split (out starts as 7s: a job
    // that did not run leaves them).
    const n = MAX_THREADS * engine.columnAlign + 5;
    const c: Case = { m: 40, n, k: 64, layout: 'nk', lda: 64, aOffset: 0, ldo: n, outOffset: 0, bias: true, alpha: 1, epilogue: 'none' };
    compare(engine, c, 7);
  } finally {
    engine.dispose();
  }
});
gemm('the threads take a multiply as many pieces, more than threads, from one queue', () => {
  // threadedMinMacs 0: pieces down to one n-panel, so a hand-off queues many more jobs than
  // there are threads; out starts as 7s, so a piece nobody ran would show.
  const engine = WasmGemm.create({ shared: true, threadedMinMacs: 0 })!;
  const runner = startNodeWorkers(engine.kernel, 2);
  const queued: number[] = [];
  engine.attachRunner({
    threads: runner.threads,
    run: (jobs, local) => {
      queued.push(jobs.length);
      runner.run(jobs, local);
    },
    dispose: () => runner.dispose(),
  });
  try {
    const n = 40 * engine.columnAlign + 3;
    compare(engine, { m: 9, n, k: 70, layout: 'nk', lda: 70, aOffset: 0, ldo: n, outOffset: 0, bias: true, alpha: 1, epilogue: 'gelu' }, 11);
    assert.ok(Math.max(...queued) > 2, `jobs a hand-off: ${queued.join(', ')}`);
    assert.throws(() => runner.run(Array.from({ length: MAX_QUEUED_JOBS + 1 }, () => 0), () => undefined), new RegExp(`${MAX_QUEUED_JOBS + 1} jobs in one hand-off, more than the queue's ${MAX_QUEUED_JOBS}`));
  } finally {
    engine.dispose();
  }
});
gemm('columns(): a block of output columns equals those columns of the whole product', () => {
  const engine = WasmGemm.create({ shared: false })!;
  const next = random(5);
  // A block two panels in, 13 columns wide (the last panel partly padding).
  const start = 2 * engine.columnAlign;
  const m = 9, n = start + 13, k = 33;
  const a = randomArray(m * k, next);
  const w = randomArray(n * k, next);
  const whole = new Float32Array(m * n);
  const b = engine.packNK(w, n, k);
  engine.beginOperation();
  engine.matmul({ m, a, b, out: whole });
  const part = new Float32Array(m * 13);
  engine.beginOperation();
  engine.matmul({ m, a, b: engine.columns(b, start, 13), out: part });
  for (let i = 0; i < m; i++) for (let j = 0; j < 13; j++) assert.is(part[i * 13 + j], whole[i * n + start + j]);
  assert.throws(() => engine.columns(b, 3, 5), new RegExp(`multiple of ${engine.columnAlign}`));
});
gemm.run();
