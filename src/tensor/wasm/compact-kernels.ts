// The WebAssembly kernels of compact weights, assembled into the gemm module (gemm-module.ts)
// so that the worker threads, which run `gemm(job)`, run them too: a job record whose `ext`
// word is not zero points at an extension record saying what to do instead of (int8) or
// before (float16) the float32 multiply.
//
// int8: C = A·Bᵀ with A the activations quantized per row to 7 bits (values in [0, 127] with
// a zero point, see ../gemm/int8-activations.ts) and B the weights quantized per output row
// (int8). k is walked in groups of G steps (INT8_GROUP): A packed [mPanel][K/G][MR][G] and B
// [nPanel][K/G][NR][G], so that each A group is 4 bytes and one 32-bit splat puts a row's group
// beside NR/4 columns' groups. Two kernels:
// - relaxed SIMD (where the runtime has it), G = 4 bytes: i32x4.relaxed_dot_i8x16_i7x16_add_s
//   multiplies a row's four bytes, splatted, with four columns' four weights and adds into the
//   int32 accumulator: 16 multiply-adds in one instruction (x86 vpdpbusd where AVX-VNNI exists).
// - baseline SIMD, G = 2, A as int16 (written so by the quantizer): i32x4.dot_i16x8_s of a
//   row's pair, splatted, with four columns' pairs (8 weights loaded widened to int16): 8
//   multiply-adds, each lane one column's sum. One pair a loop iteration keeps the body as
//   small as the float32 kernel's, which TurboFan unrolls and schedules without spilling; a
//   larger body had every load of the iteration hoisted to its top, and accumulators spilled.
// Both sum exactly in int32, so they give identical results. At the end of k the tile becomes
// float32: (Σ q·w - zero · Σ w) times (row scale x column scale), added to its start: the
// bias, or C itself for a second (outlier) pass.
//
// Outlier columns (see ../gemm/int8-activations.ts) are a second, small product with
// activations of their own: the driver gathers the outlier columns of its own n-panels' weights
// (and their row sums) into scratch, then runs the second pass on each panel right after the
// first, while the panel's C tile is still in L1. So the outliers cost no extra thread
// hand-off, no pass of the calling thread over all the weights (a vocabulary projection's 30,522
// rows), and no second pass over C.
//
// float16: the float32 multiply itself, on panels widened from a float16 copy a k block at a
// time by the thread that multiplies them (beginF16Job), so the weights stay half-size in memory.
import { F32, I32, V128 } from './binary-writer.js';
import { geluRowBlock, pushMin } from './driver-steps.js';
import { FunctionBuilder } from './function-builder.js';
import { pushTouchArgs, pushTwoStreams, startTouching, TOUCH_PARAMS, touchOnce, type TouchStreams } from './panel-touch.js';

/** Output columns of the int8 register tile (both kernels). */
export const INT8_NR = 8;
/** Rows of the int8 register tile (both kernels): NR/4 accumulators a row. */
export const INT8_MR = 4;
/** k steps of a group (see the top of this file): relaxed 4 bytes, baseline 2 int16. */
export const INT8_GROUP = { relaxed: 4, baseline: 2 } as const;
/** k steps a packed int8 operand is padded to (whole loop iterations of either kernel). */
export const INT8_K_ALIGN = 8;

/** Byte offsets of the int8 extension record (i32 words). */
export const INT8_EXT = {
  kind: 0, a: 4, aStride: 8, aScale: 12, aZero: 16, b: 20, bStride: 24, bScale: 28, bSum: 32, c: 36, ldc: 40,
  mPanels: 44, kGroups: 48, src: 52, srcStride: 56, mcBlock: 60, gelu: 64,
  // The outlier group; oCount 0: none. oA..oAZero: its activations, as a..aZero. oFrom, oTo:
  // oCount byte offsets, in a panel, of each outlier's weight in B and in the gathered panels
  // (row 0 of the panel; row r adds r·G). oB, oBStride, oBSum: where the jobs gather them
  // (zero-filled beforehand, as their k padding stays), oKGroups groups long.
  oCount: 68, oFrom: 72, oTo: 76, oA: 80, oAStride: 84, oAScale: 88, oAZero: 92, oB: 96, oBStride: 100, oBSum: 104, oKGroups: 108,
} as const;
/**
 * Byte offsets of the float16 extension record: `src` the multiply's float16 panels,
 * `panelValues` values a panel (kPad·NR), `wide` and `wideStride` where they are widened to
 * (see beginF16Job), `scale` (float32) what widen_f16 scales by: 2^112 over the power of two
 * the values are stored times.
 */
export const F16_EXT = { kind: 0, src: 4, panelValues: 8, wide: 12, wideStride: 16, scale: 20 } as const;
export const EXT_KIND = { int8: 1, f16: 2 } as const;
export const EXT_BYTES = 128;

// SIMD opcodes (after the 0xfd prefix) beyond those FunctionBuilder names.
const OP = {
  load8x8S: 0x01, load16x4S: 0x03, v128And: 0x4e,
  i32x4Shl: 0xab, i32x4Add: 0xae, i32x4Sub: 0xb1, i32x4Mul: 0xb5,
  i32x4Splat: 0x11, i32x4DotI16x8S: 0xba, f32x4ConvertI32x4S: 0xfa, relaxedDotI8x16I7x16AddS: 0x113,
} as const;

const I8_PANEL_PARAMS = ['a', 'aStride', 'aScale', 'aZero', 'b', 'bScale', 'bSum', 'c', 'ldc', 'mCount', 'kGroups', 'src', 'srcStride', ...TOUCH_PARAMS];

/** k groups per inner-loop iteration (see the top of this file). */
function groupsPerStep(relaxed: boolean): number {
  return relaxed ? 2 : 1;
}

/** Bytes of a B panel one inner-loop iteration of int8PanelKernel reads. */
function int8IterationBytes(relaxed: boolean): number {
  return groupsPerStep(relaxed) * INT8_NR * (relaxed ? INT8_GROUP.relaxed : INT8_GROUP.baseline);
}

/** The int8 panel kernel's accumulator of tile row i, column quad j. */
function int8Acc(i: number, j: number): string {
  return `acc${i}_${j}`;
}

/**
 * Group u of an int8PanelKernel loop iteration: B's NR columns of the group (b0..), times each
 * row's group of A splatted, into the accumulators.
 */
function int8Group(f: FunctionBuilder, relaxed: boolean, u: number): void {
  const g = relaxed ? INT8_GROUP.relaxed : INT8_GROUP.baseline;
  const perRow = INT8_NR / 4;
  for (let j = 0; j < perRow; j++) {
    // relaxed: 16 bytes, four columns' quads; baseline: 8 bytes (four columns' pairs) widened to int16.
    if (relaxed) f.get('bp').v128Load(u * INT8_NR * g + j * 16);
    else f.get('bp').simdMemory(OP.load8x8S, 3, u * INT8_NR * g + j * 8);
    f.set(`b${j}`);
  }
  for (let i = 0; i < INT8_MR; i++) {
    f.get('ap').v128Load32Splat((u * INT8_MR + i) * 4).set('s');
    for (let j = 0; j < perRow; j++) {
      if (relaxed) f.get(`b${j}`).get('s').get(int8Acc(i, j)).simdOp(OP.relaxedDotI8x16I7x16AddS);
      else f.get(int8Acc(i, j)).get('s').get(`b${j}`).simdOp(OP.i32x4DotI16x8S).simdOp(OP.i32x4Add);
      f.set(int8Acc(i, j));
    }
  }
}

/**
 * The tile to float32, at C (`c`, rows `ldc` apart): (Σ q·w - zero · Σ w) times (row scale x
 * column scale), added to its start at `src` (the bias, or C itself for a second pass).
 */
function int8TileToFloat(f: FunctionBuilder): void {
  f.get('c').set('cr');
  f.get('src').set('sr');
  for (let i = 0; i < INT8_MR; i++) {
    f.get('aZero').i32Load(i * 4).simdOp(OP.i32x4Splat).set('zs');
    f.get('aScale').f32Load(i * 4).f32x4Splat().set('rs');
    for (let v = 0; v < INT8_NR / 4; v++) {
      f.get('cr');
      f.get(int8Acc(i, v));
      f.get('zs').get('bSum').v128Load(v * 16).simdOp(OP.i32x4Mul).simdOp(OP.i32x4Sub);
      f.simdOp(OP.f32x4ConvertI32x4S);
      f.get('rs').get('bScale').v128Load(v * 16).f32x4Mul();
      f.f32x4Mul();
      f.get('sr').v128Load(v * 16).f32x4Add();
      f.v128Store(v * 16);
    }
    f.bump('cr', 'ldc');
    f.bump('sr', 'srcStride');
  }
}

/**
 * One n-panel of NR columns x `mCount` row panels of MR rows, over all of k, by the relaxed or
 * the baseline instruction (see the top of this file), touching the next panel in `streams`
 * streams (./panel-touch.ts). `aStride`: bytes per A panel.
 */
export function int8PanelKernel(relaxed: boolean, streams: TouchStreams): FunctionBuilder {
  const mr = INT8_MR;
  const perRow = INT8_NR / 4;
  const g = relaxed ? INT8_GROUP.relaxed : INT8_GROUP.baseline;
  const steps = groupsPerStep(relaxed);
  const f = new FunctionBuilder(`int8_panel_${streams}`, I8_PANEL_PARAMS, I8_PANEL_PARAMS.map(() => I32));
  for (const name of ['ap', 'bp', 'k', 'cr', 'sr']) f.local(name);
  for (let i = 0; i < mr; i++) for (let j = 0; j < perRow; j++) f.local(int8Acc(i, j), V128);
  for (let j = 0; j < perRow; j++) f.local(`b${j}`, V128);
  for (const name of ['s', 'zs', 'rs']) f.local(name, V128);
  startTouching(f, streams, () => f.get('kGroups').i32(INT8_NR * g).mul());
  f.doWhile(
    () => {
      for (let i = 0; i < mr; i++) for (let j = 0; j < perRow; j++) f.v128Zero().set(int8Acc(i, j));
      f.get('a').set('ap');
      f.get('b').set('bp');
      f.get('kGroups').set('k');
      f.doWhile(
        () => {
          touchOnce(f, streams);
          for (let u = 0; u < steps; u++) int8Group(f, relaxed, u);
          f.bump('ap', steps * mr * 4);
          f.bump('bp', int8IterationBytes(relaxed));
          f.bump('k', -steps);
        },
        () => f.get('k'),
      );
      int8TileToFloat(f);
      f.bump('a', 'aStride');
      f.bump('aScale', mr * 4);
      f.bump('aZero', mr * 4);
      f.bump('c', 'ldc', mr);
      f.bump('src', 'srcStride', mr);
      f.bump('mCount', -1);
    },
    () => f.get('mCount'),
  );
  return f;
}

const GATHER_PARAMS = ['b', 'bStride', 'out', 'outStride', 'sums', 'from', 'to', 'count', 'np', 'npEnd'];

/**
 * `int8_gather_outliers(...)`: for n-panels [np, npEnd), the `count` outlier weights of each
 * of the panel's NR rows copied from B (`from` offsets) into the outlier panels (`to`
 * offsets), and each row's sum of them into `sums` (NR int32 a panel). np < npEnd, count > 0.
 */
export function int8GatherOutliersKernel(relaxed: boolean): FunctionBuilder {
  const g = relaxed ? INT8_GROUP.relaxed : INT8_GROUP.baseline;
  const f = new FunctionBuilder('int8_gather_outliers', GATHER_PARAMS, GATHER_PARAMS.map(() => I32));
  for (const name of ['src', 'dst', 'row', 'j', 'sum', 'v']) f.local(name);
  /** Pushes the i32 at `array` + 4j. */
  const entry = (array: string): void => { f.get(array).get('j').i32(4).mul().add().i32Load(); };
  f.doWhile(
    () => {
      f.i32(0).set('row');
      f.doWhile(
        () => {
          f.get('b').get('np').get('bStride').mul().add().get('row').i32(g).mul().add().set('src');
          f.get('out').get('np').get('outStride').mul().add().get('row').i32(g).mul().add().set('dst');
          f.i32(0).set('sum');
          f.i32(0).set('j');
          f.doWhile(
            () => {
              f.get('src'); entry('from'); f.add().i32Load8S().set('v');
              f.get('dst'); entry('to'); f.add().get('v').i32Store8();
              f.bump('sum', 'v');
              f.bump('j', 1);
            },
            () => f.get('j').get('count').ltU(),
          );
          f.get('sums').get('np').i32(INT8_NR * 4).mul().add().get('row').i32(4).mul().add().get('sum').i32Store();
          f.bump('row', 1);
        },
        () => f.get('row').i32(INT8_NR).ltU(),
      );
      f.bump('np', 1);
    },
    () => f.get('np').get('npEnd').ltU(),
  );
  return f;
}

/** The locals int8Driver reads a pass's operands from: the main pass's, or the outlier group's. */
interface PassOperands {
  readonly a: string; readonly aStride: string; readonly aScale: string; readonly aZero: string;
  readonly b: string; readonly bStride: string; readonly bSum: string;
}
const MAIN_OPERANDS: PassOperands = { a: 'a', aStride: 'aStride', aScale: 'aScale', aZero: 'aZero', b: 'b', bStride: 'bStride', bSum: 'bSum' };
const OUTLIER_OPERANDS: PassOperands = { a: 'oA', aStride: 'oAStride', aScale: 'oAScale', aZero: 'oAZero', b: 'oB', bStride: 'oBStride', bSum: 'oBSum' };

/**
 * Pushes int8_panel's first seven arguments (A, its stride, row scales and zero points; B, the
 * column scales, B's row sums) for row block `mc0`, n-panel `np` (in int8Driver). Both passes
 * share the weights' column scales.
 */
function pushOperands(f: FunctionBuilder, o: PassOperands): void {
  f.get(o.a).get('mc0').get(o.aStride).mul().add();
  f.get(o.aStride);
  f.get(o.aScale).get('mc0').i32(INT8_MR * 4).mul().add();
  f.get(o.aZero).get('mc0').i32(INT8_MR * 4).mul().add();
  f.get(o.b).get('np').get(o.bStride).mul().add();
  f.get('bScale').get('np').i32(INT8_NR * 4).mul().add();
  f.get(o.bSum).get('np').i32(INT8_NR * 4).mul().add();
}

/**
 * The main pass of row block `mc0`, n-panel `np` (in int8Driver) by the kernel `panel`, which
 * touches in `streams` streams; sets `cp` to the tile's place in C.
 */
function callMainPass(f: FunctionBuilder, panel: number, streams: TouchStreams, relaxed: boolean): void {
  const mr = INT8_MR;
  const nr = INT8_NR;
  pushOperands(f, MAIN_OPERANDS);
  f.get('c').get('mc0').get('ldc').mul().i32(mr).mul().add().get('np').i32(nr * 4).mul().add().tee('cp');
  f.get('ldc').get('mCount').get('kGroups');
  f.get('src').get('mc0').get('srcStride').mul().i32(mr).mul().add().get('np').i32(nr * 4).mul().add();
  f.get('srcStride');
  pushTouchArgs(f, int8IterationBytes(relaxed), streams);
  f.call(panel);
}

/**
 * `int8_gemm(job, ext)`: row blocks of `mcBlock` panels x the job's n-panels [npStart, npEnd),
 * each panel's outlier pass (when the record has outliers) right after its main pass.
 */
export function int8Driver(
  fn: { panel: number; panelTwoStreams: number; gatherOutliers: number; geluSpan: number }, job: { npStart: number; npEnd: number }, relaxed: boolean,
): FunctionBuilder {
  const mr = INT8_MR;
  const nr = INT8_NR;
  const f = new FunctionBuilder('int8_gemm', ['job', 'ext'], [I32, I32]);
  for (const field of Object.keys(INT8_EXT)) f.local(field);
  for (const name of ['npStart', 'npEnd', 'mc0', 'mCount', 'np', 'row', 'rowEnd', 'cp', 'twoStreams']) f.local(name);
  for (const [field, offset] of Object.entries(INT8_EXT)) f.get('ext').i32Load(offset).set(field);
  f.get('job').i32Load(job.npStart).set('npStart');
  f.get('job').i32Load(job.npEnd).set('npEnd');
  f.get('npStart').get('npEnd').ltU().ifElse(() => {
    f.get('oCount').ifElse(() => {
      for (const name of ['b', 'bStride', 'oB', 'oBStride', 'oBSum', 'oFrom', 'oTo', 'oCount', 'npStart', 'npEnd']) f.get(name);
      f.call(fn.gatherOutliers);
    });
    f.i32(0).set('mc0');
    f.doWhile(
      () => {
        pushMin(f, 'mcBlock', () => f.get('mPanels').get('mc0').sub());
        f.set('mCount');
        pushTwoStreams(f, mr);
        f.set('twoStreams');
        f.get('npStart').set('np');
        f.doWhile(
          () => {
            f.get('twoStreams').ifElse(
              () => callMainPass(f, fn.panelTwoStreams, 2, relaxed),
              () => callMainPass(f, fn.panel, 1, relaxed),
            );
            f.get('oCount').ifElse(() => {
              // The outlier pass, added onto the tile just written.
              pushOperands(f, OUTLIER_OPERANDS);
              f.get('cp').get('ldc').get('mCount').get('oKGroups');
              f.get('cp').get('ldc');
              f.i32(0).i32(0); // no touches: the outlier panels are few and small
              f.call(fn.panel);
            });
            f.bump('np', 1);
          },
          () => f.get('np').get('npEnd').ltU(),
        );
        f.get('gelu').ifElse(() => geluRowBlock(f, mr, nr, fn.geluSpan));
        f.bump('mc0', 'mCount');
      },
      () => f.get('mc0').get('mPanels').ltU(),
    );
  });
  return f;
}

/**
 * `widen_f16(src, dst, quads, scale)`: 4 float16 values a quad to float32. Each value is
 * loaded sign-extended to 32 bits and shifted left by 13: the sign lands in bit 31 (with
 * copies in bits 28-30, masked off) and exponent and mantissa in a float32's places; times
 * 2^112 (sign kept) that is the value, float16 subnormals normalized; exact for every finite
 * value. `scale` is 2^112, or less for values stored times a power of two (F16_EXT).
 */
export function widenF16Kernel(): FunctionBuilder {
  const f = new FunctionBuilder('widen_f16', ['src', 'dst', 'quads', 'scale'], [I32, I32, I32, F32]);
  f.local('scales', V128);
  f.get('scale').f32x4Splat().set('scales');
  const quad = (offset: number): void => {
    f.get('dst');
    f.get('src').simdMemory(OP.load16x4S, 3, offset * 8).i32(13).simdOp(OP.i32x4Shl);
    f.i32x4Const(0x8fffe000 | 0).simdOp(OP.v128And).get('scales').f32x4Mul();
    f.v128Store(offset * 16);
  };
  // Two quads an iteration, then the odd one.
  f.get('quads').i32(1).op1(0x76 /* i32.shr_u */).ifElse(() => {
    f.doWhile(
      () => {
        quad(0);
        quad(1);
        f.bump('src', 16);
        f.bump('dst', 32);
        f.bump('quads', -2);
      },
      () => f.get('quads').i32(1).gtU(),
    );
  });
  f.get('quads').ifElse(() => quad(0));
  return f;
}

/**
 * In the float32 driver (gemm-module.ts), a job whose extension record is float16: B's
 * panels are read from the record's float16 copy, each k block of a panel widened (by
 * widenPanelBlock) into float32 just before it is multiplied, so the weights stay half-size.
 * Where they go (`wide`, `wideStride`): a multiply of one row block widens every panel into
 * the job's own one-panel buffer (stride 0), where it stays in cache until multiplied; one of
 * several row blocks widens each panel once, in the first, into a buffer of all the panels
 * (stride: a panel's bytes) that the later row blocks read again. Sets the driver's locals
 * `b` and `bStride` to that buffer, `wsrc` and `wvals` to the float16 panels and their values
 * a panel, `wscale` (float32) to the record's scale.
 */
export function beginF16Job(f: FunctionBuilder): void {
  f.get('ext').f32Load(F16_EXT.scale).set('wscale');
  f.get('ext').i32Load(F16_EXT.src).set('wsrc');
  f.get('ext').i32Load(F16_EXT.panelValues).set('wvals');
  f.get('ext').i32Load(F16_EXT.wide).set('b');
  f.get('ext').i32Load(F16_EXT.wideStride).set('bStride');
}

/** Pushes whether the driver widens this panel block now: always into a one-panel buffer, else in the first row block. */
export function pushWidensNow(f: FunctionBuilder): void {
  f.get('wsrc').get('bStride').eqz().get('mc0').eqz().op1(0x72 /* i32.or */).mul();
}

/**
 * widen_f16 of n-panel `np`'s k block [k0, k0 + kc) to where the panel kernel reads it, `b` +
 * np·bStride + k0·NR·4 (NR floats a k step; kc·NR is a multiple of 4, NR being one).
 */
export function widenPanelBlock(f: FunctionBuilder, nr: number, widenF16: number): void {
  // src: wsrc + (np·wvals + k0·NR)·2
  f.get('wsrc').get('np').get('wvals').mul().get('k0').i32(nr).mul().add().i32(2).mul().add();
  f.get('b').get('np').get('bStride').mul().add().get('k0').i32(nr * 4).mul().add();
  f.get('kc').i32(nr / 4).mul();
  f.get('wscale');
  f.call(widenF16);
}
