// The WebAssembly SIMD matrix-multiply kernel, assembled at run time.
//
// It computes C += A·B on packed operands, GotoBLAS style:
//   A (activations) packed as [mPanel][K][MR]  — MR rows side by side for each k,
//   B (weights)     packed as [nPanel][K][NR]  — NR output columns side by side for each k,
//   C (result)      row-major with a row stride of `ldc` bytes, rows and columns padded to
//                   whole tiles, starting from the bias (a vector of the padded width).
// The micro-kernel keeps an MR x NR tile of C in registers (f32x4 vectors) while it walks k,
// so each step loads NR/4 vectors of B and MR broadcast scalars of A and does MR*NR/4
// multiply-adds. `gemm` walks blocks: MC rows of A (kept in L2) x KC steps of k (a B panel
// slice of KC x NR floats stays in L1) x the n-panels [npStart, npEnd) of one thread.
import { encodeModule, F32, I32, V128, type MemoryImport } from './binary-writer.js';
import { FunctionBuilder } from './function-builder.js';
import { attendHeads, packHeadKeys, packHeadValues } from './attention-kernel.js';
import { layerNormRows } from './layer-norm-kernel.js';
import { gemmPool } from './pool-kernel.js';
import { geluSpan, softmaxRows } from './vector-math.js';
import { pushTouchArgs, pushTwoStreams, startTouching, TOUCH_PARAMS, touchOnce, type TouchStreams } from './panel-touch.js';
import { beginF16Job, EXT_KIND, int8Driver, int8GatherOutliersKernel, int8PanelKernel, pushWidensNow, widenF16Kernel, widenPanelBlock } from './compact-kernels.js';
import { columnAbsMaxKernel, columnsFarBelowKernel, quantizeRowsKernel } from './int8-quantize-kernel.js';
import { geluRowBlock, pushMin } from './driver-steps.js';

/** Register-tile and loop-shape parameters of one generated kernel. */
export interface GemmShape {
  /** Rows of A per micro-tile. */
  readonly mr: number;
  /** Columns of B per micro-tile; a multiple of 4. */
  readonly nr: number;
  /** k steps per inner-loop iteration; packed K is padded to a multiple of it. */
  readonly unroll: number;
}

// Without fused multiply-add, V8's loop for this kernel is bound by the instructions it issues,
// not by the multiply and add pipes: 2x16 does 4x8's 32 multiply-adds a k step on the same loads
// with two row pointers instead of four, and was ~11 % faster on Zen 4 under Node 20; wider
// tiles spill (x64 gives V8 16 vector registers) and unrolling k loses. Measurements of every
// tile tried: docs/speed.md and bench/results/gemm-2026-12-06-tile.txt.
export const DEFAULT_GEMM_SHAPE: GemmShape = { mr: 2, nr: 16, unroll: 1 };

/** Byte offsets of the fields of a job record (i32 each) that `gemm(job)` reads. */
export const JOB = {
  a: 0, aStride: 4, b: 8, bStride: 12, c: 16, ldc: 20,
  mPanels: 24, k: 28, kcBlock: 32, mcBlock: 36, npStart: 40, npEnd: 44, bias: 48,
  /** 1: GELU on this job's columns once they are complete. */
  gelu: 52,
  /**
   * 0: A packed as [mPanel][K][MR] (aStride = bytes per panel). 1: A read in place,
   * row-major (aStride = bytes per row), through MR row pointers: no packing needed.
   */
  aRows: 56,
  /**
   * 0: a float32 multiply. Otherwise the byte offset of an extension record for compact
   * weights (see compact-kernels.ts): an int8 multiply instead, or B's panels widened from
   * float16 a k block at a time (the record then says where B is).
   */
  ext: 60,
} as const;
export const JOB_BYTES = 64;

/** f32x4.relaxed_madd(a, b, c) = a * b + c, fused or not as the hardware does it. */
const F32X4_RELAXED_MADD = 0x105;

const PANEL_PARAMS = ['a', 'aStride', 'b', 'c', 'ldc', 'mCount', 'kc', 'bias', ...TOUCH_PARAMS];

/** Bytes of a B panel one k-loop iteration of panelKernel reads. */
function iterationBytes(shape: GemmShape): number {
  return shape.unroll * shape.nr * 4;
}

/** Which panel kernel: starting from the bias (the first k block) or C, A as rows or packed, touch streams. */
interface PanelVariant {
  readonly fromBias: boolean;
  readonly rows: boolean;
  readonly streams: TouchStreams;
}

/** Every panel kernel, in FN's order from FN.panelFirst. */
const PANEL_VARIANTS: readonly PanelVariant[] = ([1, 2] as const).flatMap((streams) =>
  [false, true].flatMap((rows) => [true, false].map((fromBias) => ({ fromBias, rows, streams }))));

/** The function index of a panel kernel. */
function panelFunction(v: PanelVariant): number {
  return FN.panelFirst + PANEL_VARIANTS.findIndex((p) => p.fromBias === v.fromBias && p.rows === v.rows && p.streams === v.streams);
}

/** A panel kernel's accumulator of tile row i, column vector j. */
function acc(i: number, j: number): string {
  return `acc${i}_${j}`;
}

/** Sets `cr` to the start of tile row i (rows are `ldc` bytes apart). */
function rowPointer(f: FunctionBuilder, i: number): void {
  if (i === 0) f.get('c').set('cr');
  else f.bump('cr', 'ldc');
}

/** Starts the tile's accumulators at the bias (`fromBias`: the first k block) or at C. */
function loadTile(f: FunctionBuilder, mr: number, nv: number, fromBias: boolean): void {
  for (let i = 0; i < mr; i++) {
    if (!fromBias) rowPointer(f, i);
    for (let j = 0; j < nv; j++) {
      if (fromBias) f.get('bias').v128Load(j * 16);
      else f.get('cr').v128Load(j * 16);
      f.set(acc(i, j));
    }
  }
}

/**
 * The k loop of a tile: `unroll` k steps an iteration, each B's NR floats times every row's
 * A value, splatted; `rows`: A read from its rows as they are (a0.. a(mr-1)), else packed (ap).
 */
function tileLoop(f: FunctionBuilder, shape: GemmShape, rows: boolean, streams: TouchStreams, features: KernelFeatures): void {
  const { mr, nr, unroll } = shape;
  const nv = nr / 4;
  f.doWhile(
    () => {
      touchOnce(f, streams);
      for (let u = 0; u < unroll; u++) {
        for (let j = 0; j < nv; j++) f.get('bp').v128Load((u * nr + j * 4) * 4).set(`b${j}`);
        for (let i = 0; i < mr; i++) {
          if (rows) f.get(`a${i}`).v128Load32Splat(u * 4).set('s');
          else f.get('ap').v128Load32Splat((u * mr + i) * 4).set('s');
          for (let j = 0; j < nv; j++) {
            // Relaxed SIMD: one fused multiply-add (x86 vfmadd, one rounding instead of two).
            if (features.relaxed) f.get('s').get(`b${j}`).get(acc(i, j)).simdOp(F32X4_RELAXED_MADD).set(acc(i, j));
            else f.get(acc(i, j)).get('s').get(`b${j}`).f32x4Mul().f32x4Add().set(acc(i, j));
          }
        }
      }
      if (rows) for (let i = 0; i < mr; i++) f.bump(`a${i}`, unroll * 4);
      else f.bump('ap', unroll * mr * 4);
      f.bump('bp', iterationBytes(shape));
    },
    () => f.get('bp').get('bEnd').ne(),
  );
}

/**
 * One n-panel x (all m-panels of a block) x kc steps. `fromBias` (the first k block) starts
 * the tile at the bias instead of loading C.
 */
function panelKernel(shape: GemmShape, { fromBias, rows, streams }: PanelVariant, features: KernelFeatures): FunctionBuilder {
  const { mr, nr } = shape;
  const nv = nr / 4;
  const name = `panel_${fromBias ? 'init' : 'acc'}_${rows ? 'rows' : 'packed'}_${streams}`;
  const f = new FunctionBuilder(name, PANEL_PARAMS, PANEL_PARAMS.map(() => I32));
  f.local('cr');
  f.local('ap');
  f.local('bp');
  if (rows) for (let i = 0; i < mr; i++) f.local(`a${i}`);
  f.local('bEnd');
  for (let i = 0; i < mr; i++) for (let j = 0; j < nv; j++) f.local(acc(i, j), V128);
  for (let j = 0; j < nv; j++) f.local(`b${j}`, V128);
  f.local('s', V128);
  startTouching(f, streams, () => f.get('kc').i32(nr * 4).mul());
  f.doWhile(
    () => {
      loadTile(f, mr, nv, fromBias);
      if (rows) {
        f.get('a').set('a0');
        for (let i = 1; i < mr; i++) f.get(`a${i - 1}`).get('aStride').add().set(`a${i}`);
      } else {
        f.get('a').set('ap');
      }
      f.get('b').set('bp');
      // The loop ends on the B pointer, not on a k counter: one register less in a loop that
      // has none to spare (a counter got spilled to the stack).
      f.get('b').get('kc').i32(nr * 4).mul().add().set('bEnd');
      tileLoop(f, shape, rows, streams, features);
      for (let i = 0; i < mr; i++) {
        rowPointer(f, i);
        for (let j = 0; j < nv; j++) f.get('cr').get(acc(i, j)).v128Store(j * 16);
      }
      f.bump('a', 'aStride', rows ? mr : 1);
      f.bump('c', 'ldc', mr);
      f.bump('mCount', -1);
    },
    () => f.get('mCount'),
  );
  return f;
}

/** Pushes a panel kernel's arguments for row block `mc0`, k block `k0`, n-panel `np` (in gemmDriver). */
function pushPanelArgs(f: FunctionBuilder, shape: GemmShape, { rows, streams }: PanelVariant): void {
  // packed: a + mc0*aStride + k0*MR*4; rows: a + mc0*MR*aStride + k0*4; then aStride
  f.get('a').get('mc0').get('aStride').mul();
  if (rows) f.i32(shape.mr).mul();
  f.add().get('k0').i32(rows ? 4 : shape.mr * 4).mul().add();
  f.get('aStride');
  // b + np*bStride + k0*NR*4
  f.get('b').get('np').get('bStride').mul().add().get('k0').i32(shape.nr * 4).mul().add().tee('bArg');
  // c + mc0*MR*ldc + np*NR*4, ldc, mCount, kc, bias + np*NR*4
  f.get('c').get('mc0').get('cStride').mul().add().get('np').i32(shape.nr * 4).mul().add();
  f.get('ldc').get('mCount').get('kc');
  f.get('bias').get('np').i32(shape.nr * 4).mul().add();
  pushPanelTouch(f, shape, streams);
}

/**
 * Pushes the panel kernel's touch arguments (./panel-touch.ts). A float16 job's panel that
 * is widened just before its multiply (`widens`) touches the next panel's float16 source, not
 * its float32 buffer (where nothing is yet, or the same one-panel buffer again): those bytes
 * come from memory when widened, and without the touches widening ran at the speed of one
 * stream of cache misses (a query in f16 took 1.4x f32's time). Each stream covers a whole
 * float16 k block (half the float32 bytes), the second one panel further on (the kernel puts
 * it half a float32 panel ahead); the job's last two panels touch their own buffer instead, so
 * no touch reaches beyond the job's panels.
 */
function pushPanelTouch(f: FunctionBuilder, shape: GemmShape, streams: TouchStreams): void {
  f.get('widens').ifElse(
    () => {
      // wsrc + ((np + 1)·wvals + k0·NR)·2, relative to the kernel's B (bArg)
      f.get('wsrc').get('np').i32(1).add().get('wvals').mul().get('k0').i32(shape.nr).mul().add().i32(2).mul().add();
      f.get('bArg').sub().i32(0).get('np').i32(2).add().get('npEnd').ltU().select().set('touchAt');
      f.i32(iterationBytes(shape) / 2).get('mCount').op1(0x6e /* i32.div_u */).set('touchBy');
    },
    () => {
      pushTouchArgs(f, iterationBytes(shape), streams);
      f.set('touchBy').set('touchAt');
    },
  );
  f.get('touchAt').get('touchBy');
}

/** Calls the panel kernel the job's A layout (`aRows`), k block (`k0`) and row block (`twoStreams`) ask for. */
function callPanelKernel(f: FunctionBuilder, shape: GemmShape): void {
  const callVariant = (v: PanelVariant): void => {
    pushPanelArgs(f, shape, v);
    f.call(panelFunction(v));
  };
  const byStreams = (rows: boolean, fromBias: boolean): void => {
    f.get('twoStreams').ifElse(() => callVariant({ fromBias, rows, streams: 2 }), () => callVariant({ fromBias, rows, streams: 1 }));
  };
  const byBlock = (rows: boolean): void => {
    f.get('k0').eqz().ifElse(() => byStreams(rows, true), () => byStreams(rows, false));
  };
  f.get('aRows').ifElse(() => byBlock(true), () => byBlock(false));
}

/**
 * In gemmDriver: a job with an extension record (compact-kernels.ts) runs its int8 multiply
 * whole and clears `run`, or, float16, sets up the widening of each panel's k blocks.
 */
function beginCompactJob(f: FunctionBuilder): void {
  f.get('ext').ifElse(() => {
    f.get('ext').i32Load(0).i32(EXT_KIND.int8).eq().ifElse(
      () => { f.get('job').get('ext').call(FN.int8Gemm); f.i32(0).set('run'); },
      () => beginF16Job(f),
    );
  });
}

/** In gemmDriver: row block mc0's k blocks, each over the job's n-panels [npStart, npEnd). */
function rowBlockProduct(f: FunctionBuilder, shape: GemmShape): void {
  f.i32(0).set('k0');
  f.doWhile(
    () => {
      pushMin(f, 'kcBlock', () => f.get('k').get('k0').sub());
      f.set('kc');
      f.get('npStart').set('np');
      f.doWhile(
        () => {
          pushWidensNow(f);
          f.tee('widens').ifElse(() => widenPanelBlock(f, shape.nr, FN.widenF16));
          callPanelKernel(f, shape);
          f.bump('np', 1);
        },
        () => f.get('np').get('npEnd').ltU(),
      );
      f.bump('k0', 'kc');
    },
    () => f.get('k0').get('k').ltU(),
  );
}

/** `gemm(job)`: the blocked loops around the panel kernels, for n-panels [npStart, npEnd). */
function gemmDriver(shape: GemmShape): FunctionBuilder {
  const f = new FunctionBuilder('gemm', ['job'], [I32]);
  for (const field of Object.keys(JOB)) f.local(field);
  for (const name of ['mc0', 'mCount', 'k0', 'kc', 'np', 'cStride', 'row', 'rowEnd', 'twoStreams', 'wsrc', 'wvals', 'widens', 'bArg', 'touchAt', 'touchBy']) f.local(name);
  f.local('wscale', F32);
  for (const [field, offset] of Object.entries(JOB)) f.get('job').i32Load(offset).set(field);
  f.get('ldc').i32(shape.mr).mul().set('cStride');
  f.local('run');
  f.i32(1).set('run');
  beginCompactJob(f);
  f.get('run').get('npStart').get('npEnd').ltU().mul().ifElse(() => {
    f.i32(0).set('mc0');
    f.doWhile(
      () => {
        pushMin(f, 'mcBlock', () => f.get('mPanels').get('mc0').sub());
        f.set('mCount');
        pushTwoStreams(f, shape.mr);
        f.set('twoStreams');
        rowBlockProduct(f, shape);
        // The block's rows are final for this job's columns: apply GELU while they are in cache.
        f.get('gelu').ifElse(() => geluRowBlock(f, shape.mr, shape.nr, FN.geluSpan));
        f.bump('mc0', 'mCount');
      },
      () => f.get('mc0').get('mPanels').ltU(),
    );
  });
  return f;
}

/** Function indices of the module. */
const FN = {
  gemm: 0, geluSpan: 1, softmaxRows: 2, gemmPool: 3,
  int8Panel: 4, int8Gemm: 5, widenF16: 6, packHeadKeys: 7, packHeadValues: 8, attendHeads: 9, layerNormRows: 10,
  int8QuantizeRows: 11, int8ColumnAbsMax: 12, int8GatherOutliers: 13, int8PanelTwoStreams: 14, int8ColumnsFarBelow: 15,
  /** The first of the PANEL_VARIANTS.length float32 panel kernels (see panelFunction). */
  panelFirst: 16,
} as const;

/**
 * The custom section that tells a precompiled module's shape (a `WebAssembly.Module` handed
 * in by the user, see kernel-module.ts): JSON `{ format, mr, nr, unroll, shared }`.
 */
export const KERNEL_SECTION = 'splade-ts.kernels';
/** Bumped whenever the job record or an export changes, so an old kernels.wasm is refused. */
export const KERNEL_FORMAT = 11;

/**
 * Instructions beyond WebAssembly SIMD a module may use. `relaxed`: relaxed SIMD (Node 22+,
 * Chrome 114+, Firefox 145+), for the int8 kernel's 8-bit dot product and the float32
 * kernel's fused multiply-add.
 */
export interface KernelFeatures {
  readonly relaxed: boolean;
}
export const BASELINE_FEATURES: KernelFeatures = { relaxed: false };

/** What KERNEL_SECTION holds. */
export interface KernelDescription extends GemmShape, KernelFeatures {
  readonly format: number;
  readonly shared: boolean;
}

/**
 * The module bytes: the panel kernels, `gemm(job)`, `gelu_span`, `softmax_rows`,
 * `gemm_pool(record)`, `attend_heads(record)`, `layer_norm_rows(record)`, `int8_quantize_rows(record)`,
 * `int8_column_absmax(record)`, `int8_columns_far_below(colMax, kQuads, ratio)` (these nine
 * exported), and KERNEL_SECTION describing them.
 */
export function buildGemmModule(shape: GemmShape, memory: MemoryImport, features: KernelFeatures = BASELINE_FEATURES): Uint8Array<ArrayBuffer> {
  if (shape.nr % 4 !== 0 || shape.mr < 1 || shape.unroll < 1) {
    throw new Error(`gemm kernel: unsupported register tile ${shape.mr}x${shape.nr}`);
  }
  const functions = [
    gemmDriver(shape).build(true),
    geluSpan().build(true),
    softmaxRows().build(true),
    gemmPool(FN.gemm, JOB).build(true),
    int8PanelKernel(features.relaxed, 1).build(false),
    int8Driver({ panel: FN.int8Panel, panelTwoStreams: FN.int8PanelTwoStreams, gatherOutliers: FN.int8GatherOutliers, geluSpan: FN.geluSpan }, JOB, features.relaxed).build(false),
    widenF16Kernel().build(false),
    packHeadKeys(shape.nr).build(false),
    packHeadValues(shape.nr).build(false),
    attendHeads(FN).build(true),
    layerNormRows().build(true),
    quantizeRowsKernel(features.relaxed).build(true),
    columnAbsMaxKernel().build(true),
    int8GatherOutliersKernel(features.relaxed).build(false),
    int8PanelKernel(features.relaxed, 2).build(false),
    columnsFarBelowKernel().build(true),
    ...PANEL_VARIANTS.map((v) => panelKernel(shape, v, features).build(false)),
  ];
  // FN names each fixed function once, 0 .. panelFirst - 1, and the panel kernels follow.
  const fixed = Object.values(FN).filter((i) => i < FN.panelFirst).sort((x, y) => x - y);
  if (fixed.some((i, at) => i !== at) || fixed.length !== FN.panelFirst || functions.length !== FN.panelFirst + PANEL_VARIANTS.length) {
    throw new Error(`gemm module: ${functions.length} functions, FN has ${fixed.length} fixed indices and panels from ${FN.panelFirst}`);
  }
  const description: KernelDescription = {
    format: KERNEL_FORMAT, mr: shape.mr, nr: shape.nr, unroll: shape.unroll, shared: memory.shared, relaxed: features.relaxed,
  };
  const custom = { name: KERNEL_SECTION, bytes: new TextEncoder().encode(JSON.stringify(description)) };
  return encodeModule(memory, functions, [custom]);
}
