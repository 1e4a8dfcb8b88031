// The activations' side of the int8 multiply in WebAssembly: the outlier scan (max |x| per
// column) and the per-row 7-bit quantization of ../gemm/int8-activations.ts, written straight
// into the layout the int8 kernels read (compact-kernels.ts): A as [mPanel][K/G][MR][G], bytes
// in groups of 4 for the relaxed kernel, int16 in pairs for the baseline one.
// Every float32 step is the one int8-activations.ts does with Math.fround, so both give the
// same bytes (tested); rows are independent, so a record covers rows [start, end).
import { F32, F64, I32, V128 } from './binary-writer.js';
import { FunctionBuilder } from './function-builder.js';
import { foldLanes } from './vector-math.js';

/** Byte offsets of a quantize record (i32 words). */
export const INT8_QUANTIZE = {
  /** float32 rows, `srcStride` bytes apart, each at least kQuads * 4 floats. */
  src: 0, srcStride: 4, start: 8, end: 12, kQuads: 16,
  /** kQuads * 4 words: all ones where a column is quantized, 0 where it counts as zero (skipped, padding). */
  mask: 20,
  /** [mPanel][kQuads * 4 / G][mr][G] values (see quantizeRowsKernel). */
  out: 24, mr: 28,
  /** float32 and int32 per row. */
  scales: 32, zeros: 36,
} as const;
export const INT8_QUANTIZE_BYTES = 64;

const OP = {
  and: 0x4e, or: 0x50, anyTrue: 0x53, f32x4Ne: 0x42, f32x4Abs: 0xe0, f32x4Max: 0xe9, f32x4Mul: 0xe6, f32x4Add: 0xe4,
  f32x4Floor: 0x68, f32x4Pmin: 0xea, f32x4Pmax: 0xeb, i32x4Sub: 0xb1,
  truncSatS: 0xf8, convertS: 0xfa, i32x4MinS: 0xb6, i32x4MaxS: 0xb8, i32x4Splat: 0x11, i32x4ExtractLane: 0x1b,
  i16x8NarrowS: 0x85, i8x16NarrowU: 0x66, store32Lane: 0x5a,
  load64Zero: 0x5d, f64x2Splat: 0x14, f64x2PromoteLowF32x4: 0x5f, f64x2Mul: 0xf2, f64x2Lt: 0x49, i64x2Sub: 0xd1, i64x2ExtractLane: 0x1d,
} as const;
/** 2^23: adding it to a float32 integer in [0, 2^23) leaves the integer in the low mantissa bits. */
const MAGIC = 2 ** 23;
/** The float32 bits of MAGIC. */
const MAGIC_BITS = 0x4b000000;
const SCALAR = {
  f32Min: 0x96, f32Max: 0x97, f32Sub: 0x93, f32Mul: 0x94, f32Div: 0x95, f32Neg: 0x8c, f32Ge: 0x60, divU: 0x6e, remU: 0x70,
  gtS: 0x4a, i64Add: 0x7c, i32WrapI64: 0xa7, f32ReinterpretI32: 0xbe, f64PromoteF32: 0xbb,
} as const;
/** `return` (the value on the stack). */
const RETURN = 0x0f;
/** The float32 bits of +Infinity: any bit pattern above it, sign clear, is a NaN. */
const INFINITY_BITS = 0x7f800000;

/** float32 min normal: below it a scale counts as zero (int8-activations.ts MIN_SCALE). */
const MIN_SCALE = 2 ** -126;

/** Byte offsets of a column-absmax record (i32 words): kQuads * 4 columns of `rows` rows. */
export const INT8_ABSMAX = {
  /** Row 0's first float32 of the record's columns; rows `srcStride` bytes apart. */
  src: 0, srcStride: 4, rows: 8, kQuads: 12,
  /** kQuads * 4 float32 maxima, zero beforehand (set by the caller). */
  out: 16,
} as const;
export const INT8_ABSMAX_BYTES = 64;

/** Rows the column scan folds into a column's maximum per load and store of it. */
const ABSMAX_ROWS = 4;
/** All bits but the sign: `and` with it is |x|, for NaN too. */
const MAGNITUDE_BITS = 0x7fffffff;

/**
 * Folds `rows` rows (from local p, srcStride apart) into the column quad at o: the maximum of
 * the magnitudes' bit patterns as integers. For x >= 0 (and |NaN|) float32 bits order as the
 * values do, with every NaN above +Infinity, so this is max |x| where Math.max would give
 * it, and NaN wherever a NaN is: what the reference's Math.max(colMax, |x|) gives, in one
 * pmaxsd a value where f32x4.max (NaN-propagating) is about eight x86 instructions.
 */
function foldRowsIntoQuad(f: FunctionBuilder, rows: number): void {
  f.get('o');
  f.get('o').v128Load(0);
  for (let r = 0; r < rows; r++) {
    f.get('p');
    if (r > 0) f.get('srcStride').i32(r).mul().add();
    f.v128Load(0).i32x4Const(MAGNITUDE_BITS).simdOp(OP.and).simdOp(OP.i32x4MaxS);
  }
  f.v128Store(0);
}

/**
 * `int8_column_absmax(record)`: out[c] = max(out[c], |x[r, c]|) over the record's rows, for
 * its columns (NaN where a NaN is, see foldRowsIntoQuad). ABSMAX_ROWS rows at a time, so each
 * column quad is loaded and stored once for them. Columns are independent, so the threads
 * each take a range of them.
 */
export function columnAbsMaxKernel(): FunctionBuilder {
  const f = new FunctionBuilder('int8_column_absmax', ['record'], [I32]);
  for (const name of ['src', 'srcStride', 'rows', 'kQuads', 'out', 'p', 'o', 'g']) f.local(name);
  for (const [field, offset] of Object.entries(INT8_ABSMAX)) f.get('record').i32Load(offset).set(field);
  // Nothing to do without columns (the column loops run at least once).
  f.get('kQuads').ifElse(() => {
    f.inWidths('rows', ABSMAX_ROWS, (rows) => {
      f.get('src').set('p');
      f.get('out').set('o');
      f.get('kQuads').set('g');
      f.doWhile(() => {
        foldRowsIntoQuad(f, rows);
        f.bump('p', 16);
        f.bump('o', 16);
        f.bump('g', -1);
      }, () => f.get('g'));
      f.bump('src', 'srcStride', rows);
    });
  });
  return f;
}

/**
 * `int8_columns_far_below(colMax, kQuads, ratio) -> count`: how many of the kQuads * 4 column
 * maxima (float32 >= 0, as int8_column_absmax leaves them) have ratio · max below the largest,
 * compared in float64 (exact for ratio 6: see int8-activations.ts columnsFarBelow); -1 when one
 * is NaN. The outlier shortcut of every int8 multiply, here rather than in JavaScript, where
 * its two passes cost 2.6-6.9 us a call (768 to 3,072 columns; ~0.2 ms a 12-token query).
 */
export function columnsFarBelowKernel(): FunctionBuilder {
  const f = new FunctionBuilder('int8_columns_far_below', ['colMax', 'kQuads', 'ratio'], [I32, I32, F64], [I32]);
  for (const name of ['p', 'g', 'top']) f.local(name);
  for (const name of ['vtop', 'vlargest', 'vratio', 'count']) f.local(name, V128);
  // Pass 1: the largest bit pattern (NaN above every number, as in foldRowsIntoQuad).
  f.v128Zero().set('vtop');
  f.get('colMax').set('p');
  f.get('kQuads').set('g');
  f.get('g').ifElse(() => {
    f.doWhile(() => {
      f.get('vtop').get('p').v128Load(0).simdOp(OP.i32x4MaxS).set('vtop');
      f.bump('p', 16);
      f.bump('g', -1);
    }, () => f.get('g'));
  });
  f.get('vtop').simdLane(OP.i32x4ExtractLane, 0).set('top');
  for (let lane = 1; lane < 4; lane++) {
    f.get('vtop').simdLane(OP.i32x4ExtractLane, lane).get('top');
    f.get('vtop').simdLane(OP.i32x4ExtractLane, lane).get('top').op1(SCALAR.gtS).select().set('top');
  }
  f.get('top').i32(INFINITY_BITS).op1(SCALAR.gtS).ifElse(() => {
    f.i32(-1).op1(RETURN);
  });
  // Pass 2: count ratio · v < largest, two columns a step in float64.
  f.get('top').op1(SCALAR.f32ReinterpretI32).op1(SCALAR.f64PromoteF32).simdOp(OP.f64x2Splat).set('vlargest');
  f.get('ratio').simdOp(OP.f64x2Splat).set('vratio');
  f.v128Zero().set('count');
  f.get('colMax').set('p');
  f.get('kQuads').i32(2).mul().set('g');
  f.get('g').ifElse(() => {
    f.doWhile(() => {
      f.get('count');
      f.get('p').simdMemory(OP.load64Zero, 3, 0).simdOp(OP.f64x2PromoteLowF32x4).get('vratio').simdOp(OP.f64x2Mul);
      f.get('vlargest').simdOp(OP.f64x2Lt);
      // A true lane is -1: subtracting it counts one.
      f.simdOp(OP.i64x2Sub).set('count');
      f.bump('p', 8);
      f.bump('g', -1);
    }, () => f.get('g'));
  });
  f.get('count').simdLane(OP.i64x2ExtractLane, 0).get('count').simdLane(OP.i64x2ExtractLane, 1).op1(SCALAR.i64Add).op1(SCALAR.i32WrapI64);
  return f;
}

/** Pushes the record's field `name` (the function's parameter `record`). */
function field(f: FunctionBuilder, name: keyof typeof INT8_QUANTIZE): FunctionBuilder {
  return f.get('record').i32Load(INT8_QUANTIZE[name]);
}

/** Sets p and mk to the start of row `row` and its mask, g to kQuads. */
function rowStart(f: FunctionBuilder): void {
  field(f, 'src');
  f.get('row');
  field(f, 'srcStride');
  f.mul().add().set('p');
  field(f, 'mask').set('mk');
  f.get('kQuads').set('g');
}

/** Pushes the row's masked group of four at p / mk. */
function maskedGroup(f: FunctionBuilder): void {
  f.get('p').v128Load(0).get('mk').v128Load(0).simdOp(OP.and);
}

/** Pass 1: sets lo and hi to the row's range, widened to hold 0 (masked columns read as 0). */
function rowRange(f: FunctionBuilder): void {
  rowStart(f);
  f.v128Zero().set('vlo');
  f.v128Zero().set('vhi');
  f.v128Zero().set('vnan');
  f.doWhile(() => {
    maskedGroup(f);
    f.set('x');
    // pmin/pmax are one instruction each (min/max, which propagate NaN, are several on
    // x86); NaN is tracked on the side, and a row with one gets a NaN range below, as
    // Math.min/Math.max give the reference.
    f.get('vlo').get('x').simdOp(OP.f32x4Pmin).set('vlo');
    f.get('vhi').get('x').simdOp(OP.f32x4Pmax).set('vhi');
    f.get('vnan').get('x').get('x').simdOp(OP.f32x4Ne).simdOp(OP.or).set('vnan');
    f.bump('p', 16);
    f.bump('mk', 16);
    f.bump('g', -1);
  }, () => f.get('g'));
  foldLanes(f, 'vlo', SCALAR.f32Min);
  f.set('lo');
  foldLanes(f, 'vhi', SCALAR.f32Max);
  f.set('hi');
  f.get('vnan').simdOp(OP.anyTrue).ifElse(() => {
    f.f32Const(Number.NaN).set('lo');
    f.f32Const(Number.NaN).set('hi');
  });
}

/**
 * From lo and hi: the row's scale and zero point, stored in the record's `scales` and
 * `zeros`, and vinv, vhalf (zero + 0.5) splatted for pass 2.
 */
function scaleAndZero(f: FunctionBuilder): void {
  // scale = (hi - lo) / 127, inv = 1 / scale; both 0 below MIN_SCALE.
  f.get('hi').get('lo').op1(SCALAR.f32Sub).f32Const(127).op1(SCALAR.f32Div).set('scale');
  f.f32Const(1).get('scale').op1(SCALAR.f32Div).set('inv');
  f.get('scale').f32Const(MIN_SCALE).op1(SCALAR.f32Ge).ifElse(() => {}, () => {
    f.f32Const(0).set('scale');
    f.f32Const(0).set('inv');
  });
  // zero = clamp(trunc(-lo * inv + 0.5)), in all four lanes.
  f.get('lo').op1(SCALAR.f32Neg).get('inv').op1(SCALAR.f32Mul).f32x4Splat().f32x4Const(0.5).simdOp(OP.f32x4Add);
  f.simdOp(OP.truncSatS).v128Zero().simdOp(OP.i32x4MaxS).i32x4Const(127).simdOp(OP.i32x4MinS).set('q');
  f.get('q').simdLane(OP.i32x4ExtractLane, 0).set('zero');
  f.get('q').simdOp(OP.convertS).f32x4Const(0.5).simdOp(OP.f32x4Add).set('vhalf');
  f.get('inv').f32x4Splat().set('vinv');
  field(f, 'scales').get('row').i32(4).mul().add().get('scale').f32Store(0);
  field(f, 'zeros').get('row').i32(4).mul().add().get('zero').i32Store(0);
}

/**
 * Pass 2: q = clamp(trunc(x * inv + zero + 0.5)), four floats a step, written where the int8
 * kernel reads row `row` (bytes in quads for the relaxed kernel, int16 in pairs otherwise).
 * As clamp(floor(t)) by pmax/pmin (NaN gives 0, as trunc_sat does; the same integers for every
 * other t, negative ones clamped to 0 either way) and then read out of the bits of q + 2^23:
 * three instructions where trunc_sat alone is about eight on x86.
 */
function quantizeRow(f: FunctionBuilder, relaxed: boolean): void {
  rowStart(f);
  // o = out + (row / mr) * (bytes a panel: kQuads * mr * 4 bytes, or 8 as int16) + (row % mr) * 4
  field(f, 'out');
  f.get('row').get('mr').op1(SCALAR.divU).get('kQuads').mul().get('mr').mul().i32(relaxed ? 4 : 8).mul().add();
  f.get('row').get('mr').op1(SCALAR.remU).i32(4).mul().add().set('o');
  f.doWhile(() => {
    f.f32x4Const(127).v128Zero();
    maskedGroup(f);
    f.get('vinv').simdOp(OP.f32x4Mul).get('vhalf').simdOp(OP.f32x4Add).simdOp(OP.f32x4Floor);
    // pmax(0, t) = 0 < t ? t : 0, then pmin(127, that) = that < 127 ? that : 127.
    f.simdOp(OP.f32x4Pmax).simdOp(OP.f32x4Pmin);
    f.f32x4Const(MAGIC).simdOp(OP.f32x4Add).i32x4Const(MAGIC_BITS).simdOp(OP.i32x4Sub).set('q');
    if (relaxed) {
      f.get('o');
      f.get('q').get('q').simdOp(OP.i16x8NarrowS);
      f.get('q').get('q').simdOp(OP.i16x8NarrowS);
      f.simdOp(OP.i8x16NarrowU);
      f.simdMemoryLane(OP.store32Lane, 0, 0, 0);
      f.bump('p', 16);
      f.bump('mk', 16);
      f.bump('o', 'mr', 4);
    } else {
      // Two pairs of int16: the first into this k-pair's row slot, the second a pair later.
      f.get('q').get('q').simdOp(OP.i16x8NarrowS).set('q');
      f.get('o').get('q').simdMemoryLane(OP.store32Lane, 0, 0, 0);
      f.get('o').get('mr').i32(4).mul().add().get('q').simdMemoryLane(OP.store32Lane, 0, 0, 1);
      f.bump('p', 16);
      f.bump('mk', 16);
      f.bump('o', 'mr', 8);
    }
    f.bump('g', -1);
  }, () => f.get('g'));
}

/**
 * `int8_quantize_rows(record)`: see the top of this file and int8-activations.ts quantizeRows.
 * `relaxed`: bytes in quads (the relaxed kernel); otherwise int16 in pairs (the baseline one).
 */
export function quantizeRowsKernel(relaxed: boolean): FunctionBuilder {
  const f = new FunctionBuilder('int8_quantize_rows', ['record'], [I32]);
  for (const name of ['row', 'end', 'kQuads', 'mr', 'p', 'mk', 'o', 'g', 'zero']) f.local(name);
  for (const name of ['lo', 'hi', 'scale', 'inv']) f.local(name, F32);
  for (const name of ['vlo', 'vhi', 'vnan', 'x', 'vinv', 'vhalf', 'q']) f.local(name, V128);
  field(f, 'start').set('row');
  field(f, 'end').set('end');
  field(f, 'kQuads').set('kQuads');
  field(f, 'mr').set('mr');
  f.get('row').get('end').ltU().ifElse(() => {
    f.doWhile(() => {
      rowRange(f);
      scaleAndZero(f);
      quantizeRow(f, relaxed);
      f.bump('row', 1);
    }, () => f.get('row').get('end').ltU());
  });
  return f;
}
