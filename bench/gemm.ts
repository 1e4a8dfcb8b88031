// npm run bench:gemm: the matrix-multiply engines alone at bert-base shapes (GFLOP/s, median
// of 5 after warm-up), including packing the activations and copying the result out: what a
// linear layer costs. gpu.js's `webasm` mode is measured on the same product for comparison.
//   npm run bench:gemm -- [--threads 2] [--quick]
import { parseArgs } from 'node:util';
import type { GemmEngine } from '../src/tensor/gemm/gemm.js';
import { TypeScriptGemm } from '../src/tensor/gemm/typescript-gemm.js';
import { WasmGemm } from '../src/tensor/gemm/wasm-gemm.js';
import { startNodeWorkers } from '../src/node/worker-threads.js';
import { mulberry32, randomFloats } from '../tools/random.js';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '2' }, quick: { type: 'boolean', default: false } } });
const threads = Number(values.threads);

/** [m, n, k, what] */
const SHAPES: Array<[number, number, number, string]> = [
  [12, 768, 768, 'Q: attention projection'],
  [12, 3072, 768, 'Q: FFN up'],
  [1024, 768, 768, 'D batch: attention projection'],
  [1024, 3072, 768, 'D batch: FFN up'],
  [1024, 768, 3072, 'D batch: FFN down'],
  [1024, 4096, 768, 'D batch: a vocabulary block'],
];

function fill(length: number, seed: number): Float32Array {
  return randomFloats(mulberry32(seed), length, 0.5);
}

function timeIt(f: () => void, runs: number): number {
  f();
  const start = performance.now();
  while (performance.now() - start < 300) f();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function measure(engine: GemmEngine, m: number, n: number, k: number): number {
  const a = fill(m * k, 1);
  const b = engine.packNK(fill(n * k, 2), n, k);
  const out = new Float32Array(m * n);
  const ms = timeIt(() => {
    engine.beginOperation();
    engine.matmul({ m, a, b, out });
  }, 5);
  return (2 * m * n * k) / ms / 1e6;
}

interface GpuKernel {
  (a: Float32Array[], b: Float32Array[]): unknown;
  setOutput(size: number[]): GpuKernel;
  setConstants(c: Record<string, number>): GpuKernel;
}
interface GpuLike {
  createKernel(f: (this: { thread: { x: number; y: number }; constants: { K: number } }, a: number[][], b: number[][]) => number): GpuKernel;
}

/** gpu.js in `webasm` mode (its WebAssembly SIMD backend), when installed. */
async function measureGpuJs(m: number, n: number, k: number): Promise<number | undefined> {
  let GPU: new (options: { mode: string }) => GpuLike;
  try {
    ({ GPU } = (await import('gpu.js')) as unknown as { GPU: typeof GPU });
  } catch {
    return undefined;
  }
  const kernel = new GPU({ mode: 'webasm' })
    .createKernel(function (a, b) {
      let s = 0;
      for (let i = 0; i < this.constants.K; i++) s += a[this.thread.y][i] * b[this.thread.x][i];
      return s;
    })
    .setOutput([n, m])
    .setConstants({ K: k });
  const rows = (count: number): Float32Array[] => Array.from({ length: count }, (_, r) => fill(k, 3 + r).map((v) => v * (r + 1) * 1e-3));
  const a = rows(m);
  const b = rows(n);
  const ms = timeIt(() => void kernel(a, b), 3);
  return (2 * m * n * k) / ms / 1e6;
}

const single = WasmGemm.create({ shared: false });
const threaded = WasmGemm.create({ shared: true });
if (!single || !threaded) throw new Error('no WebAssembly SIMD in this runtime');
threaded.attachRunner(startNodeWorkers(threaded.kernel, threads));
const ts = new TypeScriptGemm();

console.log(`${new Date().toISOString()} matmul y = x·Wᵀ, GFLOP/s (median of 5), incl. packing x and copying y out`);
console.log(`| m x n x k | what | wasm-simd x1 | wasm-simd x${threads} | typescript x1 | gpu.js webasm |`);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [m, n, k, what] of values.quick ? SHAPES.slice(0, 3) : SHAPES) {
  const small = m * n * k <= 12 * 3072 * 768;
  const cells = [
    measure(single, m, n, k).toFixed(1),
    measure(threaded, m, n, k).toFixed(1),
    small ? measure(ts, m, n, k).toFixed(1) : '-',
    small ? ((await measureGpuJs(m, n, k))?.toFixed(2) ?? 'not installed') : '-',
  ];
  console.log(`| ${m} x ${n} x ${k} | ${what} | ${cells.join(' | ')} |`);
}
threaded.dispose();
