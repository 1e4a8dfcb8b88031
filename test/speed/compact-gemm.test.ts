// The compact-weight engines against their references on odd shapes:
// - int8: both WebAssembly kernels (baseline i32x4.dot_i16x8_s and relaxed SIMD's
//   i32x4.relaxed_dot_i8x16_i7x16_add_s; one thread and three) against the plain int8
//   reference, EXACTLY: the activations quantized in WebAssembly must be the very bytes
//   int8-activations.ts computes, the sums are exact in int32, and the scaling rounds in the
//   same float32 steps. Where this Node lacks relaxed SIMD (Node 20), relaxed-simd.test.ts
//   runs this file again in Node 24, so the relaxed kernel is always tested.
//   With GELU, the two GELUs differ (the SIMD one vs geluFast): 4 ulps of the output plus 1
//   of the input, the bound test/speed/gelu.test.ts holds the SIMD GELU to, plus geluFast's 2.
// - float16: the WebAssembly engine (panels widened by the kernel) against the float32
//   reference multiply of the exactly widened weights, within float32 rounding (see gemm.test.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { quantizeInt8Rows, toF16Weight, widenWeight, type CompactWeight } from '../../src/tensor/compact-weight.js';
import { f16ToF32, scaleF16 } from '../../src/tensor/half.js';
import { TypeScriptCompactGemm, type CompactGemm, type CompactMatrix, type EachOutput } from '../../src/tensor/gemm/compact-gemm.js';
import { ReferenceGemm } from '../../src/tensor/gemm/reference-gemm.js';
import { columnAbsMax, columnsFarBelow, findOutlierColumns, MAX_OUTLIER_FRACTION, nthSmallest, OUTLIER_HEADROOM, OUTLIER_RATIO, outlierColumnsOf } from '../../src/tensor/gemm/int8-activations.js';
import { referenceInt8Matmul } from '../../src/tensor/gemm/int8-reference.js';
import { WasmCompactGemm } from '../../src/tensor/gemm/wasm-compact-gemm.js';
import { WasmGemm } from '../../src/tensor/gemm/wasm-gemm.js';
import { startNodeWorkers } from '../../src/node/worker-threads.js';
import { JOB_KIND, JOB_KIND_MASK } from '../../src/tensor/wasm/worker-protocol.js';
import { relaxedSimdSupported } from '../../src/tensor/wasm/kernel-module.js';
import { mulberry32 as random } from '../../tools/random.js';

const U = 2 ** -24;

interface Case {
  m: number; n: number; k: number;
  lda: number; aOffset: number; ldo: number; outOffset: number;
  bias: boolean; epilogue: 'none' | 'gelu';
  /** Columns of A made 50-200 times larger (outlier features). */
  outlierColumns: number[];
}

function randomArray(length: number, next: () => number): Float32Array {
  return Float32Array.from({ length }, () => next() * 2 - 1);
}

function inputs(c: Case, seed: number): { a: Float32Array; w: Float32Array; bias: Float32Array } {
  const next = random(seed);
  const a = randomArray(c.aOffset + c.m * c.lda, next);
  for (const col of c.outlierColumns) {
    for (let i = 0; i < c.m; i++) a[c.aOffset + i * c.lda + col] *= 50 + 150 * next();
  }
  return { a, w: randomArray(c.n * c.k, next), bias: randomArray(c.n, next) };
}

function runCompact(engine: CompactGemm, c: Case, a: Float32Array, weight: CompactWeight, bias: Float32Array): Float32Array {
  const out = new Float32Array(c.outOffset + c.m * c.ldo).fill(7);
  if (engine instanceof WasmCompactGemm) engine.engine.beginOperation();
  engine.matmul({
    m: c.m, a, aOffset: c.aOffset, lda: c.lda, b: engine.pack(weight), out, outOffset: c.outOffset, ldo: c.ldo,
    epilogue: c.epilogue, ...(c.bias ? { bias } : {}),
  });
  return out;
}

function int8Expected(c: Case, a: Float32Array, weight: CompactWeight, bias: Float32Array): Float32Array {
  const out = new Float32Array(c.outOffset + c.m * c.ldo).fill(7);
  if (weight.kind !== 'int8') throw new Error('int8 weight expected');
  referenceInt8Matmul({
    m: c.m, a, aOffset: c.aOffset, lda: c.lda, b: weight, out, outOffset: c.outOffset, ldo: c.ldo,
    epilogue: c.epilogue, ...(c.bias ? { bias } : {}),
  });
  return out;
}

const SIZES = [1, 3, 17, 63, 65];

function cases(next: () => number): Case[] {
  const list: Case[] = [];
  for (const m of SIZES) for (const n of SIZES) for (const k of SIZES) {
    const strided = next() < 0.3;
    const outlierColumns = k >= 17 && next() < 0.4 ? [Math.floor(next() * k)] : [];
    list.push({
      m, n, k, lda: strided ? k + 5 : k, aOffset: strided ? 3 : 0, ldo: strided ? n + 2 : n, outOffset: strided ? 1 : 0,
      bias: next() < 0.5, epilogue: next() < 0.3 ? 'gelu' : 'none', outlierColumns,
    });
  }
  return list;
}

/** `preGelu`: the reference's output before GELU (for the bound on the GELUs' difference). */
function assertInt8Equal(label: string, c: Case, actual: Float32Array, expected: Float32Array, preGelu: Float32Array): void {
  for (let i = 0; i < actual.length; i++) {
    const bound = c.epilogue === 'gelu' ? 2 ** -23 * (6 * Math.abs(expected[i]) + Math.abs(preGelu[i])) + 1e-15 : 0;
    if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
      assert.unreachable(`${label} ${JSON.stringify(c)}: out[${i}] = ${actual[i]}, reference ${expected[i]}`);
    }
  }
}

const RELAXED = relaxedSimdSupported();
if (process.env.SPLADE_REQUIRE_RELAXED_SIMD === '1') {
  if (!RELAXED) throw new Error('this Node was to have relaxed SIMD');
  console.log(`relaxed SIMD kernels under test in Node ${process.version}`);
}
const kernels = RELAXED ? [false, true] : [false];

function kernelLabel(relaxedSimd: boolean): string {
  return relaxedSimd ? 'wasm-simd relaxed' : 'wasm-simd baseline';
}

/** Jobs the 3-thread engines handed to their workers, by kind (so the tests see the threads ran). */
const workerJobs = new Map<number, number>();

function threeThreads(relaxedSimd: boolean): WasmCompactGemm {
  const e = WasmGemm.create({ shared: true, threadedMinMacs: 0, relaxedSimd })!;
  const runner = startNodeWorkers(e.kernel, 3);
  e.attachRunner({
    threads: runner.threads,
    run: (jobs, local) => {
      for (const job of jobs.slice(1)) workerJobs.set(job & JOB_KIND_MASK, (workerJobs.get(job & JOB_KIND_MASK) ?? 0) + 1);
      runner.run(jobs, local);
    },
    dispose: () => runner.dispose(),
  });
  return new WasmCompactGemm(e);
}

const engines: Array<[string, () => WasmCompactGemm]> = kernels.flatMap((relaxedSimd): Array<[string, () => WasmCompactGemm]> => [
  [`${kernelLabel(relaxedSimd)}, 1 thread`, () => new WasmCompactGemm(WasmGemm.create({ shared: false, relaxedSimd })!)],
  [`${kernelLabel(relaxedSimd)}, 3 threads`, () => threeThreads(relaxedSimd)],
]);

const typescriptEngine = (): CompactGemm => new TypeScriptCompactGemm();
// Small k and row blocks: each panel is widened a k block at a time, once per row block; an
// odd k block of a 4-column panel is an odd number of quads for the widening kernel.
const smallBlocks = (shared: boolean): WasmGemm => WasmGemm.create({
  shared, shape: { mr: 3, nr: 4, unroll: 1 }, kcBlock: 5, mcPanels: 2, unblockedBytes: 0, threadedMinMacs: 0,
})!;
const f16Engines: Array<readonly [string, () => CompactGemm]> = [
  ...engines,
  ['wasm-simd 3x4, k blocks of 5, row blocks of 2 panels', () => new WasmCompactGemm(smallBlocks(false))],
  ['wasm-simd 3x4, small blocks, 3 threads', () => {
    const e = smallBlocks(true);
    e.attachRunner(startNodeWorkers(e.kernel, 3));
    return new WasmCompactGemm(e);
  }],
  ['typescript', typescriptEngine],
];

const int8 = suite('int8: the WebAssembly kernel equals the plain reference');
for (const [label, make] of engines) {
  int8(`${label}: all of M, N, K in {1, 3, 17, 63, 65}, strided, with and without outlier columns`, () => {
    const engine = make();
    try {
      const next = random(label.length * 77 + 3);
      let seed = 1;
      let withOutliers = 0;
      for (const c of cases(next)) {
        const { a, w, bias } = inputs(c, seed++);
        const weight = quantizeInt8Rows(w, c.n, c.k);
        if (findOutlierColumns(a, c.aOffset, c.lda, c.m, c.k).length > 0) withOutliers++;
        const preGelu = int8Expected({ ...c, epilogue: 'none' }, a, weight, bias);
        assertInt8Equal(label, c, runCompact(engine, c, a, weight, bias), int8Expected(c, a, weight, bias), preGelu);
      }
      assert.ok(withOutliers > 20, `only ${withOutliers} cases had outlier columns: the second pass is barely tested`);
    } finally {
      engine.engine.dispose();
    }
  });
}
/**
 * Float columns (Int8Weight.floatColumns): a few columns of A at 50-200, as a LayerNorm's
 * outlier dimensions, kept in float32 in the weight. The float32 kernel multiplies them first;
 * with relaxed SIMD it fuses each multiply-add (one rounding a step instead of two), so there
 * the result is within an ulp of each float product's sum, not equal.
 */
function floatColumnCases(next: () => number): Array<Case & { keep: Int32Array }> {
  return cases(next).filter((c) => c.k >= 3).map((c) => {
    const count = 1 + Math.floor(next() * Math.min(4, c.k - 1));
    const keep = Int32Array.from(new Set(Array.from({ length: count }, () => Math.floor(next() * c.k)))).sort();
    // Sometimes an outlier column of its own besides them, for the int8 second pass.
    const extra = next() < 0.5 ? [Math.floor(next() * c.k)].filter((x) => !keep.includes(x)) : [];
    return { ...c, outlierColumns: [...keep, ...extra], keep };
  });
}
for (const [label, make] of [...engines, ['typescript', typescriptEngine] as const]) {
  int8(`${label}: float columns (a weight's outlier inputs in float32) as the reference computes them`, () => {
    const engine = make();
    const relaxed = engine instanceof WasmCompactGemm && engine.engine.relaxedSimd;
    try {
      const next = random(label.length * 31 + 5);
      let seed = 100;
      for (const c of floatColumnCases(next)) {
        const { a, w, bias } = inputs(c, seed++);
        const weight = quantizeInt8Rows(w, c.n, c.k, c.keep);
        const preGelu = int8Expected({ ...c, epilogue: 'none' }, a, weight, bias);
        const expected = int8Expected(c, a, weight, bias);
        const actual = runCompact(engine, c, a, weight, bias);
        if (!relaxed) {
          assertInt8Equal(label, c, actual, expected, preGelu);
          continue;
        }
        for (let i = 0; i < c.m; i++) {
          for (let j = 0; j < c.n; j++) {
            let floats = c.bias ? Math.abs(bias[j]) : 0;
            c.keep.forEach((col, p) => { floats += Math.abs(a[c.aOffset + i * c.lda + col] * weight.floatColumns!.values[j * c.keep.length + p]); });
            const at = c.outOffset + i * c.ldo + j;
            const bound = 2 ** -22 * (floats + Math.abs(expected[at])) * (c.epilogue === 'gelu' ? 2 : 1) + 1e-15;
            if (!(Math.abs(actual[at] - expected[at]) <= bound)) assert.unreachable(`${label} ${JSON.stringify(c)}: out[${at}] = ${actual[at]}, reference ${expected[at]}`);
          }
        }
      }
    } finally {
      if (engine instanceof WasmCompactGemm) engine.engine.dispose();
    }
  });
}
int8('matmulEach prepares A once only for weights of the same float columns (else it declines)', () => {
  const engine = engines[0][1]();
  const c: Case = { m: 5, n: 16, k: 24, lda: 24, aOffset: 0, ldo: 16, outOffset: 0, bias: false, epilogue: 'none', outlierColumns: [3] };
  const { a, w } = inputs(c, 77);
  const same = [Int32Array.from([3]), Int32Array.from([3])].map((keep) => engine.pack(quantizeInt8Rows(w, c.n, c.k, keep)));
  const other = [Int32Array.from([3]), Int32Array.from([5])].map((keep) => engine.pack(quantizeInt8Rows(w, c.n, c.k, keep)));
  const outs = (bs: CompactMatrix[]): EachOutput[] => bs.map((b) => ({ b, out: new Float32Array(c.m * c.n) }));
  engine.engine.beginOperation();
  const sameOuts = outs(same);
  assert.ok(engine.matmulEach({ m: c.m, a }, sameOuts), 'the same float columns: one preparation');
  const expected = int8Expected(c, a, quantizeInt8Rows(w, c.n, c.k, Int32Array.from([3])), new Float32Array(c.n));
  assert.equal([...sameOuts[1].out], [...expected]);
  engine.engine.beginOperation();
  assert.not.ok(engine.matmulEach({ m: c.m, a }, outs(other)), 'different float columns: declined, nothing done');
  engine.engine.dispose();
});
int8('float columns: the weight holds them exactly and 0 in their int8 place, the row scale over the rest; engines read them back', () => {
  const [n, k] = [5, 9];
  const w = Float32Array.from({ length: n * k }, (_, i) => Math.sin(i) * (i % k === 2 ? 40 : 1));
  const keep = Int32Array.from([2, 7]);
  const weight = quantizeInt8Rows(w, n, k, keep);
  const plain = quantizeInt8Rows(w, n, k);
  for (let r = 0; r < n; r++) {
    let max = 0;
    for (let c = 0; c < k; c++) if (c !== 2 && c !== 7) max = Math.max(max, Math.abs(w[r * k + c]));
    assert.is(weight.scales[r], Math.fround(max / 127), `row ${r}: scale over the other columns`);
    assert.ok(plain.scales[r] > weight.scales[r], `row ${r}: the 40x column set the plain scale`);
    assert.equal([weight.values[r * k + 2], weight.values[r * k + 7]], [0, 0]);
    assert.equal([...weight.floatColumns!.values.subarray(r * 2, r * 2 + 2)], [w[r * k + 2], w[r * k + 7]]);
  }
  const wide = widenWeight(weight);
  for (let r = 0; r < n; r++) for (const c of keep) assert.is(wide[r * k + c], w[r * k + c]);
  for (const [label, make] of [...engines, ['typescript', typescriptEngine] as const]) {
    const engine = make();
    const rows = Int32Array.from([4, 0, 2]);
    const out = new Float32Array(rows.length * k);
    const packed = engine.pack(weight);
    engine.readRows(packed, rows, out);
    rows.forEach((r, i) => {
      for (let c = 0; c < k; c++) if (out[i * k + c] !== wide[r * k + c]) assert.unreachable(`${label}: row ${r}, column ${c}: ${out[i * k + c]}, widened ${wide[r * k + c]}`);
    });
    if (engine instanceof WasmCompactGemm) engine.engine.dispose();
  }
  // A NaN or an infinity is refused in a float column as in the others.
  for (const bad of [NaN, Infinity]) {
    const poisoned = Float32Array.from(w);
    poisoned[3 * k + 7] = bad;
    assert.throws(() => quantizeInt8Rows(poisoned, n, k, keep), new RegExp(`holding ${bad} \\(row 3\\)`));
  }
  assert.throws(() => quantizeInt8Rows(w, n, k, Int32Array.from([7, 2])), /ascend/);
  assert.throws(() => quantizeInt8Rows(w, n, k, Int32Array.from([9])), /ascend/);
});
int8('the 3-thread engines quantized activations, and scanned them for outlier columns, on their workers', () => {
  assert.ok((workerJobs.get(JOB_KIND.int8Quantize) ?? 0) > 0, 'no int8 quantization job ran on a worker');
  assert.ok((workerJobs.get(JOB_KIND.int8ColumnAbsMax) ?? 0) > 0, 'no column scan ran on a worker');
});
int8('rows holding NaN, infinities, -0 and huge values quantize as the reference does (NaN counted equal to NaN)', () => {
  // The kernel finds a row's range with pmin/pmax and tracks NaN on the side, and rounds by
  // floor and pmax/pmin instead of trunc_sat: the same bytes as Math.min/max and Math.trunc.
  const c: Case = { m: 6, n: 9, k: 24, lda: 24, aOffset: 0, ldo: 9, outOffset: 0, bias: true, epilogue: 'none', outlierColumns: [] };
  const { a, w, bias } = inputs(c, 17);
  const specials: Array<[number, number, number]> = [
    [1, 3, Number.NaN], [2, 5, Infinity], [3, 0, -Infinity], [4, 7, -0], [4, 8, 3e38], [5, 2, -3e38], [5, 11, 1e-45],
  ];
  for (const [row, col, value] of specials) a[row * c.lda + col] = value;
  for (let col = 0; col < c.k; col++) a[col] = -0; // row 0: all -0
  const weight = quantizeInt8Rows(w, c.n, c.k);
  const expected = int8Expected(c, a, weight, bias);
  for (const [label, make] of engines) {
    const engine = make();
    try {
      const actual = runCompact(engine, c, a, weight, bias);
      actual.forEach((value, i) => {
        const same = value === expected[i] || (Number.isNaN(value) && Number.isNaN(expected[i]));
        if (!same) assert.unreachable(`${label}: out[${i}] = ${value}, reference ${expected[i]}`);
      });
    } finally {
      engine.engine.dispose();
    }
  }
});
int8('the column scan and its far-below count in WebAssembly are columnAbsMax and columnsFarBelow, special values included', () => {
  // The scan folds four rows at a time (then one) by an integer max of the magnitudes' bits,
  // and the count compares in float64: both must give the JavaScript definitions exactly, for
  // every row count around the fold of four, NaN (as NaN, wherever it is), infinities, -0,
  // subnormals and values whose 6x rounds in float32.
  const next = random(23);
  const specials = [Number.NaN, Infinity, -Infinity, -0, 1e-45, -1e-40, 3e38, Math.fround(1 / 3), Math.fround(1 / 6)];
  const engine = WasmGemm.create({ shared: false })!;
  for (let trial = 0; trial < 300; trial++) {
    const m = 1 + (trial % 9);
    const kQuads = 1 + Math.floor(next() * 20);
    const k = kQuads * 4;
    const stride = k + 4 * Math.floor(next() * 3);
    const rows = Float32Array.from({ length: m * stride }, () => (next() * 2 - 1) * (next() < 0.1 ? 50 : 1));
    const specialCount = trial % 3 === 0 ? 0 : Math.floor(next() * 4);
    for (let s = 0; s < specialCount; s++) rows[Math.floor(next() * m) * stride + Math.floor(next() * k)] = specials[Math.floor(next() * specials.length)];
    engine.beginOperation();
    const src = engine.place(rows);
    const out = engine.place(new Float32Array(k));
    engine.int8ColumnAbsMax(src, stride * 4, m, kQuads, out);
    const scanned = engine.arena.f32(out, k);
    const expected = columnAbsMax(rows, 0, stride, m, k);
    for (let c = 0; c < k; c++) {
      const same = Object.is(scanned[c], expected[c]) || (Number.isNaN(scanned[c]) && Number.isNaN(expected[c]));
      if (!same) assert.unreachable(`trial ${trial} (m ${m}, k ${k}): column ${c} scanned ${scanned[c]}, reference ${expected[c]}`);
    }
    const count = engine.int8ColumnsFarBelow(out, kQuads, OUTLIER_RATIO);
    assert.is(count < 0 ? undefined : count, columnsFarBelow(expected), `trial ${trial}: columns far below`);
  }
  engine.dispose();
});
int8('maxPooledProduct: per sequence, the max over its rows (and 0) of what matmul gives, in column blocks', () => {
  const c: Case = { m: 21, n: 70, k: 45, lda: 49, aOffset: 2, ldo: 70, outOffset: 0, bias: true, epilogue: 'none', outlierColumns: [6, 30] };
  const { a, w, bias } = inputs(c, 9);
  // Sequence 1 has no rows; a block boundary falls inside the columns of every thread's share.
  const starts = Int32Array.from([0, 5, 5, 21]);
  const batch = starts.length - 1;
  for (const [label, make] of engines) {
    // Plain, with outlier columns, and with one of them a float column of the weight.
    const variants: Array<[number[], Int32Array | undefined]> = [[[], undefined], [c.outlierColumns, undefined], [c.outlierColumns, Int32Array.from([6])]];
    for (const [outlierColumns, keep] of variants) {
      const engine = make();
      const weight = quantizeInt8Rows(w, c.n, c.k, keep);
      const input = Float32Array.from(a);
      for (const col of outlierColumns) for (let i = 0; i < c.m; i++) input[c.aOffset + i * c.lda + col] *= 120;
      const product = runCompact(engine, { ...c, outlierColumns }, input, weight, bias);
      const out = new Float32Array(batch * c.n).fill(-1);
      const args = { m: c.m, a: input, aOffset: c.aOffset, lda: c.lda, b: engine.pack(weight), bias };
      assert.ok(engine.maxPooledProduct(args, starts, engine.columnAlign * 3, out), `${label}: int8 takes the pooled path`);
      for (let s = 0; s < batch; s++) {
        for (let j = 0; j < c.n; j++) {
          let want = 0;
          for (let i = starts[s]; i < starts[s + 1]; i++) want = Math.max(want, product[i * c.ldo + j]);
          if (!Object.is(out[s * c.n + j], want)) assert.unreachable(`${label}: pooled[${s}, ${j}] = ${out[s * c.n + j]}, from matmul ${want}`);
        }
      }
      engine.engine.dispose();
    }
  }
  // float16 too, on the engines with small k and row blocks (widened in the first row block, read again by the others).
  for (const [label, make] of f16Engines.filter(([, m]) => m !== typescriptEngine)) {
    const engine = make() as WasmCompactGemm;
    const weight = toF16Weight(w, c.n, c.k);
    const product = runCompact(engine, c, a, weight, bias);
    const out = new Float32Array(batch * c.n).fill(-1);
    const args = { m: c.m, a, aOffset: c.aOffset, lda: c.lda, b: engine.pack(weight), bias };
    assert.ok(engine.maxPooledProduct(args, starts, engine.columnAlign * 2, out), `${label}: float16 takes the pooled path`);
    for (let s = 0; s < batch; s++) {
      for (let j = 0; j < c.n; j++) {
        let want = 0;
        for (let i = starts[s]; i < starts[s + 1]; i++) want = Math.max(want, product[i * c.ldo + j]);
        if (!Object.is(out[s * c.n + j], want)) assert.unreachable(`${label} float16: pooled[${s}, ${j}] = ${out[s * c.n + j]}, from matmul ${want}`);
      }
    }
    engine.engine.dispose();
  }
  const typescript: CompactGemm = new TypeScriptCompactGemm();
  assert.is(typescript.maxPooledProduct, undefined, 'the TypeScript engine has no pooled path');
});
int8('nthSmallest (the median of the outlier threshold) is what sorting gives, NaN as +Infinity', () => {
  const next = random(31);
  const specials = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 3.4e38, -3.4e38, 1, 1, 1];
  for (let trial = 0; trial < 200; trial++) {
    const length = 1 + Math.floor(next() * 70);
    const values = Float32Array.from({ length }, () => (next() < 0.2 ? specials[Math.floor(next() * specials.length)] : (next() - 0.5) * 10 ** Math.floor(next() * 8 - 4)));
    const sorted = Array.from(values, (v) => (Number.isNaN(v) ? Infinity : v)).sort((x, y) => x - y);
    for (const rank of [0, length >> 1, length - 1, Math.floor(next() * length)]) {
      const got = nthSmallest(values, rank);
      // -0 and 0 sort as equal; the select orders -0 first, which a sort may not.
      if (!(got === sorted[rank])) assert.unreachable(`rank ${rank} of [${[...values].join(', ')}]: ${got}, sorted ${sorted[rank]}`);
    }
  }
});
int8('outlierColumnsOf is its definition (reference by sorting, threshold, cap), its shortcut without the selection included', () => {
  const next = random(41);
  const most = (k: number): number => Math.max(1, Math.floor(k * MAX_OUTLIER_FRACTION));
  // The reference column: the one with OUTLIER_HEADROOM x the cap columns above it.
  const rankOf = (k: number): number => Math.max(0, k - 1 - OUTLIER_HEADROOM * most(k));
  const sortedOf = (colMax: Float32Array): number[] => Array.from(colMax, (v) => (Number.isNaN(v) ? Infinity : v)).sort((x, y) => x - y);
  const definition = (colMax: Float32Array): number[] => {
    const k = colMax.length;
    if (k === 0) return [];
    const threshold = OUTLIER_RATIO * sortedOf(colMax)[rankOf(k)];
    if (!(threshold > 0)) return [];
    const candidates = [...colMax.keys()].filter((c) => colMax[c] > threshold);
    return candidates.sort((x, y) => colMax[y] - colMax[x]).slice(0, most(k)).sort((x, y) => x - y);
  };
  let found = 0;
  for (let trial = 0; trial < 3000; trial++) {
    const k = 1 + Math.floor(next() * 200);
    const colMax = Float32Array.from({ length: k }, () => 0.5 + next());
    // Around the shortcut's edge: the largest at exactly, just under or just over 6 x a column
    // that may be the reference; ties; some zeros; and now and then a special value.
    const pivot = next() < 0.5 ? sortedOf(colMax)[rankOf(k)] : colMax[Math.floor(next() * k)];
    const edge = Math.fround(OUTLIER_RATIO * pivot);
    const top = [edge, Math.fround(edge * (1 - 2 ** -23)), Math.fround(edge * (1 + 2 ** -23)), edge * 40, pivot][Math.floor(next() * 5)];
    // Planted in columns above the pivot, so a reference pivot stays the reference.
    const above = [...colMax.keys()].filter((c) => colMax[c] > pivot);
    for (let j = Math.min(above.length, Math.floor(next() * 4)); j > 0; j--) colMax[above[Math.floor(next() * above.length)]] = top;
    if (next() < 0.2) for (let j = Math.floor(next() * k); j > 0; j--) colMax[Math.floor(next() * k)] = 0;
    if (next() < 0.05) colMax[Math.floor(next() * k)] = [NaN, Infinity, 0][Math.floor(next() * 3)];
    const expected = definition(colMax);
    found += expected.length > 0 ? 1 : 0;
    const got = [...outlierColumnsOf(colMax)];
    if (got.join() !== expected.join()) assert.unreachable(`[${[...colMax].join(', ')}]: ${got}, by definition ${expected}`);
  }
  assert.ok(found > 300, `only ${found} cases had outliers`);
  // More candidates than places (k / 32), up to the headroom, with ties at the cut (kept in
  // column order, as the stable sort keeps them) and infinities.
  let capped = 0;
  for (let trial = 0; trial < 300; trial++) {
    const k = 64 + Math.floor(next() * 3072);
    const levels = 2 + Math.floor(next() * 40);
    const colMax = Float32Array.from({ length: k }, () => (next() < 0.5 ? 0.01 * next() : 0.5 + next()));
    const planted = most(k) + 1 + Math.floor(next() * (OUTLIER_HEADROOM - 1) * most(k));
    for (let j = 0; j < planted; j++) colMax[Math.floor(next() * k)] = 10 + Math.floor(next() * levels);
    if (next() < 0.1) for (let j = 1 + Math.floor(next() * 5); j > 0; j--) colMax[Math.floor(next() * k)] = Infinity;
    const expected = definition(colMax);
    const threshold = OUTLIER_RATIO * sortedOf(colMax)[rankOf(k)];
    const candidates = [...colMax.keys()].filter((c) => colMax[c] > threshold).length;
    capped += candidates > expected.length ? 1 : 0;
    const got = [...outlierColumnsOf(colMax)];
    if (got.join() !== expected.join()) assert.unreachable(`k ${k}, ${levels} levels: ${got}, by definition ${expected}`);
  }
  assert.ok(capped > 200, `only ${capped} cases were capped`);
});
int8('a broad spread of large columns is no outliers: more than the headroom stand above the rest', () => {
  // As after GELU in a model with outlier features: half the columns near zero (negative
  // inputs), the other half large. Against the median all of the large half stood out.
  const next = random(43);
  const k = 3072;
  const colMax = Float32Array.from({ length: k }, (_, c) => (c % 2 === 0 ? 0.05 * next() : 20 + 40 * next()));
  assert.equal(outlierColumnsOf(colMax).length, 0);
  // A few true outliers on top of that spread still stand out.
  for (const c of [5, 700, 2001]) colMax[c] = 60 * OUTLIER_RATIO + 1;
  assert.equal([...outlierColumnsOf(colMax)], [5, 700, 2001]);
});
int8('rows at the edges of the quantization: zeros, one sign, subnormal, huge, a lone spike', () => {
  const k = 13;
  const rows: number[][] = [
    new Array<number>(k).fill(0),
    Array.from({ length: k }, (_, i) => 0.5 + i),
    Array.from({ length: k }, (_, i) => -3 - i * 0.25),
    Array.from({ length: k }, (_, i) => (i % 2 ? 1 : -1) * 1e-40 * i),
    Array.from({ length: k }, (_, i) => (i - 6) * 1e30),
    Array.from({ length: k }, (_, i) => (i === 7 ? 1000 : 0.001 * i)),
  ];
  const a = Float32Array.from(rows.flat());
  const next = random(21);
  const c: Case = { m: rows.length, n: 11, k, lda: k, aOffset: 0, ldo: 11, outOffset: 0, bias: true, epilogue: 'none', outlierColumns: [] };
  const weight = quantizeInt8Rows(randomArray(c.n * k, next), c.n, k);
  const bias = randomArray(c.n, next);
  for (const relaxedSimd of kernels) {
    const engine = new WasmCompactGemm(WasmGemm.create({ shared: false, relaxedSimd })!);
    const actual = runCompact(engine, c, a, weight, bias);
    const expected = int8Expected(c, a, weight, bias);
    for (let i = 0; i < actual.length; i++) {
      if (!Object.is(actual[i], expected[i])) assert.unreachable(`${kernelLabel(relaxedSimd)}: out[${i}] = ${actual[i]}, reference ${expected[i]}`);
    }
    engine.engine.dispose();
  }
});
int8('the TypeScript compact engine is the reference itself on int8', () => {
  const c: Case = { m: 5, n: 9, k: 31, lda: 31, aOffset: 0, ldo: 9, outOffset: 0, bias: true, epilogue: 'none', outlierColumns: [4] };
  const { a, w, bias } = inputs(c, 11);
  const weight = quantizeInt8Rows(w, c.n, c.k);
  assert.equal(runCompact(new TypeScriptCompactGemm(), c, a, weight, bias), int8Expected(c, a, weight, bias));
});
int8('columns(): a block of output columns equals those columns of the whole product', () => {
  const engine = new WasmCompactGemm(WasmGemm.create({ shared: false })!);
  const c: Case = { m: 7, n: 50, k: 40, lda: 40, aOffset: 0, ldo: 50, outOffset: 0, bias: false, epilogue: 'none', outlierColumns: [3] };
  const { a, w } = inputs(c, 5);
  const packed = engine.pack(quantizeInt8Rows(w, c.n, c.k));
  const whole = new Float32Array(c.m * c.n);
  engine.engine.beginOperation();
  engine.matmul({ m: c.m, a, b: packed, out: whole });
  const part = new Float32Array(c.m * 18);
  engine.engine.beginOperation();
  engine.matmul({ m: c.m, a, b: engine.columns(packed, 16, 18), out: part });
  for (let i = 0; i < c.m; i++) assert.equal([...part.subarray(i * 18, (i + 1) * 18)], [...whole.subarray(i * 50 + 16, i * 50 + 34)]);
});
int8('readRows gives the quantized rows times their scales', () => {
  const engine = new WasmCompactGemm(WasmGemm.create({ shared: false })!);
  const next = random(8);
  const weight = quantizeInt8Rows(randomArray(19 * 13, next), 19, 13);
  const rows = Int32Array.from([18, 0, 7]);
  const out = new Float32Array(3 * 13);
  engine.readRows(engine.pack(weight), rows, out);
  const wide = widenWeight(weight);
  rows.forEach((r, i) => assert.equal([...out.subarray(i * 13, (i + 1) * 13)], [...wide.subarray(r * 13, (r + 1) * 13)]));
});
int8.run();

const f16 = suite('float16: compact engines equal the float32 reference on the widened weights');
for (const [label, make] of f16Engines) {
  f16(`${label}: all of M, N, K in {1, 3, 17, 63, 65}, strided`, () => {
    const engine = make();
    try {
      const next = random(label.length * 31 + 7);
      let seed = 100;
      for (const c of cases(next)) {
        const { a, w, bias } = inputs(c, seed++);
        const weight = toF16Weight(w, c.n, c.k);
        const wide = widenWeight(weight);
        const expected = new Float32Array(c.outOffset + c.m * c.ldo).fill(7);
        const reference = new ReferenceGemm();
        reference.matmul({
          m: c.m, a, aOffset: c.aOffset, lda: c.lda, b: reference.packNK(wide, c.n, c.k), out: expected,
          outOffset: c.outOffset, ldo: c.ldo, epilogue: c.epilogue, ...(c.bias ? { bias } : {}),
        });
        const actual = runCompact(engine, c, a, weight, bias);
        for (let i = 0; i < actual.length; i++) {
          const row = Math.floor((i - c.outOffset) / c.ldo);
          const col = (i - c.outOffset) % c.ldo;
          let magnitude = 0;
          if (i >= c.outOffset && col < c.n) for (let p = 0; p < c.k; p++) magnitude += Math.abs(a[c.aOffset + row * c.lda + p] * wide[col * c.k + p]);
          const bound = 1.2 * c.k * U * magnitude + 8 * U * (Math.abs(expected[i]) + 1) + 1e-7;
          if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
            assert.unreachable(`${label} ${JSON.stringify(c)}: out[${i}] = ${actual[i]}, reference ${expected[i]}`);
          }
        }
      }
    } finally {
      if (engine instanceof WasmCompactGemm) engine.engine.dispose();
    }
  });
}
// Stored times 2^s, s the largest of 0..10 that keeps every value finite (so that no subnormal
// reaches the kernel's multiply): all finite values (s = 0), those below 64 (s = 10), those below
// 2^10 (s = 6: some subnormals normalized, some not).
for (const [label, below] of [['all finite', 0x7c00], ['below 64', 0x5400], ['below 2^10', 0x6400]] as const) {
  f16(`the SIMD widening is exact for every finite float16 (subnormals included), ${label}; so is readRows`, () => {
    const engine = new WasmCompactGemm(WasmGemm.create({ shared: false })!);
    const finite = Uint16Array.from({ length: 65536 }, (_, h) => h).filter((h) => (h & 0x7fff) < below);
    const n = finite.length / 8;
    assert.ok(Number.isInteger(n), `${finite.length} values make whole rows of 8`);
    const weight = { kind: 'f16' as const, n, k: 8, bits: finite };
    const out = new Float32Array(n * 8);
    engine.engine.beginOperation();
    // Multiplying by the identity's columns reads each weight back: y[i, j] = W[j, i] for A = I.
    const eye = new Float32Array(8 * 8);
    for (let i = 0; i < 8; i++) eye[i * 8 + i] = 1;
    const y = new Float32Array(8 * n);
    const packed = engine.pack(weight);
    engine.matmul({ m: 8, a: eye, b: packed, out: y });
    const wide = widenWeight(weight);
    for (let j = 0; j < n; j++) for (let i = 0; i < 8; i++) out[j * 8 + i] = y[i * n + j];
    for (let i = 0; i < wide.length; i++) {
      if (!Object.is(out[i], wide[i]) && !(out[i] === 0 && wide[i] === 0)) assert.unreachable(`float16 ${finite[i].toString(16)}: ${out[i]} != ${wide[i]}`);
    }
    const rows = new Float32Array(n * 8);
    engine.readRows(packed, Int32Array.from({ length: n }, (_, i) => i), rows);
    for (let i = 0; i < wide.length; i++) if (!Object.is(rows[i], wide[i])) assert.unreachable(`readRows: float16 ${finite[i].toString(16)}: ${rows[i]} != ${wide[i]}`);
  });
}
f16('scaleF16 multiplies by 2^s exactly wherever the result is finite', () => {
  for (let h = 0; h < 65536; h++) {
    if ((h & 0x7c00) === 0x7c00) continue;
    for (let s = 0; s <= 10; s++) {
      const want = f16ToF32(h) * 2 ** s;
      if (Math.abs(want) > 65504) continue;
      const got = f16ToF32(scaleF16(h, s));
      if (!Object.is(got, want)) assert.unreachable(`${h.toString(16)} * 2^${s}: ${got} != ${want}`);
    }
  }
});
f16.run();
